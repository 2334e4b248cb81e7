"""Fewer round trips, same verdicts: the setup cells run once per warm template, and the calls of
one test go to the sandbox in one request.

The speed-ups of the grading-speed issue must not change a single grade or message, nor let one
submission see another's state. These tests compare batched calls with call-by-call ones on
functions written to tell them apart (state kept between calls, arguments changed in place,
exceptions, output, a call that kills or hangs the process), grade every known mistake both
ways, and attack the setup's results that each child inherits from its template.
"""

import nbformat
import pytest

from autograder import grading
from autograder.assignments import load_assignment
from autograder.grading import Settings, grade_notebook, public_calls
from autograder.mistakes import CATALOGUE
from autograder.sample_class import GRADED, solved_submission, with_mistakes
from autograder.sandbox import Limits, RemoteFunction, Sandbox, SandboxError, detect_isolation
from coursekit import public_tests

ISOLATION = detect_isolation()
LIMITS = Limits(memory_mb=768, cpu_seconds=60, exec_seconds=20, call_seconds=3)
A1 = load_assignment("dnn_step_by_step")
A2 = load_assignment("dnn_application")
SETTINGS = Settings(limits=LIMITS, isolation=ISOLATION, allow_unsandboxed=True)

# Functions that behave differently if their calls were reordered, merged or replayed.
TRICKY = """
import numpy as np
calls = []

def tricky(x, scale=1.0):
    calls.append(len(calls))
    print("call", len(calls))
    if isinstance(x, dict):
        x["seen"] = len(calls)          # changes its argument in place
        return dict(x)
    if isinstance(x, np.ndarray):
        x *= 2                          # in place too
        return x.sum() * scale + len(calls)
    if x == "raise":
        raise ValueError("asked to raise")
    if x == "exit":
        import os
        os._exit(3)                     # kills the process
    if x == "hang":
        while True:
            pass
    if x == "huge":
        return list(range(250_000))     # more values than the grader rebuilds from one answer
    return (x, scale, len(calls))
"""
CALLS = [((1,), {}), (("raise",), {}), ((2,), {"scale": 3.0}), (({"a": 1},), {}), ((5,), {})]


def fresh_session(code, stats=None):
    """``get_sandbox`` for a RemoteFunction: a live sandbox holding ``code``, restarted when it dies."""
    state = {"box": None}

    def get():
        if state["box"] is None or not state["box"].alive:
            if state["box"] is not None:
                state["box"].close()
            state["box"] = Sandbox([], LIMITS, ISOLATION, stats=stats).start()
            error, _ = state["box"].exec_cell(code, "definitions")
            assert error is None, error
        return state["box"]

    def close():
        if state["box"] is not None:
            state["box"].close()

    return get, close


def outcomes(calls, prefetch, capsys):
    """What each call returns or raises, what it printed, and its arguments afterwards."""
    import copy

    stats = {}
    get, close = fresh_session(TRICKY, stats)
    target = RemoteFunction(get, "tricky")
    calls = copy.deepcopy(calls)
    try:
        if prefetch:
            target.prefetch(calls)
        seen = []
        for args, kwargs in calls:
            try:
                seen.append(("returned", repr(target(*args, **kwargs))))
            except Exception as error:  # noqa: BLE001
                seen.append(("raised", type(error).__name__, str(error)[:60]))
            seen.append(("printed", capsys.readouterr().out))
            seen.append(("args after", repr(args)))
        return seen, stats
    finally:
        close()


def test_batched_calls_return_raise_print_and_change_arguments_exactly_as_call_by_call(capsys):
    one_by_one, slow = outcomes(CALLS, False, capsys)
    batched, fast = outcomes(CALLS, True, capsys)
    assert batched == one_by_one
    assert ("raised", "ValueError", "asked to raise") in batched
    # One round trip for the first four calls; the fourth changes its argument in place, which ends the batch.
    assert slow["requests"] == len(CALLS) and fast["requests"] == 2


def test_a_call_that_changes_its_argument_in_place_is_not_replayed_on_the_changed_value(capsys):
    import numpy as np

    array = np.ones(3)
    calls = [((array,), {}), ((array,), {})]  # the same object twice: the second call sees it doubled
    one_by_one, _ = outcomes(calls, False, capsys)
    batched, fast = outcomes(calls, True, capsys)
    assert batched == one_by_one
    assert fast["requests"] == 2  # the first call changed the array in place: the second went on its own


