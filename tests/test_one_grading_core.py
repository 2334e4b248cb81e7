"""Stock ``nbgrader autograde`` and ``python -m autograder grade`` agree on every grade cell.

One scratch course holds a class made of every attempt of the robustness suite
(:mod:`autograder.attempts`), every known mistake of the catalogue and correct variants, for
both assignments. The class is graded first with stock ``nbgrader autograde`` (through the
sandboxed preprocessor that ``nbgrader_config.py`` installs), then with the course's grader;
the gradebook's score of every grade cell must be the same, and no tampering attempt may earn
points under either. Feedback made by ``nbgrader generate_feedback`` must carry the teaching
messages and never the hidden tests' code.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.assignments import REPOSITORY, load_assignment
from autograder.attempts import attempts
from autograder.classgrade import grade_class
from autograder.mistakes import CATALOGUE
from autograder.sample_class import GRADED, NOTEBOOKS, release_notebook, solved_submission, with_mistakes
from autograder.sandbox import BUBBLEWRAP, detect_isolation

pytestmark = pytest.mark.notebooks
FAST_LIMITS = """
c.GradingSandbox.memory_mb = 768
c.GradingSandbox.cpu_seconds = 60
c.GradingSandbox.exec_seconds = 8.0
c.GradingSandbox.call_seconds = 3.0
"""


def nbgrader(course, *args):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([str(Path(sys.executable).parent / "nbgrader"), *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=1800)


def scores_in(course, assignment):
    """{student: {grade_id: auto_score}} from the course's gradebook (None read as 0)."""
    found = {}
    spec = load_assignment(assignment)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for submission in gradebook.find_assignment(assignment).submissions:
            notebook = gradebook.find_submission_notebook(spec.notebook_id, assignment, submission.student.id)
            found[submission.student.id] = {g.name: float(g.auto_score or 0.0) for g in notebook.grades}
    return found


def write(course, student, assignment, data):
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    (folder / NOTEBOOKS[assignment]).write_bytes(data)


@pytest.fixture(scope="module")
def graded_twice(tmp_path_factory):
    course = tmp_path_factory.mktemp("one-core")
    shutil.copy(REPOSITORY / "nbgrader_config.py", course)
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(FAST_LIMITS)
    shutil.copytree(REPOSITORY / "source", course / "source", symlinks=False)
    tampering = {}
    for attempt in attempts():
        write(course, attempt.id, "dnn_step_by_step", attempt.data)
        if attempt.tamper and (not attempt.sandbox_only or detect_isolation() == BUBBLEWRAP):
            tampering[attempt.id] = attempt.tamper
    import nbformat

    for assignment, names in GRADED.items():
        for mistake in (m for m in CATALOGUE if m.function in names):
            nb = with_mistakes(solved_submission(assignment), [mistake])
            write(course, f"mistake-{mistake.id}", assignment, nbformat.writes(nb).encode())
    # Someone else's folder reached through links: a student folder, and an assignment folder.
    (course / "submitted" / "linked-student").symlink_to(course / "submitted" / "correct")
    (course / "submitted" / "linked-assignment").mkdir()
    (course / "submitted" / "linked-assignment" / "dnn_step_by_step").symlink_to(
        course / "submitted" / "correct" / "dnn_step_by_step")
    write(course, "correct", "dnn_application", nbformat.writes(solved_submission("dnn_application")).encode())
    write(course, "blank", "dnn_application", nbformat.writes(release_notebook("dnn_application")).encode())

    stock, ours, logs = {}, {}, {}
    for assignment in GRADED:
        result = nbgrader(course, "generate_assignment", assignment, "--force")
        assert result.returncode == 0, result.stderr[-3000:]
        logs[assignment] = nbgrader(course, "autograde", assignment, "--force", "--create").stderr
        stock[assignment] = scores_in(course, assignment)
        grade_class(assignment, course, jobs=2)
        ours[assignment] = scores_in(course, assignment)
    feedback = nbgrader(course, "generate_feedback", "dnn_step_by_step", "--force")
    assert feedback.returncode == 0, feedback.stderr[-3000:]
    return course, stock, ours, tampering, logs


