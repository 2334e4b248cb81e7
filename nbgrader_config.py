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
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True