@pytest.mark.parametrize("fatal", ["exit", "hang"])
def test_a_call_that_kills_or_hangs_the_process_costs_that_call_only(fatal, capsys):
    calls = [((1,), {}), ((fatal,), {}), ((2,), {}), ((3,), {"scale": 2.0})]
    one_by_one, _ = outcomes(calls, False, capsys)
    batched, fast = outcomes(calls, True, capsys)
    assert batched == one_by_one
    assert batched[3][:2] == ("raised", "SandboxError")
    assert batched[6] == ("returned", "(2, 1.0, 1)")  # a fresh process: the state of the first one is gone
    assert fast["requests"] == 3  # the batch (ended by the fatal call), then the two calls after it


def test_an_unreadable_answer_inside_a_batch_costs_that_call_and_the_process_goes_on(capsys):
    calls = [((1,), {}), (("huge",), {}), ((2,), {})]
    one_by_one, _ = outcomes(calls, False, capsys)
    batched, fast = outcomes(calls, True, capsys)
    assert batched == one_by_one
    assert batched[3][:2] == ("raised", "SandboxError") and "unreadable answer" in batched[3][2]
    assert batched[6] == ("returned", "(2, 1.0, 3)")  # the same process: its third call
    assert fast["requests"] == 1


def test_a_forged_answer_inside_a_batch_stops_the_process():
    # The child's stdout is /dev/null; the answer channel is another descriptor: write to all of them.
    code = ("import os\n"
            "def liar(x):\n"
            "    for fd in range(3, 20):\n"
            "        try:\n"
            "            os.write(fd, b'{\"id\": \"forged\", \"ok\": true, \"printed\": \"\"}\\n')\n"
            "        except OSError:\n"
            "            pass\n"
            "    return x\n")
    get, close = fresh_session(code)
    try:
        outcomes_ = get().call_many("liar", [RemoteFunction.encode_call((1,), {})[0]] * 2)
        assert outcomes_[-1][0] is False and isinstance(outcomes_[-1][1], SandboxError)
    finally:
        close()


class Counting:
    """A stand-in for a student's function that counts the calls a test makes (and raises, as a blank one)."""

    def __init__(self, name):
        self.__name__ = name
        self.made = []

    def __call__(self, *args, **kwargs):
        self.made.append(RemoteFunction.encode_call(args, kwargs)[1])
        raise NotImplementedError


def test_public_tests_are_recorded_once_with_every_call_they_make():
    for assignment in (A1, A2):
        for function in assignment.functions:
            test = getattr(public_tests, f"{function.name}_test")
            counting = Counting(function.name)
            with pytest.raises(public_tests.TestFailure):
                test(counting)
            recorded = public_calls(test, function.name)
            assert [key for _, key in recorded] == counting.made and counting.made, function.name
            assert public_calls(test, function.name) is recorded  # computed once per process


def graded(nb, assignment, batched, monkeypatch, tmp_path):
    """Grade ``nb``, with the calls of each test batched or (``batched`` False) one request per call."""
    path = tmp_path / assignment.notebook
    path.write_text(nbformat.writes(nb))
    with monkeypatch.context() as patch:
        if not batched:
            patch.setattr(RemoteFunction, "prefetch_encoded", lambda self, encoded: None)
        return grade_notebook(assignment, "ada", path, SETTINGS)


def test_a_correct_submission_needs_one_request_per_test(monkeypatch, tmp_path):
    for assignment in (A1, A2):
        result = graded(solved_submission(assignment.id), assignment, True, monkeypatch, tmp_path)
        assert result.score == result.max_score
        assert result.timings["requests"] == 2 * len(assignment.functions), assignment.id
        assert result.timings["calls"] > result.timings["requests"]
        assert result.timings["setup"] < 0.05  # the template ran the setup cells; the child did not
        unbatched = graded(solved_submission(assignment.id), assignment, False, monkeypatch, tmp_path)
        assert unbatched.timings["requests"] == unbatched.timings["calls"] == result.timings["calls"]
        # Every helper result a correct function needs was foreseen: no callback at all.
        assert result.timings["callbacks"] == 0
        assert unbatched.timings["callbacks"] > 0 or assignment is A2


