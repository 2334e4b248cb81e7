"""The grader on broken, odd and hostile submissions.

Every case starts from a correct submission of assignment 1 and changes one thing (the
submissions are :mod:`autograder.attempts`, which the agreement test also grades with stock
``nbgrader autograde``). The grader must finish, give the points the submission earned and no
more, and say what went wrong. The tamper cases check that the judgement cannot be influenced
from inside the sandbox and that the sandbox hides the course files.
"""

import csv
import os
import time
from pathlib import Path

import nbformat
import pytest

from autograder import sandbox
from autograder.assignments import REPOSITORY, load_assignment
from autograder.attempts import TRICKS, WRONG_LINEAR_FORWARD, attempts, solved, with_function
from autograder.grading import Settings, grade_notebook
from autograder.sample_class import release_notebook, solved_submission
from autograder.sandbox import BUBBLEWRAP, Limits, detect_isolation

ASSIGNMENT = load_assignment("dnn_step_by_step")
ISOLATION = detect_isolation()
FAST = Limits(memory_mb=768, cpu_seconds=60, exec_seconds=8, call_seconds=8)
ROOT = REPOSITORY
ATTEMPTS = {attempt.id: attempt for attempt in attempts()}
# The sandbox's /tmp is empty but for the parents of the Python environment, when it lives in /tmp.
PYTHON_IN_TMP = {folder.relative_to("/tmp").parts[0] for folder in sandbox._python_folders()
                 if Path("/tmp") in folder.parents}
NEEDS_SANDBOX = pytest.mark.skipif(
    ISOLATION != BUBBLEWRAP and not os.environ.get("COURSE_REQUIRE_SANDBOX"),
    reason="bubblewrap (bwrap) is not installed: file-system isolation is not available on this machine")


def settings(limits=FAST):
    return Settings(limits, ISOLATION, (ROOT,))


def grade(nb_or_text, tmp_path, limits=FAST):
    path = tmp_path / ASSIGNMENT.notebook
    if isinstance(nb_or_text, (str, bytes)):
        path.write_bytes(nb_or_text if isinstance(nb_or_text, bytes) else nb_or_text.encode())
    else:
        nbformat.write(nb_or_text, path)
    return grade_notebook(ASSIGNMENT, "student", path, settings(limits))


def grade_attempt(attempt_id, tmp_path, limits=FAST):
    return grade(ATTEMPTS[attempt_id].data, tmp_path, limits)


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


def assert_only(result, name, expect_message, at_most=0.0):
    others = {n: s for n, s in scores(result).items() if n != name}
    assert all(s == full(n) for n, s in others.items()), others
    assert scores(result)[name] <= at_most, scores(result)
    assert expect_message in messages(result, name) + "\n".join(result.notes), messages(result, name)


# ---------------------------------------------------------------------------------------------
# Broken or odd notebooks
# ---------------------------------------------------------------------------------------------

def test_malformed_json(tmp_path):
    result = grade_attempt("malformed-json", tmp_path)
    assert result.score == 0 and "not valid notebook JSON" in result.error


def test_binary_garbage(tmp_path):
    result = grade_attempt("binary-garbage", tmp_path)
    assert result.score == 0 and result.error


def test_missing_notebook(tmp_path):
    result = grade_notebook(ASSIGNMENT, "student", tmp_path / "nothing.ipynb", settings())
    assert result.score == 0 and "missing" in result.error


def test_a_symlinked_notebook_is_refused_with_a_clear_message(tmp_path):
    secret = tmp_path / "someone-else.ipynb"
    secret.write_bytes(ATTEMPTS["correct"].data)
    (tmp_path / ASSIGNMENT.notebook).symlink_to(secret)
    result = grade_notebook(ASSIGNMENT, "student", tmp_path / ASSIGNMENT.notebook, settings())
    assert result.score == 0 and "symbolic link" in result.error


def test_a_submission_folder_that_is_a_symbolic_link_is_refused(tmp_path):
    real = tmp_path / "submitted" / "honest" / "dnn_step_by_step"
    real.mkdir(parents=True)
    (real / ASSIGNMENT.notebook).write_bytes(ATTEMPTS["correct"].data)
    (tmp_path / "submitted" / "copycat").symlink_to(tmp_path / "submitted" / "honest")
    copied = tmp_path / "submitted" / "copycat" / "dnn_step_by_step" / ASSIGNMENT.notebook
    result = grade_notebook(ASSIGNMENT, "copycat", copied, settings())
    assert result.score == 0 and "submission folder copycat is a symbolic link" in result.error
    honest = grade_notebook(ASSIGNMENT, "honest", real / ASSIGNMENT.notebook, settings())
    assert honest.score == 100


