"""The grader on broken, odd and hostile submissions.

Every case starts from a correct submission of assignment 1 and changes one thing. The
grader must finish, give the points the submission earned and no more, and say what went
wrong. The tamper cases check that the judgement cannot be influenced from inside the
sandbox and that the sandbox hides the course files.
"""

import copy
import json
import os
from pathlib import Path

import nbformat
import pytest

from autograder.assignments import load_assignment
from autograder.grading import grade_notebook
from autograder import sandbox
from autograder.sandbox import ISOLATION, Limits
from notebook_helpers import release_notebook, solved_submission

ASSIGNMENT = load_assignment("dnn_step_by_step")
FAST = Limits(memory_mb=768, cpu_seconds=60, exec_seconds=8, call_seconds=8)
ROOT = Path(__file__).resolve().parent.parent
# When the clone itself lives in /tmp, the sandbox's /tmp shows the bound path to its venv.
COURSE_IN_TMP = ROOT.relative_to("/tmp").parts[0] if Path("/tmp") in ROOT.parents else ""
NEEDS_SANDBOX = pytest.mark.skipif(
    ISOLATION != "bubblewrap" and not os.environ.get("COURSE_REQUIRE_SANDBOX"),
    reason="bubblewrap (bwrap) is not installed: file-system isolation is not available on this machine")

CORRECT_LINEAR_FORWARD = "def linear_forward(A, W, b):\n    return np.dot(W, A) + b, (A, W, b)\n"


def solved():
    return copy.deepcopy(solved_submission("dnn_step_by_step"))


def cell_of(nb, name):
    return next(c for c in nb.cells if c.source.startswith(f"# GRADED FUNCTION: {name}\n"))


def grade(nb_or_text, tmp_path, limits=FAST):
    path = tmp_path / ASSIGNMENT.notebook
    if isinstance(nb_or_text, (str, bytes)):
        path.write_bytes(nb_or_text if isinstance(nb_or_text, bytes) else nb_or_text.encode())
    else:
        nbformat.write(nb_or_text, path)
    return grade_notebook(ASSIGNMENT, "student", path, limits)


def scores(result):
    return {f.name: f.score for f in result.functions}


def full(name):
    return next(f.points for f in ASSIGNMENT.functions if f.name == name)


def messages(result, name):
    return "\n".join(next(f for f in result.functions if f.name == name).messages)


def test_correct_submission_gets_100(tmp_path):
    result = grade(solved(), tmp_path)
    assert result.score == 100, [f.messages for f in result.functions]
    assert not result.notes and not result.error


def with_function(name, code):
    nb = solved()
    cell_of(nb, name).source = f"# GRADED FUNCTION: {name}\n\n" + code
    return nb


def assert_only(result, name, expect_message, at_most=0.0):
    others = {n: s for n, s in scores(result).items() if n != name}
    assert all(s == full(n) for n, s in others.items()), others
    assert scores(result)[name] <= at_most, scores(result)
    assert expect_message in messages(result, name) + "\n".join(result.notes), messages(result, name)


# ---------------------------------------------------------------------------------------------
# Broken or odd notebooks
# ---------------------------------------------------------------------------------------------

def test_malformed_json(tmp_path):
    result = grade('{"cells": [', tmp_path)
    assert result.score == 0 and "not valid notebook JSON" in result.error


def test_binary_garbage(tmp_path):
    result = grade(bytes(range(256)) * 10, tmp_path)
    assert result.score == 0 and result.error


def test_missing_notebook(tmp_path):
    result = grade_notebook(ASSIGNMENT, "student", tmp_path / "nothing.ipynb", FAST)
    assert result.score == 0 and "missing" in result.error


def test_old_nbformat_3(tmp_path):
    v3 = nbformat.convert(solved(), 3)
    (tmp_path / ASSIGNMENT.notebook).write_text(nbformat.writes(v3, version=3))
    result = grade_notebook(ASSIGNMENT, "student", tmp_path / ASSIGNMENT.notebook, FAST)
    assert result.score == 100, [f.messages for f in result.functions]


def test_deleted_solution_cell(tmp_path):
    nb = solved()
    nb.cells.remove(cell_of(nb, "compute_cost"))
    result = grade(nb, tmp_path)
    assert_only(result, "compute_cost", "compute_cost is not defined in the notebook")


