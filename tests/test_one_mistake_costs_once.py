"""One mistake costs points in one place: while the grader tests a function, the other graded
functions it calls are the answer key's (computed by the grader on request), so a wrong helper
loses only its own points (issue "each mistake costs once").

Every single-function mistake of the catalogue is pasted into an otherwise correct notebook of
assignment 1 and graded; only the mistaken function may lose points. ``test_one_grading_core.py``
grades the same notebooks with stock ``nbgrader autograde`` and checks that every grade cell
agrees, so the same holds for the formgrader's Autograde button.
"""

import nbformat
import pytest

from autograder.assignments import REPOSITORY, load_assignment
from autograder.grading import Settings, grade_notebook
from autograder.mistakes import CATALOGUE
from autograder.sample_class import solved_submission, with_mistakes
from autograder.sandbox import BUBBLEWRAP, Limits, detect_isolation

ASSIGNMENT = load_assignment("dnn_step_by_step")
ISOLATION = detect_isolation()
LIMITS = Limits(memory_mb=768, cpu_seconds=60, exec_seconds=10, call_seconds=10)
SINGLE = [m for m in CATALOGUE if m.function in ASSIGNMENT.names and not m.uses and not m.redefines]


@pytest.mark.parametrize("mistake", SINGLE, ids=[m.id for m in SINGLE])
def test_a_mistake_in_one_function_costs_only_that_function(tmp_path, mistake):
    path = tmp_path / ASSIGNMENT.notebook
    nbformat.write(with_mistakes(solved_submission(ASSIGNMENT.id), [mistake]), path)
    result = grade_notebook(ASSIGNMENT, "student", path,
                            Settings(LIMITS, ISOLATION, (REPOSITORY,), allow_unsandboxed=ISOLATION != BUBBLEWRAP))
    lost = {f.name: f.max_score - f.score for f in result.functions if f.score < f.max_score}
    assert set(lost) == {mistake.function}, (lost, result.notes)


def test_the_callers_of_a_wrong_helper_are_graded_with_the_answer_key_helper(tmp_path):
    # linear_forward returns Z + 1: L_model_forward and linear_activation_forward call it (through the
    # answer key's linear_activation_forward) and still get full marks.
    nb = solved_submission(ASSIGNMENT.id)
    for cell in nb.cells:
        if cell.source.startswith("# GRADED FUNCTION: linear_forward\n"):
            cell.source = ("# GRADED FUNCTION: linear_forward\ndef linear_forward(A, W, b):\n"
                           "    return np.dot(W, A) + b + 1, (A, W, b)\n")
    path = tmp_path / ASSIGNMENT.notebook
    nbformat.write(nb, path)
    result = grade_notebook(ASSIGNMENT, "student", path,
                            Settings(LIMITS, ISOLATION, (REPOSITORY,), allow_unsandboxed=ISOLATION != BUBBLEWRAP))
    scores = {f.name: (f.score, f.max_score) for f in result.functions}
    assert scores["linear_forward"][0] == 0
    for name in ("linear_activation_forward", "L_model_forward"):
        assert scores[name][0] == scores[name][1], (name, scores[name])
