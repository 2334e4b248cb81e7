"""Assignment 1 code pasted from assignment 2's released ``dnn_app_utils.py`` is flagged for the
instructor (score untouched), also when renamed and re-commented; honest code written
otherwise, and the solved notebook filled in around the release's placeholders, is not."""

import ast
import csv

import nbformat
import pytest

from autograder import provenance, records, report
from autograder.assignments import UTILS, load_assignment
from autograder.attempts import CORRECT_STYLES, solved, with_function
from autograder.grading import Settings, grade_notebook
from autograder.sandbox import Limits, detect_isolation
from coursekit.notebook_code import extract_code

ASSIGNMENT = load_assignment("dnn_step_by_step")
HELPER = UTILS / "dnn_app_utils.py"
FAST = Limits(memory_mb=768, cpu_seconds=60, exec_seconds=8, call_seconds=8)


def helper_source(name):
    text = HELPER.read_text()
    node = next(n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.name == name)
    return ast.get_source_segment(text, node) + "\n"


def pasted(names=None, change=lambda code: code):
    """A solved submission whose cells of ``names`` (default: all) hold the released helper's functions."""
    nb = solved()
    for name in names or ASSIGNMENT.names:
        with_function(name, change(helper_source(name)), nb)
    return nb


def matched(nb):
    return [m.function for m in provenance.released_matches(ASSIGNMENT, extract_code(nb, ASSIGNMENT.names).definitions)]


def disguised(code):
    """The helper's code re-typed: new docstring, comments, blank lines, other local names."""
    tree = ast.parse(code)
    function = tree.body[0]
    function.body[0] = ast.Expr(ast.Constant("My own implementation."))
    renames = {"Z": "pre_activation", "cache": "memo", "A": "inputs", "W": "weights", "dW": "grad_w",
               "parameters": "params_out", "L": "depth", "grads": "gradients"}
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and node.id in renames:
            node.id = renames[node.id]
        elif isinstance(node, ast.arg) and node.arg in renames:
            node.arg = renames[node.arg]
    lines = ast.unparse(tree).splitlines()
    return "\n".join(lines[:1] + ["    # written by me", ""] + lines[1:]) + "\n"


def test_every_pasted_function_matches_and_only_those():
    assert matched(pasted()) == ASSIGNMENT.names
    assert matched(pasted(["linear_forward", "L_model_backward"])) == ["linear_forward", "L_model_backward"]
    match = provenance.released_matches(ASSIGNMENT, extract_code(pasted(["compute_cost"]), ["compute_cost"])
                                        .definitions)[0]
    assert (match.helper, match.released_with) == ("dnn_app_utils.py", "dnn_application")
    assert "compute_cost" in match.note() and "dnn_app_utils.py" in match.note() and "unchanged" in match.note()


def test_renaming_and_recommenting_does_not_hide_a_copy():
    nb = pasted(change=disguised)
    assert "pre_activation" in nb.cells[[c.source.startswith("# GRADED FUNCTION: linear_forward")
                                         for c in nb.cells].index(True)].source
    assert matched(nb) == ASSIGNMENT.names


def test_a_changed_computation_is_not_a_copy():
    wrong = pasted(["linear_forward"], change=lambda code: code.replace("np.dot(W, A) + b", "np.dot(W, A) - b"))
    assert matched(wrong) == []


def test_the_solved_notebook_is_not_flagged():
    assert matched(solved()) == []


@pytest.mark.parametrize("name", CORRECT_STYLES)
def test_correct_code_written_otherwise_is_not_flagged(name):
    assert matched(with_function(name, CORRECT_STYLES[name].lstrip("\n"))) == []


def grade(nb, tmp_path, student="student"):
    path = tmp_path / student / ASSIGNMENT.notebook
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    return grade_notebook(ASSIGNMENT, student, path, Settings(FAST, detect_isolation(), ()))


def test_the_grader_flags_a_pasted_submission_and_keeps_its_score(tmp_path):
    copied = grade(pasted(), tmp_path, "copier")
    honest = grade(with_function("linear_forward", CORRECT_STYLES["linear_forward"].lstrip("\n")), tmp_path, "honest")
    assert honest.score == 100 and not honest.notes and provenance.flagged(honest) == []
    assert provenance.flagged(copied) == ASSIGNMENT.names
    assert sum("dnn_app_utils.py" in note for note in copied.notes) == len(ASSIGNMENT.names)
    # The helper's initialize_parameters_deep is assignment 2's variant: wrong here, and scored as such.
    scores = {f.name: f.score for f in copied.functions}
    deep = next(f for f in copied.functions if f.name == "initialize_parameters_deep")
    assert scores["initialize_parameters_deep"] < deep.max_score
    assert all(scores[f.name] == f.max_score for f in copied.functions if f.name != "initialize_parameters_deep")

    out = tmp_path / "reports"
    records.write_csv(out / "grades.csv", ASSIGNMENT, [copied, honest])
    records.write_cases(out / "cases.csv", ASSIGNMENT, [copied, honest])
    markdown = report.write_report(out, ASSIGNMENT, [copied, honest])
    with open(out / "grades.csv") as handle:
        flags = {row["student"]: row["flags"] for row in csv.DictReader(handle)}
    assert flags["honest"] == "" and flags["copier"].startswith(provenance.CAUSE + ": initialize_parameters ")
    with open(out / "cases.csv") as handle:
        rows = [row for row in csv.DictReader(handle) if row["cause"] == provenance.CAUSE]
    assert {row["student"] for row in rows} == {"copier"} and len(rows) == len(ASSIGNMENT.names)
    assert f"`{provenance.CAUSE}`" in markdown