def test_duplicated_cell_last_definition_wins(tmp_path):
    nb = solved()
    good = cell_of(nb, "linear_forward")
    bad = copy.deepcopy(good)
    bad.source = "# GRADED FUNCTION: linear_forward\ndef linear_forward(A, W, b):\n    return None, None\n"
    bad.id = "duplicate"
    nb.cells.insert(nb.cells.index(good), bad)
    result = grade(nb, tmp_path)
    assert result.score == 100
    assert any("defined 2 times" in note for note in result.notes)


def test_split_cell_is_joined(tmp_path):
    nb = solved()
    cell = cell_of(nb, "linear_backward")
    lines = cell.source.splitlines(True)
    middle = next(i for i, line in enumerate(lines) if "dW = (1 / m)" in line)
    cell.source = "".join(lines[:middle])
    second = copy.deepcopy(cell)
    second.source = "".join(lines[middle:])
    second.metadata = {}
    second.id = "second-half"
    nb.cells.insert(nb.cells.index(cell) + 1, second)
    result = grade(nb, tmp_path)
    assert result.score == 100, result.notes
    assert any("were joined" in note for note in result.notes)


def test_solution_cell_retyped_as_markdown(tmp_path):
    nb = solved()
    index = nb.cells.index(cell_of(nb, "update_parameters"))
    old = nb.cells[index]
    nb.cells[index] = nbformat.v4.new_markdown_cell(old.source, metadata=old.metadata, id=old.id)
    result = grade(nb, tmp_path)
    assert result.score == 100
    assert any("markdown cell" in note for note in result.notes)


def test_renamed_function(tmp_path):
    nb = solved()
    cell = cell_of(nb, "linear_forward")
    cell.source = cell.source.replace("def linear_forward(", "def my_linear_forward(")
    result = grade(nb, tmp_path)
    # Later functions call linear_forward, so they fail too: only the renamed one is checked here.
    assert scores(result)["linear_forward"] == 0
    assert "linear_forward is not defined in the notebook" in " ".join(result.notes)
    assert "raised NameError" in messages(result, "linear_forward")


def test_syntax_error_costs_only_its_function(tmp_path):
    nb = solved()
    cell = cell_of(nb, "initialize_parameters")
    cell.source = cell.source.replace("b1 = np.zeros((n_h, 1))", "b1 = np.zeros((n_h, 1)", 1)
    result = grade(nb, tmp_path)
    assert_only(result, "initialize_parameters", "syntax error")


def test_exception_in_function(tmp_path):
    result = grade(with_function("compute_cost", "def compute_cost(AL, Y):\n    return 1 / 0\n"), tmp_path)
    assert_only(result, "compute_cost", "raised ZeroDivisionError: division by zero (at `return 1 / 0`)")


def test_infinite_loop_times_out_and_the_rest_is_graded(tmp_path):
    code = "def compute_cost(AL, Y):\n    while True:\n        pass\n"
    limits = Limits(memory_mb=768, cpu_seconds=60, exec_seconds=8, call_seconds=2)
    result = grade(with_function("compute_cost", code), tmp_path, limits)
    assert_only(result, "compute_cost", "timed out")


def test_memory_bomb(tmp_path):
    code = "def compute_cost(AL, Y):\n    hog = np.ones((40000, 40000))\n    return hog.sum()\n"
    result = grade(with_function("compute_cost", code), tmp_path)
    assert_only(result, "compute_cost", "MemoryError")


def test_killing_the_process_at_definition_time(tmp_path):
    code = "import os\n\ndef compute_cost(AL, Y, _=os._exit(3)):\n    return 0\n"
    result = grade(with_function("compute_cost", code), tmp_path)
    assert_only(result, "compute_cost", "compute_cost")
    assert any("exited (code 3)" in note for note in result.notes)


def test_killing_the_process_in_a_call(tmp_path):
    code = "import os, signal\n\ndef compute_cost(AL, Y):\n    os.kill(os.getpid(), signal.SIGKILL)\n"
    result = grade(with_function("compute_cost", code), tmp_path)
    assert_only(result, "compute_cost", "was killed (SIGKILL)")


