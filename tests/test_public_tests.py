"""The public tests pass on correct code in several styles and fail, with the right
message and cause id, on every mistake of the catalogue; their checker is a public
interface that reports structured results, and the class report counts those causes."""

import re
from types import SimpleNamespace

import numpy as np
import pytest

from autograder import report
from autograder.assignments import load_assignment
from autograder.attempts import CORRECT_STYLES
from autograder.mistakes import CATALOGUE, build, namespace
from autograder.reference_models import reference_functions
from coursekit import dnn_app_utils as ref
from coursekit import public_tests

REFERENCE = reference_functions()


def run_public_test(function_name, target):
    getattr(public_tests, function_name + "_test")(target)


@pytest.mark.parametrize("function_name", sorted(REFERENCE))
def test_reference_passes_with_one_line(function_name, capsys):
    run_public_test(function_name, REFERENCE[function_name])
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith(f"All tests passed for {function_name} ")


ALTERNATIVE_STYLES = CORRECT_STYLES  # shared with the robustness suite and the agreement test


@pytest.mark.parametrize("function_name", sorted(ALTERNATIVE_STYLES))
def test_other_correct_styles_pass(function_name):
    scope = namespace()
    exec(ALTERNATIVE_STYLES[function_name], scope)
    run_public_test(function_name, scope[function_name])


def failure_of(function_name, target):
    """The TestFailure that the public test of ``function_name`` raises on ``target``."""
    with pytest.raises(public_tests.TestFailure) as failure:
        run_public_test(function_name, target)
    return failure.value


@pytest.mark.parametrize("mistake", CATALOGUE, ids=[m.id for m in CATALOGUE])
def test_mistake_fails_with_its_message_and_cause(mistake):
    failure = failure_of(mistake.function, build(mistake))
    message = str(failure)
    assert message.startswith(f"{mistake.function}: "), message
    assert re.search(mistake.message, message, re.S), f"{mistake.id}: {message}"
    assert mistake.cause in failure.causes, f"{mistake.id}: {failure.causes}"


@pytest.mark.parametrize("mistake", CATALOGUE, ids=[m.id for m in CATALOGUE])
def test_every_result_is_structured_in_the_vocabulary(mistake):
    failure = failure_of(mistake.function, build(mistake))
    assert failure.results and failure.failed_cases <= failure.cases
    shown = list(dict.fromkeys(r.message for r in failure.results))[:public_tests.MAX_MESSAGES]
    assert all(f"  - {message}" in str(failure) for message in shown)
    for result in failure.results:
        assert result.function == mistake.function
        assert public_tests.is_cause(result.cause), result.cause
        assert result.message.startswith(f"{result.case}: ")
        if result.hint:
            assert f"Likely cause: {result.hint}" in result.message


def test_catalogue_is_large_and_unique():
    assert len(CATALOGUE) >= 15
    assert len({m.id for m in CATALOGUE}) == len(CATALOGUE)
    assert {m.function for m in CATALOGUE} == set(REFERENCE)


def test_transposed_result_names_field_expected_actual_cause_and_hint():
    def linear_forward(A, W, b):
        return np.dot(A.T, W.T) + b, (A, W, b)
    failure = failure_of("linear_forward", linear_forward)
    [result] = [r for r in failure.results if r.field == "Z"]
    assert result.case == "linear_forward(*linear_forward_test_case())"
    assert (result.expected, result.actual, result.cause) == ("shape (1, 2)", "shape (2, 1)", "transposed")
    assert result.hint.startswith("the array is transposed")
    assert result.message == (f"{result.case}: Z: has shape (2, 1) but should be (1, 2). "
                              f"Likely cause: {result.hint}.")


def test_unimplemented_stub_gets_a_friendly_message():
    def linear_forward(A, W, b):
        raise NotImplementedError()
    with pytest.raises(AssertionError, match="not implemented yet: replace the line `raise NotImplementedError\\(\\)`"):
        public_tests.linear_forward_test(linear_forward)
    assert failure_of("linear_forward", linear_forward).causes == ["not-implemented"]


def test_none_placeholder_is_named():
    def linear_backward(dZ, cache):
        return None, None, None
    with pytest.raises(AssertionError, match="dA_prev: is None. Likely cause: a None placeholder"):
        public_tests.linear_backward_test(linear_backward)
    failure = failure_of("linear_backward", linear_backward)
    assert failure.causes == ["none-placeholder"]
    assert [r.field for r in failure.results] == ["dA_prev", "dW", "db"]


def test_extra_dict_keys_fail():
    def initialize_parameters(n_x, n_h, n_y):
        parameters = ref.initialize_parameters(n_x, n_h, n_y)
        parameters["W3"] = np.zeros((1, 1))
        return parameters
    with pytest.raises(AssertionError, match=r"unexpected key\(s\) \['W3'\]"):
        public_tests.initialize_parameters_test(initialize_parameters)
    assert failure_of("initialize_parameters", initialize_parameters).causes == ["extra-keys"]


