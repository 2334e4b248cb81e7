"""nbgrader configuration of the course: the repository root is the course directory."""

import os

c = get_config()  # noqa: F821 (provided by nbgrader)

COURSE_ROOT = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "dnn-from-scratch"
c.CourseDirectory.root = COURSE_ROOT

# Where release_assignment / fetch_assignment / submit / collect meet. On a shared JupyterHub
# point NBGRADER_EXCHANGE at a folder every user can reach (for example /srv/nbgrader/exchange);
# by default a folder of the course directory, for one-machine use and the demo.
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", os.path.join(COURSE_ROOT, "exchange"))

# The stub keeps the classic "### START CODE HERE ###" look: the placeholders and the START/END
# markers sit outside the solution region, and `raise NotImplementedError()` keeps every released
# cell valid Python even when the solution is a whole block.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# Never release caches or editor files.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".DS_Store"]

# A deleted test cell is put back and graded rather than left "needs manual grade" (and a
# re-grade then never keeps a stale score for it).
c.OverwriteCells.add_missing_cells = True

# One notebook must not hang the batch.
c.Execute.timeout = 120  # (used only if Execute is put back above)
c.Execute.interrupt_on_timeout = True

# One grading core: nbgrader's Execute (student code and hidden tests in one Jupyter kernel of
# the grader) is replaced by the course's sandboxed grader, which writes each grade cell's
# outcome as nbgrader's outputs. `nbgrader autograde`, the formgrader's Autograde button and
# `python -m autograder grade` therefore give the same grade to every grade cell.
c.Autograde.autograde_preprocessors = [
    "autograder.nbgrader_plugin.SandboxedGrading",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Limits of the process that runs one submission's code, for both graders (defaults shown;
# `python -m autograder grade --memory-mb 2048 ...` overrides them for one run).
c.GradingSandbox.memory_mb = 1024      # address space
c.GradingSandbox.cpu_seconds = 120     # CPU time, all requests of one submission together
c.GradingSandbox.file_mb = 16          # largest file written
c.GradingSandbox.exec_seconds = 30.0   # wall time of one cell of definitions
c.GradingSandbox.call_seconds = 30.0   # wall time of one call of a graded function
c.GradingSandbox.answer_mb = 16        # largest answer read back
c.GradingSandbox.output_chars = 20000  # printed characters kept per request
c.GradingSandbox.submission_seconds = 600.0  # wall time of one submission, restarts and all

# nbgrader reads the submitted notebook with the course's bounded reader (size, nesting, no links)
# instead of parsing any file whole; a file it refuses is graded 0 with the reason.
c.Autograde.exporter_class = "autograder.nbgrader_plugin.BoundedNotebookExporter"

# Sanitizing starts from the released notebook holding the student's graded cells, so notebooks
# saved without nbgrader metadata (VS Code, Colab) or with duplicated cells are autograded too
# (nbgrader's OverwriteCells alone stops on them); scores come from the submitted file itself.
c.Autograde.sanitize_preprocessors = [
    "autograder.nbgrader_plugin.RebuildFromRelease",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