def test_nbgrader_processes_every_submission_even_unreadable_ones(graded_twice):
    # Malformed JSON, binary garbage and JSON nested 100,000 deep are read by the course's bounded
    # reader (c.Autograde.exporter_class): graded 0 with the reason, not an nbgrader error.
    logs = graded_twice[4]
    for assignment, log in logs.items():
        failed = set(re.findall(rf"error processing assignment '{assignment}' for student '([^']+)'", log))
        assert not failed, log[-3000:]


@pytest.mark.parametrize("assignment", list(GRADED))
def test_every_grade_cell_agrees(graded_twice, assignment):
    _, stock, ours, _, logs = graded_twice
    assert set(ours[assignment]) >= {"correct", "blank"}
    assert set(stock[assignment]) == set(ours[assignment])
    disagreements = {(student, cell): (stock[assignment][student].get(cell), score)
                     for student, cells in ours[assignment].items() for cell, score in cells.items()
                     if abs(stock[assignment][student].get(cell, -1.0) - score) > 1e-9}
    assert not disagreements, f"{disagreements}\n{logs[assignment][-3000:]}"


@pytest.mark.parametrize("assignment", list(GRADED))
def test_correct_work_gets_full_marks_and_blank_work_nothing(graded_twice, assignment):
    _, stock, ours, _, _ = graded_twice
    for scores in (stock[assignment], ours[assignment]):
        assert sum(scores["correct"].values()) == 100
        assert sum(scores["blank"].values()) == 0


def test_every_known_mistake_loses_points_under_both(graded_twice):
    _, stock, ours, _, _ = graded_twice
    for assignment in GRADED:
        for scores in (stock[assignment], ours[assignment]):
            lost = {s: sum(c.values()) for s, c in scores.items() if s.startswith("mistake-")}
            assert lost and all(total < 100 for total in lost.values()), lost


def test_no_tampering_attempt_earns_points_under_either_grader(graded_twice):
    _, stock, ours, tampering, _ = graded_twice
    assert len(tampering) >= 10
    for student, function in tampering.items():
        for grader, scores in (("nbgrader autograde", stock), ("python -m autograder grade", ours)):
            cells = scores["dnn_step_by_step"][student]
            earned = cells[f"{function}_public"] + cells[f"{function}_hidden"]
            assert earned == 0, f"{grader} gave {student} {earned} points for {function}"
    assert not (REPOSITORY / "pwned.txt").exists()


def test_a_submission_reached_through_a_symbolic_link_earns_nothing_under_either_grader(graded_twice):
    _, stock, ours, _, _ = graded_twice
    for scores in (stock["dnn_step_by_step"], ours["dnn_step_by_step"]):
        assert sum(scores["correct"].values()) == 100
        assert sum(scores["linked-student"].values()) == 0
        assert sum(scores["linked-assignment"].values()) == 0


def test_stock_feedback_carries_the_teaching_message_and_no_hidden_code(graded_twice):
    course = graded_twice[0]
    page = (course / "feedback" / "mistake-forward-no-bias" / "dnn_step_by_step" /
            (NOTEBOOKS["dnn_step_by_step"].removesuffix(".ipynb") + ".html"))
    text = page.read_text()
    assert "Z: wrong values" in text and "Likely cause" in text
    for secret in ("hidden_tests import", "_network(", "rng.normal", "REF[", "BEGIN HIDDEN TESTS"):
        assert secret not in text, secret
    tampered = (course / "feedback" / "patch-numpy-in-function" / "dnn_step_by_step" /
                (NOTEBOOKS["dnn_step_by_step"].removesuffix(".ipynb") + ".html")).read_text()
    assert "Score: 0.0 / 3.0" in tampered and "Z: wrong values" in tampered
    autograded = (course / "autograded" / "patch-numpy-in-function" / "dnn_step_by_step" /
                  NOTEBOOKS["dnn_step_by_step"]).read_text()
    assert '"ename": "TestFailure"' in autograded