def test_old_nbformat_3(tmp_path):
    result = grade_attempt("nbformat-3", tmp_path)
    assert result.score == 100, [f.messages for f in result.functions]


def test_deleted_solution_cell(tmp_path):
    assert_only(grade_attempt("deleted-cell", tmp_path), "compute_cost", "compute_cost is not defined in the notebook")


def test_duplicated_cell_last_definition_wins(tmp_path):
    result = grade_attempt("duplicated-cell", tmp_path)
    assert result.score == 100
    assert any("defined 2 times" in note for note in result.notes)


def test_split_cell_is_joined(tmp_path):
    result = grade_attempt("split-cell", tmp_path)
    assert result.score == 100, result.notes
    assert any("were joined" in note for note in result.notes)


def test_solution_cell_retyped_as_markdown(tmp_path):
    result = grade_attempt("markdown-solution", tmp_path)
    assert result.score == 100
    assert any("markdown cell" in note for note in result.notes)


def test_renamed_function(tmp_path):
    result = grade_attempt("renamed-function", tmp_path)
    # Later functions call linear_forward, so they fail too: only the renamed one is checked here.
    assert scores(result)["linear_forward"] == 0
    assert "linear_forward is not defined in the notebook" in " ".join(result.notes)
    assert "raised NameError" in messages(result, "linear_forward")


def test_syntax_error_costs_only_its_function(tmp_path):
    assert_only(grade_attempt("syntax-error", tmp_path), "initialize_parameters", "syntax error")


def test_exception_in_function(tmp_path):
    assert_only(grade_attempt("exception", tmp_path), "compute_cost",
                "raised ZeroDivisionError: division by zero (at `return 1 / 0`)")


def test_infinite_loop_times_out_and_the_rest_is_graded(tmp_path):
    limits = Limits(memory_mb=768, cpu_seconds=60, exec_seconds=8, call_seconds=2)
    assert_only(grade_attempt("infinite-loop", tmp_path, limits), "compute_cost", "timed out")


def test_memory_bomb(tmp_path):
    assert_only(grade_attempt("memory-bomb", tmp_path), "compute_cost", "MemoryError")


def test_killing_the_process_at_definition_time(tmp_path):
    result = grade_attempt("exit-at-definition", tmp_path)
    assert_only(result, "compute_cost", "compute_cost")
    assert any("exited (code 3)" in note for note in result.notes)


def test_killing_the_process_in_a_call(tmp_path):
    assert_only(grade_attempt("kill-in-call", tmp_path), "compute_cost", "was killed (SIGKILL)")


def test_gigantic_output_is_capped(tmp_path):
    assert grade_attempt("gigantic-output", tmp_path).score == 100


@pytest.mark.parametrize("attempt", ["vscode", "colab", "magics"])
def test_notebooks_saved_elsewhere_grade_in_full(tmp_path, attempt):
    result = grade_attempt(attempt, tmp_path)
    assert result.score == 100, [f.messages for f in result.functions]


@pytest.mark.parametrize("name", ["linear_forward", "linear_activation_forward", "update_parameters",
                                  "compute_cost", "linear_backward"])
def test_correct_code_in_another_style_gets_full_marks(tmp_path, name):
    result = grade_attempt(f"style-{name}", tmp_path)
    assert result.score == 100, messages(result, name)


# ---------------------------------------------------------------------------------------------
# Tampering
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("trick", sorted(TRICKS))
def test_monkeypatching_inside_the_sandbox_gains_nothing(tmp_path, trick):
    # At the top of the cell, and hidden inside the function, where the grader does run it.
    for where in ("top-level", "in-function"):
        result = grade_attempt(f"{trick}-{where}", tmp_path)
        assert scores(result)["linear_forward"] == 0, messages(result, "linear_forward")


def test_printing_fake_success_gains_nothing(tmp_path):
    assert scores(grade_attempt("fake-success", tmp_path))["linear_forward"] == 0


def test_hard_coded_fixture_output_gains_nothing(tmp_path):
    result = grade_attempt("hard-coded", tmp_path)
    assert scores(result)["linear_forward"] == 0
    assert "right only on the example inputs" in messages(result, "linear_forward")


