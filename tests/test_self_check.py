"""The student's self-check: public-test score of a saved notebook, with the grader's messages."""

import copy
import re
import shutil
import subprocess
import sys

import nbformat

from autograder.sample_class import ROOT, release_notebook, solved_submission
from coursekit import self_check

NOTEBOOK = "Building_your_Deep_Neural_Network_Step_by_Step.ipynb"


def run(nb, tmp_path):
    """``python self_check.py NOTEBOOK`` in a copy of the released folder, as a student runs it
    (the notebook's setup cells import the helpers by their flat names, from that folder)."""
    folder = tmp_path / "dnn_step_by_step"
    shutil.copytree(ROOT / "release" / "dnn_step_by_step", folder, dirs_exist_ok=True)
    for name in ("public_tests.py", "self_check.py", "notebook_code.py"):  # the current helpers (release may lag)
        shutil.copy(ROOT / "utils" / name, folder / name)
    nbformat.write(nb, folder / NOTEBOOK)
    result = subprocess.run([sys.executable, "self_check.py", NOTEBOOK], cwd=folder, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    score = re.search(r"^Public tests: (\S+) / (\S+) points", result.stdout, re.M)
    assert score, result.stdout
    return (float(score[1]), float(score[2])), result.stdout


def test_solved_notebook_gets_every_public_point(tmp_path):
    (score, total), out = run(solved_submission("dnn_step_by_step"), tmp_path)
    assert score == total == 50
    assert out.count("PASS") == 10 and "FAIL" not in out


def test_blank_notebook_gets_zero_with_the_graders_message(tmp_path):
    (score, total), out = run(release_notebook("dnn_step_by_step"), tmp_path)
    assert (score, total) == (0, 50)
    assert "FAIL  linear_forward (0 of 3 points)" in out
    assert "is not implemented yet" in out


def test_one_mistake_is_reported(tmp_path):
    nb = copy.deepcopy(solved_submission("dnn_step_by_step"))
    cell = next(c for c in nb.cells if c.source.startswith("# GRADED FUNCTION: linear_backward"))
    cell.source = cell.source.replace("axis=1, keepdims=True", "axis=1")
    (score, total), out = run(nb, tmp_path)
    # linear_activation_backward (4 points) and L_model_backward (10) call linear_backward (5).
    assert score == total - 5 - 4 - 10
    assert "db: has shape (3,) but should be (3, 1)" in out
    # Each of them says where its failure may come from.
    assert "Note: this may come from linear_backward, which fails its own test: fix it first." in out
    assert ("Note: this may come from linear_activation_backward and linear_backward, which fail their own tests"
            in out)


def test_an_error_is_located_in_the_function_under_test(tmp_path):
    nb = copy.deepcopy(solved_submission("dnn_step_by_step"))
    cell = next(c for c in nb.cells if c.source.startswith("# GRADED FUNCTION: linear_activation_backward"))
    cell.source = cell.source.replace("linear_backward(dZ, linear_cache)", "linear_backward(dZ, activation_cache)")
    _, out = run(nb, tmp_path)
    report = re.split(r"\n(?:PASS|FAIL)  ", out.split("FAIL  linear_activation_backward", 1)[1])[0]
    assert "(at `dA_prev, dW, db = linear_backward(dZ, activation_cache)`)" in report
    assert "A_prev, W, b = cache" not in report and "Note:" not in report  # linear_backward passes its test


def test_unreadable_notebook_exit_code(tmp_path, capsys):
    path = tmp_path / "broken.ipynb"
    path.write_text("{")
    assert self_check.main([str(path)]) == 2
    assert "cannot check: broken.ipynb: not valid notebook JSON" in capsys.readouterr().out
