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
from autograder.reference_models import define, reference_functions
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
    assert not (mistake.absent and re.search(mistake.absent, message, re.S)), f"{mistake.id}: {message}"
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


# ---------------------------------------------------------------------------------------------
# Messages that lead to the fix
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("factor, claimed", [
    (3.0, True), (0.25, True), (0.8, True), (100.0, True), (0.01, True), (-2.0, True), (1 / 0.0075, True),
    (0.2459689, False), (0.249892, False), (1.0000001, False), (np.pi, False),
])
def test_a_factor_is_claimed_only_when_code_would_produce_it(factor, claimed):
    wanted = np.array([[0.3, -1.2, 0.5], [2.0, 0.7, -0.1]])
    cause, sentence = public_tests._value_cause(wanted * factor, wanted)
    assert (cause == "missing-factor") == claimed, (cause, sentence)
    if claimed:
        assert sentence.startswith(f"it is {factor:.6g} times the expected value")


def test_no_factor_is_claimed_when_it_changes_from_entry_to_entry_or_zeros_are_not_kept():
    wanted = np.array([[0.3, -1.2, 0.5], [2.0, 0.7, -0.1]])
    assert public_tests._value_cause(wanted * [[2.0, 2.0, 2.0], [2.0, 2.0, 2.5]], wanted)[0] == "wrong-values"
    relu = np.array([[0.4, 0.0], [0.3, 0.0]])
    assert public_tests._value_cause(np.array([[0.1, 0.01], [0.075, 0.02]]), relu)[0] == "wrong-values"


def test_each_example_off_by_its_own_factor_is_named():
    wanted = np.array([[0.3, -1.2, 0.5], [2.0, 0.7, -0.1]])
    cause, sentence = public_tests._value_cause(wanted * [0.21, 0.17, 0.24], wanted)
    assert cause == "per-example-factor" and "each example (column) is off by a different factor" in sentence


def test_a_single_number_needs_a_whole_factor():
    assert public_tests._value_cause(np.array(3.0), np.array(1.5))[0] == "missing-factor"
    assert public_tests._value_cause(np.array(1.1), np.array(1.5))[0] == "wrong-values"


@pytest.mark.parametrize("actual, wanted, where", [
    ([[1.0, 9.0], [1.0, 9.0]], [[1.0, 2.0], [1.0, 3.0]], "in 2 of 4 entries (column 1)"),
    ([[9.0, 9.0], [1.0, 3.0]], [[1.0, 2.0], [1.0, 3.0]], "in 2 of 4 entries (row 0)"),
    ([[9.0, 2.0], [1.0, 9.0]], [[1.0, 2.0], [1.0, 3.0]], "in 2 of 4 entries (at (0, 0), (1, 1))"),
    ([[1.0, 5.0], [1.0, 5.0]], [[1.0, 0.0], [1.0, 0.0]], "in 2 of 4 entries (column 1, where 0 is expected)"),
    ([[5.0, 5.0], [5.0, 5.0]], [[1.0, 0.0], [1.0, 0.0]], "in every entry (2 of them where 0 is expected)"),
    ([[2.0, 4.0], [2.0, 6.0]], [[1.0, 2.0], [1.0, 3.0]], ""),
])
def test_the_message_says_which_entries_differ(actual, wanted, where):
    assert public_tests._where_different(np.array(actual), np.array(wanted)) == where


def test_hidden_messages_say_where_and_why_but_show_no_value():
    [problem] = public_tests._problems(np.array([[1.0, 9.0], [1.0, 9.0]]), np.array([[1.0, 2.0], [1.0, 2.0]]), "dW",
                                       "a hint", reveal=False)
    assert problem.message == "dW: wrong values in 2 of 4 entries (column 1). Likely cause: a hint."
    assert (problem.expected, problem.actual) == ("ndarray (2, 2) float64", "ndarray (2, 2) float64, in 2 of 4 "
                                                                            "entries (column 1)")


def student_functions(source):
    """The functions of ``source``, defined as a notebook cell defines them (its lines readable in tracebacks)."""
    scope = namespace()
    define(source, scope, "<cell 3>")
    return scope


def test_an_error_inside_a_helper_is_located_in_the_function_under_test():
    scope = student_functions("def linear_backward(dZ, cache):\n    A_prev, W, b = cache\n    return A_prev, W, b\n\n"
                              "def linear_activation_backward(dA, cache, activation):\n"
                              "    linear_cache, activation_cache = cache\n"
                              "    return linear_backward(dA, activation_cache)\n")
    result = failure_of("linear_activation_backward", scope["linear_activation_backward"]).results[0]
    assert "(at `return linear_backward(dA, activation_cache)`)" in result.message
    assert "A_prev, W, b = cache" not in result.message




def test_a_failing_helper_of_the_student_is_named_with_the_helpers_it_calls():
    from autograder.reference_models import answer_key_source

    sources = [answer_key_source(name) for name in ("linear_backward", "linear_activation_backward",
                                                    "L_model_backward")]
    sources[0] = sources[0].replace(", keepdims=True", "")
    scope = student_functions("\n\n".join(sources))
    failure = failure_of("L_model_backward", scope["L_model_backward"])
    assert failure.failing_helpers == ["linear_activation_backward", "linear_backward"]
    assert str(failure).endswith("Note: this may come from linear_activation_backward and linear_backward, which "
                                 "fail their own tests: fix them first.")


def test_no_helper_is_named_when_the_helpers_pass_or_come_from_the_course():
    from autograder.reference_models import answer_key_source

    source = answer_key_source("linear_backward") + "\n\n" + answer_key_source("linear_activation_backward")
    scope = student_functions(source.replace("relu_backward(dA", "sigmoid_backward(dA"))
    failure = failure_of("linear_activation_backward", scope["linear_activation_backward"])
    assert failure.failing_helpers == [] and "Note:" not in str(failure)
    # dnn_app_utils' functions are the course's, not the student's: never run through tests.
    assert public_tests.student_helpers(ref.L_model_backward, "L_model_backward") == {}
    broken = build(next(m for m in CATALOGUE if m.id == "backward-sigmoid-in-loop"))
    assert public_tests.student_helpers(broken, "L_model_backward") == {}