def test_edited_test_cells_and_metadata_are_ignored(tmp_path):
    result = grade_attempt("edited-tests", tmp_path)
    honest = grade(with_function("linear_forward", WRONG_LINEAR_FORWARD), tmp_path)
    assert result.max_score == 100
    assert scores(result)["linear_forward"] == 0 and scores(result) == scores(honest)


@NEEDS_SANDBOX
@pytest.mark.parametrize("attempt", ["read-hidden-tests", "read-source-notebook", "read-answer-key-helpers"])
def test_course_files_cannot_be_read(tmp_path, attempt):
    result = grade_attempt(attempt, tmp_path)
    assert scores(result)["linear_forward"] == 0
    assert "FileNotFoundError" in messages(result, "linear_forward")


@NEEDS_SANDBOX
def test_other_submissions_and_home_cannot_be_listed(tmp_path):
    code = ("import os\n\ndef linear_forward(A, W, b):\n"
            f"    assert set(os.listdir({str(ROOT)!r})) <= {{'.venv'}}, os.listdir({str(ROOT)!r})\n"
            f"    assert set(os.listdir('/tmp')) <= {PYTHON_IN_TMP!r}, os.listdir('/tmp')\n"
            "    assert os.listdir('..') == [os.path.basename(os.getcwd())], os.listdir('..')\n"
            "    return np.dot(W, A) + b, (A, W, b)\n")
    result = grade(with_function("linear_forward", code), tmp_path)
    assert scores(result)["linear_forward"] == full("linear_forward"), messages(result, "linear_forward")


@NEEDS_SANDBOX
def test_sandbox_works_for_a_course_cloned_inside_a_hidden_folder(tmp_path):
    # A clone in /tmp or /home is hidden twice (as the course and as /tmp); bwrap must still start.
    course = tmp_path / "course"
    course.mkdir()
    with sandbox.Sandbox([], FAST, ISOLATION, hidden=(course, ROOT)) as box:
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
    result = grade_attempt("network", tmp_path)
    assert scores(result)["linear_forward"] == 0
    assert "OSError" in messages(result, "linear_forward") or "Error" in messages(result, "linear_forward")


def test_sandbox_isolation_is_required_in_ci():
    if os.environ.get("COURSE_REQUIRE_SANDBOX"):
        assert ISOLATION == BUBBLEWRAP


def test_assignment_2_solved_gets_100_and_blank_gets_0(tmp_path):
    application = load_assignment("dnn_application")
    for nb, expected in ((solved_submission("dnn_application"), 100), (release_notebook("dnn_application"), 0)):
        path = tmp_path / application.notebook
        nbformat.write(nb, path)
        result = grade_notebook(application, "student", path, settings())
        assert result.score == expected, [f.messages for f in result.functions]


def test_student_text_cannot_inject_formulas_or_markup_into_the_class_reports(tmp_path):
    from autograder import records, report
    from autograder.grading import FunctionResult, Result

    evil = Result("=HYPERLINK(\"http://x\")", ASSIGNMENT.id, error="<script>alert(1)</script> | `code` [x](y)")
    evil.functions = [FunctionResult(f.name, 0, f.public_points, 0, f.hidden_points, [evil.error],
                                     causes=["unreadable-notebook"],
                                     cases=[{"test": "public", "case": "@SUM(A1)", "field": "-2+3", "expected": "1",
                                             "actual": "+cmd", "cause": "wrong-values", "hint": None}])
                      for f in ASSIGNMENT.functions]
    records.write_csv(tmp_path / "grades.csv", ASSIGNMENT, [evil])
    records.write_cases(tmp_path / "cases.csv", ASSIGNMENT, [evil])
    for name in ("grades.csv", "cases.csv"):
        with open(tmp_path / name) as handle:
            cells = [cell for row in csv.reader(handle) for cell in row]
        assert not any(cell[:1] in "=+-@" and cell for cell in cells), cells
    text = report.write_report(tmp_path, ASSIGNMENT, [evil])
    assert "<script" not in text and "&lt;script" in text
    line = next(line for line in text.splitlines() if "HYPERLINK" in line)
    assert "`" not in line.replace("\\`", "") and "](" not in line


