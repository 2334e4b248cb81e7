"""One answer key: the source notebooks' solution cells.

The reference functions, assignment 2's ``dnn_app_utils`` and the catalogue of known
mistakes all come from the solution cells, so they cannot disagree with them; these tests
check that each of them really does, and that a stale derivation fails loudly.
"""

import ast
import inspect
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autograder import mistakes, reference_models
from autograder.assignments import load_assignment
from autograder.mistakes import CATALOGUE, Edit, Mistake, StaleMistakeError, build
from autograder.reference_models import AnswerKeyError, answer_key, reference_functions, solved_source
from coursekit import dnn_app_utils, public_tests
from coursetools import make_dnn_app_utils

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = reference_functions()


@pytest.mark.parametrize("assignment", reference_models.ASSIGNMENTS)
def test_every_graded_function_has_one_solution_in_notebook_order(assignment):
    assert list(answer_key(assignment)) == load_assignment(assignment).names


def test_reference_functions_are_the_solution_cells():
    assert set(REFERENCE) == {name for a in reference_models.ASSIGNMENTS for name in answer_key(a)}
    for name, function in REFERENCE.items():
        assert function.__name__ == name
        assert function.__code__.co_filename.startswith("<answer key "), name
    assert reference_models.two_layer_model is REFERENCE["two_layer_model"]
    assert reference_models.L_layer_model is REFERENCE["L_layer_model"]
    assert reference_models.step_by_step_initialize_parameters_deep is REFERENCE["initialize_parameters_deep"]


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_solved_source_is_one_function_without_placeholders_or_markers(name):
    source = reference_models.answer_key_source(name)
    tree = ast.parse(source)
    assert [type(node) for node in tree.body] == [ast.FunctionDef] and tree.body[0].name == name
    for marker in ("GRADED FUNCTION", "### BEGIN SOLUTION", "### END SOLUTION", "### START CODE HERE",
                   "### END CODE HERE"):
        assert marker not in source
    assert not re.search(r"^\s*\S.* = None(, None)*$", source, re.M), "a None placeholder was kept"


def test_solved_source_drops_header_placeholders_and_delimiters():
    cell = ("# GRADED FUNCTION: f\n\ndef f(x):\n    y = 1\n    ### START CODE HERE ### (≈ 1 line)\n    z = None\n"
            "    ### BEGIN SOLUTION\n    z = x + y\n    ### END SOLUTION\n    ### END CODE HERE ###\n    return z\n")
    assert solved_source(cell) == "def f(x):\n    y = 1\n    z = x + y\n    return z\n"


@pytest.mark.parametrize("cell, problem", [
    ("def f():\n    pass\n", "first line"),
    ("# GRADED FUNCTION: f\ndef f():\n    ### BEGIN SOLUTION\n    return 1\n", "not closed"),
    ("# GRADED FUNCTION: f\ndef f():\n    ### END SOLUTION\n", "without"),
])
def test_broken_solution_cell_is_named(cell, problem):
    with pytest.raises(AnswerKeyError, match=f"cell 7 of f.*{problem}"):
        solved_source(cell, "cell 7 of f")


def test_the_two_initialisations_differ_on_purpose():
    step_by_step = REFERENCE["initialize_parameters_deep"]([5, 4, 1])
    application = dnn_app_utils.initialize_parameters_deep([5, 4, 1])
    np.random.seed(3)
    np.testing.assert_array_equal(step_by_step["W1"], np.random.randn(4, 5) * 0.01)
    np.random.seed(1)
    np.testing.assert_array_equal(application["W1"], np.random.randn(4, 5) / np.sqrt(5))


# ----------------------------------------------------------------------------------------------
# dnn_app_utils.py is generated from assignment 1's answer key
# ----------------------------------------------------------------------------------------------

def test_dnn_app_utils_is_up_to_date(capsys):
    assert make_dnn_app_utils.main(["--check"]) == 0, capsys.readouterr().out


@pytest.mark.parametrize("name", [n for n in answer_key("dnn_step_by_step") if n != "initialize_parameters_deep"])
def test_dnn_app_utils_holds_assignment_1s_solution(name):
    copied = re.sub(r"  # noqa: [A-Z0-9, ]+$", "", inspect.getsource(getattr(dnn_app_utils, name)), flags=re.M)
    assert copied == answer_key("dnn_step_by_step")[name]


