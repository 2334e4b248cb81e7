"""The nbgrader preprocessors that put stock ``nbgrader autograde`` on the course's grading core.

Unit-level checks: the outputs written into grade cells are scored by nbgrader's own
``determine_grade`` exactly as the core scored them; the sanitizing step never stops
nbgrader, whatever the submitted cells look like; the answer key follows the course it grades
and an edit of ``source/`` reaches a long-lived process.
"""

import shutil
from types import SimpleNamespace

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.utils import determine_grade
from traitlets.config import Config

from autograder import reference_models
from autograder.assignments import REPOSITORY
from autograder.nbgrader_plugin import BoundedNotebookExporter, RebuildFromRelease, grade_cell_outputs
from autograder.sample_class import NOTEBOOKS, release_notebook

ASSIGNMENT = "dnn_step_by_step"


def result(public_score, hidden_score, messages=("linear_forward: 1 problem(s) found.",)):
    return SimpleNamespace(public_score=public_score, public_max=3.0, hidden_score=hidden_score, hidden_max=3.0,
                           public_messages=list(messages), hidden_messages=list(messages))


def scored(outputs):
    cell = new_code_cell("linear_forward_test(linear_forward)", metadata={
        "nbgrader": {"grade": True, "solution": False, "grade_id": "linear_forward_public", "points": 3}})
    cell.outputs = outputs
    return determine_grade(cell)[0]


@pytest.mark.parametrize("score", [0.0, 1.0, 2.25, 3.0])
def test_nbgrader_scores_the_outputs_as_the_core_scored_the_cell(score):
    for kind in ("public", "hidden"):
        outputs = grade_cell_outputs("linear_forward", kind, result(score, score))
        assert scored(outputs) == pytest.approx(score)


def test_a_failing_cell_carries_the_teaching_message_as_an_error():
    outputs = grade_cell_outputs("linear_forward", "public", result(0.0, 0.0, ["Z: wrong values. Likely cause: x."]))
    assert [o.output_type for o in outputs] == ["error"]
    assert "Z: wrong values. Likely cause: x." in outputs[0].traceback


def rebuild(tmp_path, nb, with_release=True):
    if with_release:
        folder = tmp_path / "release" / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(release_notebook(ASSIGNMENT), folder / NOTEBOOKS[ASSIGNMENT])
    config = Config()
    config.CourseDirectory.root = str(tmp_path)
    resources = {"nbgrader": {"student": "ada", "assignment": ASSIGNMENT,
                              "notebook": NOTEBOOKS[ASSIGNMENT].removesuffix(".ipynb")}}
    return RebuildFromRelease(config=config).preprocess(nb, resources)[0]


def test_sanitizing_starts_from_the_release_with_the_students_graded_cells(tmp_path):
    code = "# GRADED FUNCTION: linear_forward\ndef linear_forward(A, W, b):\n    return W @ A + b, (A, W, b)\n"
    markdown = "# GRADED FUNCTION: compute_cost\ndef compute_cost(AL, Y):\n    return 0.0\n"
    odd = new_code_cell("")
    odd.source = code.splitlines(True)  # a list of lines, as some front ends save it
    nb = new_notebook(cells=[new_markdown_cell("notes"), odd, new_markdown_cell(markdown)])
    rebuilt = rebuild(tmp_path, nb)
    released = release_notebook(ASSIGNMENT)
    assert len(rebuilt.cells) == len(released.cells)
    sources = {c.source.splitlines()[0]: c.source for c in rebuilt.cells if c.source.startswith("# GRADED")}
    assert sources["# GRADED FUNCTION: linear_forward"] == code
    assert sources["# GRADED FUNCTION: compute_cost"] == markdown
    untouched = next(c for c in released.cells if c.source.startswith("# GRADED FUNCTION: linear_backward"))
    assert sources["# GRADED FUNCTION: linear_backward"] == untouched.source


def test_sanitizing_never_stops_nbgrader(tmp_path):
    nb = new_notebook(cells=[new_code_cell("x = 1")])
    del nb.cells[0]["source"]  # a cell without source
    assert rebuild(tmp_path, nb) is not nb  # rebuilt from the release all the same
    assert rebuild(tmp_path / "no-release", nb, with_release=False) is nb  # no release: handed on as it is


def test_the_answer_key_follows_the_course_and_its_edits(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(REPOSITORY / "source" / ASSIGNMENT, source / ASSIGNMENT, symlinks=False)
    path = source / ASSIGNMENT / NOTEBOOKS[ASSIGNMENT]
    original = reference_models.reference_functions()["linear_forward"]
    with reference_models.answer_key_from(source):
        assert reference_models.answer_key(ASSIGNMENT)["linear_forward"] == \
            reference_models.answer_key_source("linear_forward")
        text = path.read_text()
        assert "Z = np.dot(W, A) + b" in text
        path.write_text(text.replace("Z = np.dot(W, A) + b", "Z = np.dot(W, A) + 2 * b", 1))
        edited = reference_models.reference_functions()["linear_forward"]
        assert edited is not original
        import numpy as np

        A, W, b = np.ones((2, 1)), np.ones((1, 2)), np.ones((1, 1))
        assert edited(A, W, b)[0][0, 0] == 4.0
    assert reference_models.reference_functions()["linear_forward"](A, W, b)[0][0, 0] == 3.0


@pytest.mark.parametrize("content", ["huge", "deep", "garbage", "link"])
def test_nbgrader_reads_a_submission_with_the_course_bounds(tmp_path, content):
    # What stock nbconvert would parse whole (or follow) becomes an empty notebook: graded 0 with the reason.
    path = tmp_path / "submission.ipynb"
    if content == "huge":
        path.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5, "x": "'
                        + "y" * (21 << 20) + '"}')
    elif content == "deep":
        path.write_text("[" * 100_000 + "]" * 100_000)
    elif content == "garbage":
        path.write_bytes(bytes(range(256)) * 100)
    else:
        target = tmp_path / "someone-else.ipynb"
        nbformat.write(release_notebook("dnn_step_by_step"), target)
        path.symlink_to(target)
    output, _ = BoundedNotebookExporter().from_filename(str(path))
    assert nbformat.reads(output, as_version=4).cells == []


def test_nbgrader_reads_an_ordinary_submission_unchanged(tmp_path):
    path = tmp_path / "submission.ipynb"
    nbformat.write(release_notebook("dnn_step_by_step"), path)
    output, _ = BoundedNotebookExporter().from_filename(str(path))
    read = nbformat.reads(output, as_version=4)
    assert [c.source for c in read.cells] == [c.source for c in release_notebook("dnn_step_by_step").cells]
