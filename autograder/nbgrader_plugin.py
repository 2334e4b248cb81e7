"""Stock ``nbgrader autograde`` grading through the course's sandboxed core.

``nbgrader_config.py`` puts :class:`SandboxedGrading` in ``Autograde.autograde_preprocessors``
in place of nbgrader's ``Execute``. So ``nbgrader autograde``, the formgrader's Autograde
button and ``nbgrader generate_feedback`` never run student code in a Jupyter kernel of the
grader: the preprocessor grades the student's *submitted* notebook (the same bytes, with the
same function, as ``python -m autograder grade``) and writes each grade cell's outcome as the
outputs nbgrader scores:

* full marks: a short stdout line;
* partial credit: the teaching messages on stdout, then the score as the cell's numeric
  ``execute_result`` (nbgrader's partial-credit convention);
* no credit: an ``error`` output whose message is the teaching message.

The file is read by :class:`BoundedNotebookExporter` (``c.Autograde.exporter_class``), with the
course's bounds on size and nesting. Before grading, :class:`RebuildFromRelease` (first of
``Autograde.sanitize_preprocessors``) gives nbgrader a well-formed notebook to sanitize: the
released notebook with each graded function's cell taken from the submission. nbgrader's own
``OverwriteCells`` crashes on notebooks saved without nbgrader metadata (VS Code, Colab) or with
duplicated cells, which the course's grader grades in full; the rebuilt notebook only shapes the
autograded copy and the feedback, the scores always come from the submitted bytes.

In ``source/`` a hidden-test cell holds only a line that fails loudly if this preprocessor is
ever removed; in the autograded notebook that block becomes a one-line comment, so feedback
shows the messages, never hidden code. Other cells keep no outputs: the student's code is not
run to make them.
"""

import re
from pathlib import Path

from nbconvert.exporters import NotebookExporter
from nbformat.v4 import new_notebook, new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade

from autograder import config as course_config
from autograder.assignments import load_assignment
from autograder.classgrade import grading_settings
from autograder.grading import grade_notebook
from coursekit.notebook_code import GRADED_HEADER, SubmissionError, read_notebook


class BoundedNotebookExporter(NotebookExporter):
    """nbgrader's reader of the notebook to autograde, bounded (``c.Autograde.exporter_class``).

    Stock nbconvert parses the whole file, whatever its size or nesting, in nbgrader's own
    process before any preprocessor runs. This reader goes through the course's bounded
    :func:`coursekit.notebook_code.read_notebook` (size limit, no symbolic links, deep JSON refused);
    a file it refuses becomes an empty notebook, which :class:`RebuildFromRelease` turns into the
    released one and :class:`SandboxedGrading` scores 0 with the reader's message.
    """

    def from_file(self, file_stream, resources=None, **kw):
        try:
            nb = read_notebook(file_stream.name)
        except SubmissionError as error:
            self.log.warning("%s", error)
            nb = new_notebook()
        return self.from_notebook_node(nb, resources=resources, **kw)


HIDDEN_BLOCK = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*$", re.S | re.M)
HIDDEN_NOTE = "# (the hidden tests of {name} ran in the course's sandboxed grader; their messages are below)"


def _points(value):
    return f"{value:g}"


def grade_cell_outputs(function, kind, result, notes=()):
    """The outputs of grade cell ``<function>_<kind>`` (kind ``public`` or ``hidden``) for ``result``."""
    score = result.public_score if kind == "public" else result.hidden_score
    maximum = result.public_max if kind == "public" else result.hidden_max
    messages = list(result.public_messages if kind == "public" else result.hidden_messages) + list(notes)
    what = "public tests" if kind == "public" else "hidden tests"
    if score >= maximum:
        lines = [f"{function}: all {what} passed ({_points(score)} / {_points(maximum)} points)."]
        return [new_output("stream", name="stdout", text="\n".join(lines + list(notes)) + "\n")]
    text = "\n".join(messages) or f"{function}: the {what} did not pass."
    if score > 0:
        return [new_output("stream", name="stdout",
                           text=f"{function}: {what} partly passed ({_points(score)} / {_points(maximum)} points).\n"
                                f"{text}\n"),
                new_output("execute_result", data={"text/plain": repr(float(score))}, execution_count=1)]
    return [new_output("error", ename="TestFailure", evalue=f"{function}: 0 / {_points(maximum)} points for the {what}",
                       traceback=text.splitlines())]