def test_check_fails_naming_the_file_when_a_generated_line_was_edited(tmp_path, capsys):
    target = tmp_path / "dnn_app_utils.py"
    text = (ROOT / "utils" / "dnn_app_utils.py").read_text()
    target.write_text(text.replace("Z = np.dot(W, A) + b", "Z = W @ A + b", 1))
    assert make_dnn_app_utils.main(["--check", "--file", str(target)]) == 1
    assert f"{target} is out of date" in capsys.readouterr().out
    assert make_dnn_app_utils.main(["--file", str(target)]) == 0
    assert target.read_text() == text


def test_module_without_markers_is_refused(tmp_path, capsys):
    target = tmp_path / "dnn_app_utils.py"
    target.write_text('"""No markers."""\n')
    assert make_dnn_app_utils.main(["--file", str(target)]) == 1
    assert make_dnn_app_utils.BEGIN in capsys.readouterr().out
    assert target.read_text() == '"""No markers."""\n'


def test_students_import_dnn_app_utils_by_its_flat_name(tmp_path):
    for name in ("dnn_app_utils.py", "dnn_utils.py", "catvnoncat_data.py"):
        shutil.copy(ROOT / "utils" / name, tmp_path / name)
    script = "import dnn_app_utils as m; print(' '.join(sorted(k for k in vars(m) if not k.startswith('_'))))"
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    names = set(result.stdout.split())
    assert set(answer_key("dnn_step_by_step")) | {
        "predict", "print_mislabeled_images", "plot_costs", "load_data", "sigmoid", "relu", "sigmoid_backward",
        "relu_backward", "np", "plt"} <= names


# ----------------------------------------------------------------------------------------------
# Known mistakes are small edits of the answer key
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("mistake", CATALOGUE, ids=lambda m: m.id)
def test_mistake_is_a_small_edit_of_the_answer_key(mistake):
    assert public_tests.is_cause(mistake.cause)
    assert len(mistake.edits) <= 3 and all(edit.old.count("\n") <= 2 for edit in mistake.edits)
    source = reference_models.answer_key_source(mistake.function)
    code = mistake.code
    assert code != source and code.endswith(mistakes.apply_edits(source, mistake.edits, mistake.id))
    assert build(mistake).__code__.co_filename == f"<mistake {mistake.id}>"


def test_a_mistake_may_paste_another_solution_before_the_function():
    [mistake] = [m for m in CATALOGUE if m.id == "L-model-step-by-step-init"]
    assert mistake.code.startswith(reference_models.answer_key_source("initialize_parameters_deep"))
    pasted = build(mistake).__globals__["initialize_parameters_deep"]
    assert pasted.__code__.co_filename == "<mistake L-model-step-by-step-init>"


@pytest.mark.parametrize("edits, problem", [
    ((Edit("this line is in no solution", "x"),), "contains 'this line is in no solution' 0 time"),
    ((Edit("np.dot", "np.matmul"),), "contains 'np.dot' 2 time"),
    ((Edit("dW = (1 / m)", "dW = m"), Edit("(1 / m) * np.dot", "np.dot")), "overlap"),
    ((), "changes nothing"),
])
def test_stale_edit_raises_naming_the_mistake(edits, problem):
    stale = Mistake("stale-example", "linear_backward", "an edit for another answer key", edits, "", "wrong-values")
    with pytest.raises(StaleMistakeError, match=rf"'stale-example' \(linear_backward\).*{re.escape(problem)}"):
        build(stale)


def test_mistake_of_an_unknown_function_is_named():
    with pytest.raises(StaleMistakeError, match="'renamed'.*no_such_function"):
        build(Mistake("renamed", "no_such_function", "", (Edit("a", "b"),), "", "wrong-values"))


def test_edits_apply_together_so_two_lines_can_swap():
    assert mistakes.apply_edits("a(x)\nb(x)\n", (Edit("a(", "b("), Edit("b(", "a("))) == "b(x)\na(x)\n"
