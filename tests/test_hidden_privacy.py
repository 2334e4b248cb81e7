"""Grades stay fair and private, end to end through the grader.

Feedback once printed the hidden tests' expected values on fixed inputs, so a resubmission
holding a table of those answers scored full marks. Now the hidden inputs are each student's
own, drawn with the course's secret (``.grading_secret``), and no feedback page or case record
shows a number of the reference's answers to a hidden case. These tests grade real notebooks
in a scratch course with a known secret.
"""

import dataclasses
import shutil
import stat

import nbformat
import numpy as np
import pytest
from test_hidden_tests import hidden_calls, leaked, numbers

from autograder import course_secret, hidden_tests, records
from autograder.assignments import SOURCE, load_assignment
from autograder.grading import Settings, grade_notebook
from autograder.mistakes import CATALOGUE
from autograder.sample_class import NOTEBOOKS, ROOT, solved_submission, with_mistakes
from autograder.sandbox import Limits, detect_isolation
from coursekit import public_expected, testCases

ASSIGNMENT_ID = "dnn_step_by_step"
SECRET = "5e" * 32
SETTINGS = Settings(Limits(memory_mb=768, cpu_seconds=60, exec_seconds=8, call_seconds=8), detect_isolation(),
                    (ROOT,))
MISTAKES = ("init-no-scale", "forward-no-bias", "cost-no-mean", "dW-no-mean", "backward-relu-uses-sigmoid",
            "dAL-AL-minus-Y", "update-plus")


@pytest.fixture
def course(tmp_path):
    """A scratch course holding assignment 1 and a known secret; returns (course folder, assignment)."""
    shutil.copytree(SOURCE / ASSIGNMENT_ID, tmp_path / "source" / ASSIGNMENT_ID)
    (tmp_path / course_secret.FILE_NAME).write_text(SECRET + "\n")
    return tmp_path, load_assignment(ASSIGNMENT_ID, tmp_path / "source")


def grade(course_folder, assignment, student, nb):
    folder = course_folder / "submitted" / student / ASSIGNMENT_ID
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / NOTEBOOKS[ASSIGNMENT_ID])
    return grade_notebook(assignment, student, folder / NOTEBOOKS[ASSIGNMENT_ID], SETTINGS)


def function(result, name):
    return next(f for f in result.functions if f.name == name)


def test_the_secret_is_made_once_private_and_checked(tmp_path):
    secret = course_secret.course_secret(tmp_path)
    path = tmp_path / course_secret.FILE_NAME
    assert len(secret) == 64 and int(secret, 16) >= 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert course_secret.course_secret(tmp_path) == secret
    assert [p.name for p in tmp_path.iterdir()] == [course_secret.FILE_NAME]  # nothing left aside
    path.write_text("not a secret\n")
    with pytest.raises(course_secret.SecretError, match="not a grading secret"):
        course_secret.course_secret(tmp_path)


def test_the_secret_is_never_committed():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert course_secret.FILE_NAME in ignored


def test_feedback_and_case_records_show_no_reference_number_of_a_hidden_case(course, tmp_path):
    folder, assignment = course
    chosen = [m for m in CATALOGUE if m.id in MISTAKES]
    result = grade(folder, assignment, "ada", with_mistakes(solved_submission(ASSIGNMENT_ID), chosen))
    lost = {f.name for f in result.functions if f.hidden_score < f.hidden_max}
    assert lost >= {m.function for m in chosen}, lost
    page = records.write_feedback(tmp_path / "feedback", assignment, result).read_text()
    records.write_cases(tmp_path / "cases.csv", assignment, [result])
    text = page + (tmp_path / "cases.csv").read_text()
    assert "wrong values" in text and "Likely cause" in text
    with hidden_tests.inputs_of(assignment, "ada"):
        reference = {x for name in lost for _, _, answer in hidden_calls(name) for x in numbers(answer)}
    # initialize_parameters draws from np.random.seed(1) whatever the sizes: the numbers it shares with
    # the public examples' expected values are published, and the public messages show them.
    published = {round(x, 9) for name, value in vars(public_expected).items() if name.isupper()
                 for x in numbers(value)}
    private = {x for x in reference if round(x, 9) not in published}
    assert len(private) > 100
    assert not leaked(text, private)
    hidden_rows = [row for row in (tmp_path / "cases.csv").read_text().splitlines() if ",hidden," in row]
    hidden_text = "\n".join(m for f in result.functions for m in f.hidden_messages) + "\n".join(hidden_rows)
    assert hidden_rows and not leaked(hidden_text, reference)


def memorising_linear_forward(table):
    """The source of a linear_forward that answers from ``table`` = [(A, W, b, Z)] and guesses otherwise."""
    rows = ",\n        ".join(repr(tuple(np.asarray(x).tolist() for x in row)) for row in table)
    return f"""# GRADED FUNCTION: linear_forward
def linear_forward(A, W, b):
    table = [
        {rows}
    ]
    for A0, W0, b0, Z0 in table:
        if np.shape(A) == np.shape(A0) and np.shape(W) == np.shape(W0) and np.allclose(A, A0) \\
                and np.allclose(W, W0) and np.allclose(b, b0):
            return np.array(Z0), (A, W, b)
    return np.zeros((W.shape[0], A.shape[1])), (A, W, b)
"""


def test_a_table_built_from_one_grading_earns_nothing_at_the_next(course):
    folder, assignment = course
    # Everything the first grading could teach: the public fixture and this student's hidden inputs and answers.
    table = [(*testCases.linear_forward_test_case(), public_expected.LINEAR_FORWARD_Z)]
    with hidden_tests.inputs_of(assignment, "mallory"):
        table += [(*args, answer[0]) for args, _, answer in hidden_calls("linear_forward")]
    nb = solved_submission(ASSIGNMENT_ID)
    cell = next(c for c in nb.cells if c.source.startswith("# GRADED FUNCTION: linear_forward"))
    cell.source = memorising_linear_forward(table)
    first = function(grade(folder, assignment, "mallory", nb), "linear_forward")
    assert first.score == first.max_score  # the table works on exactly the inputs it was built from...

    other_student = function(grade(folder, assignment, "eve", nb), "linear_forward")
    (folder / course_secret.FILE_NAME).write_text("a7" * 32 + "\n")  # the next term's secret
    next_term = function(grade(folder, assignment, "mallory", nb), "linear_forward")
    for later in (other_student, next_term):  # ...and earns nothing on anyone else's
        assert (later.public_score, later.hidden_score) == (0, 0), later.messages
        assert "every hidden test fails" in "\n".join(later.messages)


def test_the_same_secret_and_student_give_identical_results(course):
    folder, assignment = course
    chosen = [m for m in CATALOGUE if m.id in MISTAKES]
    nb = with_mistakes(solved_submission(ASSIGNMENT_ID), chosen)
    results = [grade(folder, assignment, "ada", nb) for _ in range(2)]
    clock = {"seconds", "timings"}  # wall-clock measurements differ from run to run; nothing else may
    first, second = ({k: v for k, v in dataclasses.asdict(r).items() if k not in clock} for r in results)
    assert first == second
    assert any(case["test"] == "hidden" for f in results[0].functions for case in f.cases)