def test_exception_names_the_failing_line():
    def linear_forward(A, W, b):
        Z = np.dot(W, A.T) + b
        return Z, (A, W, b)
    with pytest.raises(AssertionError, match=r"raised ValueError: .*\(at `Z = np.dot\(W, A.T\) \+ b`\)"):
        public_tests.linear_forward_test(linear_forward)
    [result] = failure_of("linear_forward", linear_forward).results
    assert result.cause == "exception:ValueError" and result.hint.startswith("array shapes that do not fit")
    assert result.actual.startswith("ValueError: ")


def test_exception_without_a_known_cause_has_no_hint():
    def compute_cost(AL, Y):
        return 1 / 0
    results = failure_of("compute_cost", compute_cost).results
    assert {(r.cause, r.hint) for r in results} == {("exception:ZeroDivisionError", None)}
    assert not any("Likely cause" in r.message for r in results)


def test_mutating_dA_in_relu_branch_is_detected():
    def linear_activation_backward(dA, cache, activation):
        linear_cache, Z = cache
        if activation == "relu":
            dA[Z <= 0] = 0
            dZ = dA
        else:
            dZ = sigmoid_backward(dA, Z)
        return ref.linear_backward(dZ, linear_cache)
    from coursekit.dnn_utils import sigmoid_backward
    with pytest.raises(AssertionError, match="modified its argument dA in place"):
        public_tests.linear_activation_backward_test(linear_activation_backward)
    failure = failure_of("linear_activation_backward", linear_activation_backward)
    assert [(r.cause, r.field) for r in failure.results] == [("mutated-input", "dA")]


def test_public_test_rejects_non_callable():
    with pytest.raises(AssertionError, match="expects the function linear_forward"):
        public_tests.linear_forward_test(None)


def test_checker_runs_cases_of_a_new_test(capsys):
    def cube_test(target):
        checker = public_tests.Checker(target, "cube")
        for x in (2.0, 3.0):
            ok, result, _ = checker.call(f"cube({x})", (np.array(x),), ["x"])
            if ok:
                checker.check(f"cube({x})", result, np.array(x ** 3), "result", "multiply x by itself twice")
        checker.finish()

    cube_test(lambda x: x ** 3)
    assert capsys.readouterr().out == "All tests passed for cube (2 cases).\n"
    with pytest.raises(public_tests.TestFailure) as failure:
        cube_test(lambda x: x + 1)
    assert (failure.value.cases, failure.value.failed_cases) == (2, 2)
    assert failure.value.causes == ["wrong-values"]
    assert "Likely cause: multiply x by itself twice." in str(failure.value)


def test_check_tuple_reports_a_wrong_return():
    checker = public_tests.Checker(lambda: None, "f")
    assert checker.check_tuple("f()", (1, 2), ["a", "b"])
    assert not checker.check_tuple("f()", [1, 2], ["a", "b"])
    [result] = checker.results
    assert result.cause == "wrong-return"
    assert result.message == "f(): f should return a tuple (a, b), got list of length 2."


def test_compare_keeps_its_messages():
    failures = []
    public_tests.compare(np.zeros((2, 1)), np.ones((2, 1)), "db", failures, "a hint")
    assert failures == ["db: wrong values. Expected [[1.] [1.]], got [[0.] [0.]]. Likely cause: it is all zeros: "
                        "is the computation missing or overwritten?."]


def function_result(name, messages, causes=None):
    result = SimpleNamespace(name=name, messages=messages, score=0.0)
    if causes is not None:
        result.causes = causes
    return result


def test_class_report_counts_cause_ids_of_the_results():
    failure = failure_of("linear_forward", build(next(m for m in CATALOGUE if m.id == "forward-transposed")))
    students = [SimpleNamespace(functions=[function_result("linear_forward", [str(failure)], failure.causes)])
                for _ in range(3)]
    # Reworded messages change nothing: the ids are counted.
    students.append(SimpleNamespace(functions=[function_result("linear_forward", ["reworded"], ["transposed"])]))
    assert report.failure_causes(students) == {("linear_forward", "transposed"): 4}


def test_class_report_reads_messages_of_results_without_causes():
    students = [SimpleNamespace(functions=[
        function_result("compute_cost", ["compute_cost: compute_cost is not implemented yet: replace the line"]),
        function_result("linear_forward", ["linear_forward: 1 problem(s) found.\n  - x: linear_forward raised "
                                           "ZeroDivisionError: division by zero"]),
        function_result("update_parameters", []),
    ])]
    assert report.failure_causes(students) == {("compute_cost", "not-implemented"): 1,
                                              ("linear_forward", "exception:ZeroDivisionError"): 1}


def test_class_report_table_shows_ids_and_what_they_mean(tmp_path):
    assignment = load_assignment("dnn_step_by_step")
    functions = [function_result(f.name, ["m"], ["not-implemented"]) for f in assignment.functions]
    student = SimpleNamespace(functions=functions, score=0.0, error="", student="eve")
    text = report.write_report(tmp_path, assignment, [student])
    assert "| `linear_forward` | `not-implemented` | not implemented yet | 1 |" in text
    assert (tmp_path / "causes.png").stat().st_size > 1000