class SandboxedGrading(NbGraderPreprocessor):
    """Grade the submission with :func:`autograder.grading.grade_notebook` and write grade-cell outputs."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        student, assignment_id, notebook_id = info["student"], info["assignment"], info["notebook"]
        coursedir = course_config.course_directory(self.config)
        source = Path(coursedir.format_path(coursedir.source_directory, ".", assignment_id))
        assignment = load_assignment(assignment_id, source.parent)
        if notebook_id != assignment.notebook_id:
            raise ValueError(f"{assignment_id} has one graded notebook, {assignment.notebook}, not {notebook_id}")
        submitted = Path(coursedir.format_path(coursedir.submitted_directory, student, assignment_id))
        settings = grading_settings(coursedir, self.config)
        self.log.info("Grading %s of %s in the course's sandbox (isolation %s)", assignment_id, student,
                      settings.isolation)
        result = grade_notebook(assignment, student, submitted / assignment.notebook, settings)
        by_name = {f.name: f for f in result.functions}
        notes = [f"Note about your notebook: {n}" for n in result.notes + ([result.error] if result.error else [])]
        notes.append(f"(graded in the course's sandbox, isolation: {result.isolation})")
        first = True
        for cell in nb.cells:
            if cell.cell_type != "code" or not is_grade(cell):
                if cell.cell_type == "code":
                    cell.outputs = []
                continue
            grade_id = cell.metadata.nbgrader.get("grade_id", "")
            name, _, kind = grade_id.rpartition("_")
            if name not in by_name or kind not in ("public", "hidden"):
                cell.outputs = [new_output("error", ename="GradingError",
                                           evalue=f"{grade_id} is not a grade cell of {assignment_id}",
                                           traceback=[f"{grade_id}: no graded function of this name; 0 points."])]
                continue
            cell.outputs = grade_cell_outputs(name, kind, by_name[name], notes if first else ())
            if kind == "hidden":
                # What ran is the grader's, not this cell's: feedback shows the comment line only.
                cell.source = HIDDEN_BLOCK.sub(HIDDEN_NOTE.format(name=name), cell.source)
            cell.execution_count = 1
            first = False
        return nb, resources


class RebuildFromRelease(NbGraderPreprocessor):
    """Replace the submission by the released notebook holding the student's graded-function cells.

    Never stops nbgrader: without a released notebook (``nbgrader generate_assignment`` not run
    on this machine) or on anything unexpected, it logs why and hands on the submission as it is.
    """

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        coursedir = course_config.course_directory(self.config)
        release = Path(coursedir.format_path(coursedir.release_directory, ".", info["assignment"]))
        path = release / f"{info['notebook']}.ipynb"
        if not path.is_file():
            self.log.warning("No released notebook %s (run nbgrader generate_assignment): the submission of %s is "
                             "sanitized as submitted; its score still comes from the course's grader", path,
                             info["student"])
            return nb, resources
        try:
            return self._rebuild(nb, read_notebook(path)), resources
        except Exception as error:  # the scores never depend on this step: keep going
            self.log.warning("Could not rebuild %s's notebook from %s (%s: %s); sanitizing it as submitted",
                             info["student"], path, type(error).__name__, error)
            return nb, resources

    @staticmethod
    def _rebuild(nb, released):
        student = {}
        for cell in nb.get("cells", []):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            header = GRADED_HEADER.search(source)
            if header:
                student[header.group(1)] = source  # the last one wins, as in the grader
        for cell in released.cells:
            header = GRADED_HEADER.match(cell.source) if cell.cell_type == "code" else None
            if header and cell.metadata.get("nbgrader", {}).get("solution") and header.group(1) in student:
                cell.source = student[header.group(1)]
        return released