def test_every_known_mistake_gets_the_same_grade_and_messages_batched_or_not(monkeypatch, tmp_path):
    for assignment_id, names in GRADED.items():
        assignment = load_assignment(assignment_id)
        for mistake in (m for m in CATALOGUE if m.function in names):
            nb = with_mistakes(solved_submission(assignment_id), [mistake])
            fast = graded(nb, assignment, True, monkeypatch, tmp_path)
            slow = graded(nb, assignment, False, monkeypatch, tmp_path)
            assert fast.grade_cells() == slow.grade_cells(), mistake.id
            assert [f.messages for f in fast.functions] == [f.messages for f in slow.functions], mistake.id
            assert fast.notes == slow.notes, mistake.id
            assert fast.score < fast.max_score, mistake.id


WARM = "\n".join(grading._strip_magics(code) for _, code in A2.setup_cells)


def test_the_setup_runs_once_in_the_template_and_each_submission_gets_it_untouched():
    spoil = ("import numpy as np, dnn_app_utils\n"
             "assert train_x.shape == (12288, 209) and layers_dims == [12288, 20, 7, 5, 1]\n"
             "train_x[:] = 0\n"
             "layers_dims.append(99)\n"
             "np.random.seed(5)\n"
             "dnn_app_utils.sigmoid = None\n"
             "del load_data\n")
    check = ("import numpy as np, dnn_app_utils\n"
             "print(float(train_x.max()) > 0.5, layers_dims, np.random.get_state()[1][:2].tolist(),"
             " dnn_app_utils.sigmoid is None, 'load_data' in globals())\n")
    with Sandbox(A2.helper_files, LIMITS, ISOLATION, warm_code=WARM) as box:
        assert box.setup_done
        template = box.template
        error, _ = box.exec_cell(spoil, "spoil")
        assert error is None, error
    with Sandbox(A2.helper_files, LIMITS, ISOLATION, warm_code=WARM) as box:
        assert box.template is template  # the same warm process served both
        error, printed = box.exec_cell(check, "check")
    assert error is None, error
    import numpy as np

    np.random.seed(1)
    seeded = np.random.get_state()[1][:2].tolist()
    assert printed.strip() == f"True [12288, 20, 7, 5, 1] {seeded} False True"


def test_setup_that_fails_in_the_template_runs_in_the_child_and_reports_its_error():
    warm = "import numpy as np\nraise RuntimeError('the data set is missing')\n"
    with Sandbox([], LIMITS, ISOLATION, warm_code=warm) as box:
        assert not box.setup_done
        error, _ = box.exec_cell(warm, "setup")
    assert error["type"] == "RuntimeError" and "missing" in error["message"]


STEAL = """
import json

def L_model_forward(X, parameters):
    stub = linear_activation_forward
    cells = [cell.cell_contents for cell in (stub.__closure__ or ())]
    memo = next(cell for cell in cells if isinstance(cell, dict) and "entries" in cell)
    return json.dumps(memo)
"""


def test_a_function_that_steals_the_foreseen_results_learns_none_of_them():
    import functools

    from autograder import wire
    from autograder.reference_models import graded_helpers, helper_calls
    from coursekit import testCases as tc

    X, parameters = tc.L_model_forward_test_case_2hidden()
    foresee = functools.partial(helper_calls, A1.id, "L_model_forward")
    get, close = fresh_session(STEAL)
    try:
        target = RemoteFunction(get, "L_model_forward", graded_helpers(A1.id, "L_model_forward"), foresee)
        target.prefetch([((X, parameters), {})])
        stolen = target(X, parameters)
    finally:
        close()
    assert '"entries"' in stolen  # it did reach the memo ...
    records = foresee((X, parameters), {})
    assert records
    for _, _, _, result in records:  # ... and none of the results is in it, AL least of all
        for item in result if isinstance(result, tuple) else (result,):
            if hasattr(item, "shape"):
                assert wire.encode(item)["ndarray"] not in stolen