def test_gigantic_output_is_capped(tmp_path):
    code = ("def linear_forward(A, W, b):\n    for _ in range(2000):\n        print('x' * 100000)\n"
            "    return np.dot(W, A) + b, (A, W, b)\n")
    result = grade(with_function("linear_forward", code), tmp_path)
    assert result.score == 100


def test_notebook_saved_by_vscode_without_nbgrader_metadata(tmp_path):
    nb = solved()
    for cell in nb.cells:
        cell.metadata = {"vscode": {"languageId": "python"}} if cell.cell_type == "code" else {}
    nb.metadata = {"language_info": {"name": "python"}}
    result = grade(nb, tmp_path)
    assert result.score == 100


def test_notebook_saved_by_colab_with_outputs(tmp_path):
    nb = solved()
    nb.metadata = {"colab": {"provenance": []}, "kernelspec": {"name": "python3", "display_name": "Python 3"}}
    for cell in nb.cells:
        cell.metadata = {"id": "abc"}
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hello\n")]
    data = json.loads(nbformat.writes(nb))
    data["nbformat_minor"] = 0
    for cell in data["cells"]:
        cell.pop("id", None)
    result = grade(json.dumps(data), tmp_path)
    assert result.score == 100


def test_notebook_with_magics_and_shell_lines(tmp_path):
    nb = solved()
    cell = cell_of(nb, "linear_forward")
    cell.source = "%%time\n!ls\n" + cell.source
    result = grade(nb, tmp_path)
    assert result.score == 100


# ---------------------------------------------------------------------------------------------
# Tampering
# ---------------------------------------------------------------------------------------------

WRONG_LINEAR_FORWARD = "def linear_forward(A, W, b):\n    return np.dot(W, A), (A, W, b)\n"


@pytest.mark.parametrize("trick", [
    "np.allclose = lambda *args, **kwargs: True\nnp.testing.assert_allclose = lambda *a, **k: None\n",
    "import builtins\nbuiltins.isinstance = lambda *args: True\nbuiltins.print = lambda *args, **kw: None\n",
    "def linear_forward_test(target):\n    print('All tests passed for linear_forward (1 case).')\n",
    "import public_tests\npublic_tests.linear_forward_test = lambda target: None\npublic_tests.compare = "
    "lambda *a, **k: None\n",
    "import dnn_utils\ndnn_utils.sigmoid = lambda Z: (Z, Z)\n",
])
def test_monkeypatching_inside_the_sandbox_gains_nothing(tmp_path, trick):
    nb = with_function("linear_forward", trick.replace("\n", "\n") + "\n" + WRONG_LINEAR_FORWARD)
    # Module-level statements are not run by the grader, so also hide the trick inside the function.
    code = ("def linear_forward(A, W, b):\n" + "".join("    " + line + "\n" for line in trick.splitlines())
            + "    return np.dot(W, A), (A, W, b)\n")
    for notebook in (nb, with_function("linear_forward", code)):
        result = grade(notebook, tmp_path)
        assert scores(result)["linear_forward"] == 0, messages(result, "linear_forward")


def test_printing_fake_success_gains_nothing(tmp_path):
    code = ("def linear_forward(A, W, b):\n    print('All tests passed for linear_forward (1 case).')\n"
            "    return np.zeros((W.shape[0], A.shape[1])), (A, W, b)\n")
    result = grade(with_function("linear_forward", code), tmp_path)
    assert scores(result)["linear_forward"] == 0


def test_hard_coded_fixture_output_gains_nothing(tmp_path):
    code = ("def linear_forward(A, W, b):\n"
            "    return np.array([[3.26295337, -1.23429987]]), (A, W, b)\n")
    result = grade(with_function("linear_forward", code), tmp_path)
    assert scores(result)["linear_forward"] == 0
    assert "right only on the example inputs" in messages(result, "linear_forward")


def test_edited_test_cells_and_metadata_are_ignored(tmp_path):
    nb = with_function("linear_forward", WRONG_LINEAR_FORWARD)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            cell.source = "pass"
            meta["points"] = 1000
        meta["locked"] = False
    result = grade(nb, tmp_path)
    honest = grade(with_function("linear_forward", WRONG_LINEAR_FORWARD), tmp_path)
    assert result.max_score == 100
    assert scores(result)["linear_forward"] == 0 and scores(result) == scores(honest)