# ---------------------------------------------------------------------------------------------
# One notebook never stops the class: bounded reads, deadlines, iterative restarts
# ---------------------------------------------------------------------------------------------

def test_a_forged_answer_on_the_grader_channel_earns_nothing_and_grading_goes_on(tmp_path):
    result = grade_attempt("forged-answer", tmp_path)
    assert scores(result)["linear_forward"] == 0
    assert "answered in the wrong form" in messages(result, "linear_forward")
    assert scores(result)["compute_cost"] == full("compute_cost")


def test_an_answer_of_too_many_values_is_refused_cheaply(tmp_path):
    result = grade_attempt("huge-answer", tmp_path)
    assert scores(result)["linear_forward"] == 0
    assert "more than 200000 values" in messages(result, "linear_forward")


def test_json_nested_too_deeply_is_a_clear_error(tmp_path):
    result = grade_attempt("nested-json", tmp_path)
    assert result.score == 0 and "nested far too deeply" in result.error


@pytest.mark.parametrize("attempt", ["huge-expression", "deep-expression"])
def test_an_expression_the_parser_cannot_take_costs_nothing_else(tmp_path, attempt):
    result = grade_attempt(attempt, tmp_path)
    assert result.score == 100, result.notes


def test_an_exit_status_above_128_is_reported_as_an_exit(tmp_path):
    result = grade_attempt("odd-exit-status", tmp_path)
    assert_only(result, "compute_cost", "exited (code 200)")


def test_a_sandbox_that_stops_reading_cannot_hang_the_grader():
    limits = Limits(memory_mb=768, cpu_seconds=60, exec_seconds=3, call_seconds=3)
    with sandbox.Sandbox([], limits, ISOLATION) as box:
        stopper = "import os, signal, threading\nthreading.Timer(0.2, os.kill, (os.getpid(), signal.SIGSTOP)).start()"
        assert box.exec_cell(stopper, "stopper")[0] is None
        time.sleep(0.6)  # stopped now: the next cell, larger than a pipe's buffer, cannot be delivered
        started = time.monotonic()
        with pytest.raises(sandbox.SandboxError, match="stopped reading its input"):
            box.exec_cell("x = '" + "y" * 1_000_000 + "'", "large")
        assert time.monotonic() - started < 10


def test_restarts_are_bounded_and_do_not_grow_the_stack(tmp_path):
    # 300 cells that each kill the process when defined: never more than MAX_STARTS sandboxes.
    nb = solved()
    for index in range(300):
        nb.cells.append(nbformat.v4.new_code_cell(f"import os\n\ndef killer_{index}(_=os._exit(3)):\n    pass\n"))
    result = grade(nb, tmp_path, Limits(memory_mb=768, cpu_seconds=60, exec_seconds=8, call_seconds=8,
                                        submission_seconds=120))
    assert result.functions and result.seconds < 150
    assert any("stopped its process" in m for f in result.functions for m in f.messages), result.notes[-3:]


def test_a_submission_has_a_wall_time_budget(tmp_path):
    limits = Limits(memory_mb=768, cpu_seconds=60, exec_seconds=8, call_seconds=2, submission_seconds=6)
    result = grade_attempt("infinite-loop", tmp_path, limits)
    assert result.seconds < 40
    assert any("used up its 6 s" in m for f in result.functions for m in f.messages)


def test_mathtext_in_a_cause_cannot_break_the_report(tmp_path):
    from autograder import report
    from autograder.grading import FunctionResult, Result

    odd = Result("ada", ASSIGNMENT.id)
    message = "x. Likely cause: $\\frac{1}{$ unbalanced."
    odd.functions = [FunctionResult(f.name, 0, f.public_points, 0, f.hidden_points, [f"{f.name}: {message}"])
                     for f in ASSIGNMENT.functions]
    assert "unbalanced" in report.write_report(tmp_path, ASSIGNMENT, [odd])
    assert (tmp_path / "causes.png").stat().st_size > 0


def test_a_grader_fault_on_one_submission_becomes_its_error_not_the_end_of_the_run():
    from concurrent.futures import Future

    from autograder.batch import GRADER_FAULT, _outcome

    broken = Future()
    broken.set_exception(OSError("disk full"))
    result = _outcome(broken, ASSIGNMENT, "ada")
    assert result.score == 0 and result.error.startswith(GRADER_FAULT) and "disk full" in result.error
    assert [f.name for f in result.functions] == ASSIGNMENT.names