@NEEDS_SANDBOX
@pytest.mark.parametrize("path", [
    "autograder/hidden_tests.py",
    "source/dnn_step_by_step/Building_your_Deep_Neural_Network_Step_by_Step.ipynb",
    "utils/dnn_app_utils.py",
])
def test_course_files_cannot_be_read(tmp_path, path):
    target = ROOT / path
    assert target.is_file()
    code = ("def linear_forward(A, W, b):\n"
            f"    text = open({str(target)!r}).read()\n"
            "    return np.dot(W, A) + b, (A, W, b)\n")
    result = grade(with_function("linear_forward", code), tmp_path)
    assert scores(result)["linear_forward"] == 0
    assert "FileNotFoundError" in messages(result, "linear_forward")


@NEEDS_SANDBOX
def test_other_submissions_and_home_cannot_be_listed(tmp_path):
    code = ("import os\n\ndef linear_forward(A, W, b):\n"
            f"    assert set(os.listdir({str(ROOT)!r})) <= {{'.venv'}}, os.listdir({str(ROOT)!r})\n"
            f"    assert len(set(os.listdir('/tmp')) - {{{COURSE_IN_TMP!r}}}) == 1, os.listdir('/tmp')\n"
            "    return np.dot(W, A) + b, (A, W, b)\n")
    result = grade(with_function("linear_forward", code), tmp_path)
    assert scores(result)["linear_forward"] == full("linear_forward"), messages(result, "linear_forward")


@NEEDS_SANDBOX
def test_sandbox_works_for_a_course_cloned_inside_a_hidden_folder(tmp_path, monkeypatch):
    # A clone in /tmp or /home is hidden twice (as the course and as /tmp); bwrap must still start.
    course = tmp_path / "course"
    course.mkdir()
    monkeypatch.setattr(sandbox, "COURSE_ROOT", course)
    with sandbox.Sandbox([], FAST) as box:
        assert box.exec_cell("import os\nlisted = os.listdir('/tmp')", "probe") == (None, "")


def test_only_the_outermost_hidden_folders_are_mounted():
    paths = [Path("/tmp/clone/course"), Path("/home"), Path("/tmp"), Path("/home/ada/course"), Path("/tmp")]
    assert sandbox._outermost(paths) == [Path("/home"), Path("/tmp")]


@NEEDS_SANDBOX
@pytest.mark.parametrize("where", ["repo", "tmp"])
def test_files_cannot_be_written_outside_the_submission(tmp_path, where):
    target = (ROOT / "pwned.txt") if where == "repo" else (tmp_path / "pwned.txt")
    code = ("def linear_forward(A, W, b):\n"
            f"    open({str(target)!r}, 'w').write('x')\n"
            "    return np.dot(W, A) + b, (A, W, b)\n")
    result = grade(with_function("linear_forward", code), tmp_path)
    assert not target.exists()
    assert scores(result)["linear_forward"] == 0


@NEEDS_SANDBOX
def test_no_network(tmp_path):
    code = ("import socket\n\ndef linear_forward(A, W, b):\n"
            "    socket.create_connection(('1.1.1.1', 53), timeout=2)\n"
            "    return np.dot(W, A) + b, (A, W, b)\n")
    result = grade(with_function("linear_forward", code), tmp_path)
    assert scores(result)["linear_forward"] == 0
    assert "OSError" in messages(result, "linear_forward") or "Error" in messages(result, "linear_forward")


def test_sandbox_isolation_is_required_in_ci():
    if os.environ.get("COURSE_REQUIRE_SANDBOX"):
        assert ISOLATION == "bubblewrap"


def test_assignment_2_solved_gets_100_and_blank_gets_0(tmp_path):
    application = load_assignment("dnn_application")
    for nb, expected in ((solved_submission("dnn_application"), 100), (release_notebook("dnn_application"), 0)):
        path = tmp_path / application.notebook
        nbformat.write(nb, path)
        result = grade_notebook(application, "student", path, FAST)
        assert result.score == expected, [f.messages for f in result.functions]
