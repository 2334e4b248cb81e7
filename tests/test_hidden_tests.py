"""The hidden tests give full marks to correct code and catch the known mistakes, with the
public tests' checker (structured results, causes of one vocabulary) and, for the backward
pass, a check against central differences. Their inputs are each student's own (keyed with
the course's secret), every student with the same mistake loses the same cases, and no
message or case result shows a number of the reference's answers."""

import copy
import re

import numpy as np
import pytest

from autograder import gradient_check, hidden_tests
from autograder.mistakes import CATALOGUE, build
from autograder.reference_models import reference_functions
from coursekit import public_tests

REFERENCE = reference_functions()


@pytest.mark.parametrize("function_name", sorted(REFERENCE))
def test_reference_passes_hidden_tests(function_name):
    getattr(hidden_tests, function_name + "_hidden")(REFERENCE[function_name])


# Mistakes that only show on the public fixtures by design (printing policy, cost list length on
# 2 iterations) are still caught by the public test; every other mistake must fail the hidden test too.
PUBLIC_ONLY = {"print-precedence-quirk", "costs-as-floats"}


@pytest.mark.parametrize("mistake", [m for m in CATALOGUE if m.id not in PUBLIC_ONLY], ids=lambda m: m.id)
def test_hidden_tests_catch_mistake(mistake):
    with pytest.raises(public_tests.TestFailure, match=f"^{mistake.function}: ") as failure:
        getattr(hidden_tests, mistake.function + "_hidden")(build(mistake))
    assert failure.value.results and 0 < failure.value.failed_cases <= failure.value.cases
    assert all(r.function == mistake.function and public_tests.is_cause(r.cause) for r in failure.value.results)


def test_backward_pass_off_by_a_little_fails_the_gradient_check():
    def L_model_backward(AL, Y, caches):
        grads = REFERENCE["L_model_backward"](AL, Y, caches)
        grads["dW1"] = grads["dW1"] * 1.01
        return grads

    with pytest.raises(public_tests.TestFailure) as failure:
        hidden_tests.L_model_backward_hidden(L_model_backward)
    [result] = [r for r in failure.value.results if r.cause == "gradient-check"]
    assert result.field == "grads['dW1']" and result.actual.startswith("relative error")
    assert "disagrees with the numerical derivative of the cost" in str(failure.value)


# Course secrets (as .grading_secret holds them) whose first gradient-check network for "ada" has a hidden
# ReLU input within a step of 0, where central differences are wrong: about one course in 10,000. One of
# them once cost a correct submission 1.67 points in CI.
ON_A_KINK = ("a5704a0964db9ccc3b77c9ac2851a8b1a32c593f4948a72969a02bca99ed5fd6",
             "21509709543a45055013a9799ad87a5ff10b8b4008163a30b3cb8983785083a3",
             "d71dbe25c6ec8d1e45403d9860b6dbf872471e00896805c86ebad04d9a4710a6")


def first_gradient_check_draw():
    X, parameters = hidden_tests._network(hidden_tests._rng("gradient check"), [4, 5, 3, 1], m=6)
    return X, REFERENCE["L_model_forward"](X, parameters)[1]


@pytest.mark.L_model_backward
@pytest.mark.parametrize("secret", ON_A_KINK)
def test_a_correct_backward_pass_passes_when_the_gradient_check_first_draws_a_network_on_a_relu_kink(secret):
    with hidden_tests.inputs_for(secret.encode(), "dnn_step_by_step", "ada"):
        _, caches = first_gradient_check_draw()
        assert not gradient_check.clear_of_kinks(Z for _, Z in caches[:-1])  # this secret does hit a kink
        check = hidden_tests._GradientCheck()
        assert gradient_check.clear_of_kinks(Z for _, Z in check.caches[:-1])  # drawn again
        hidden_tests.L_model_backward_hidden(REFERENCE["L_model_backward"])  # raises TestFailure if not full marks


@pytest.mark.L_model_backward
def test_the_gradient_check_keeps_its_first_draw_when_it_is_clear_of_kinks():
    for student in ("ada", "bob", "cy"):  # ordinary draws: every student keeps the inputs graded before
        with hidden_tests.inputs_for(b"an ordinary course secret", "dnn_step_by_step", student):
            X, caches = first_gradient_check_draw()
            assert gradient_check.clear_of_kinks(Z for _, Z in caches[:-1])
            assert np.array_equal(hidden_tests._GradientCheck().X, X)


def test_hidden_failure_says_what_the_public_checker_says():
    def linear_forward(A, W, b):
        return W.dot(A), (A, W, b)

    with pytest.raises(public_tests.TestFailure) as failure:
        hidden_tests.linear_forward_hidden(linear_forward)
    assert failure.value.causes == ["wrong-values"]
    assert all(r.field == "Z" and r.message.startswith(f"{r.case}: Z: wrong values in every entry. Likely cause: "
                                                       "Z is the matrix product of W and A")
               for r in failure.value.results)


# ---------------------------------------------------------------------------------------------
# Each student's inputs, and messages that never show the reference's numbers
# ---------------------------------------------------------------------------------------------

SECRET = b"0123456789abcdef" * 4
STUDENTS = ("ada", "bob", "carol", "dave")


def hidden_calls(function_name):
    """(args, kwargs, reference result) of every call the hidden test of ``function_name`` makes now."""
    calls = []

    def recorder(*args, **kwargs):
        result = REFERENCE[function_name](*copy.deepcopy(args), **kwargs)
        calls.append((copy.deepcopy(args), kwargs, result))
        return result

    recorder.__name__ = function_name
    getattr(hidden_tests, function_name + "_hidden")(recorder)
    return calls


def numbers(value):
    """Every float in a (nested) value."""
    if isinstance(value, dict):
        return [x for item in value.values() for x in numbers(item)]
    if isinstance(value, (tuple, list)):
        return [x for item in value for x in numbers(item)]
    return [float(x) for x in np.ravel(np.asarray(value, dtype=float))]


NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")


def leaked(text, reference_values):
    """The numbers of ``text`` written with 4 significant digits or more that are a reference value, rounded."""
    values = np.sort(np.asarray([v for v in reference_values if np.isfinite(v)]))
    found = []
    for token in NUMBER.findall(text):
        mantissa = token.split("e")[0].lstrip("-").replace(".", "").lstrip("0")
        if len(mantissa) < 4:
            continue
        number = float(token)
        decimals = len(token.split("e")[0].split(".")[1])
        scale = 10.0 ** int(token.split("e")[1]) if "e" in token else 1.0
        near = values[np.searchsorted(values, number - scale * 10.0 ** -decimals):
                      np.searchsorted(values, number + scale * 10.0 ** -decimals)]
        if np.any(np.abs(near - number) <= 0.5 * scale * 10.0 ** -decimals + 1e-15):
            found.append(token)
    return found


def failure_text(failure):
    fields = [str(getattr(r, name)) for r in failure.results for name in ("case", "expected", "actual", "message")]
    return "\n".join([str(failure), *fields])


def test_the_leak_detector_finds_printed_reference_values():
    [(_, _, Z)] = hidden_calls("linear_forward")[:1]
    shown = public_tests._problems(Z[0] + 1, Z[0], "Z")[0].message  # the public tests show expected values
    assert leaked(shown, numbers(Z[0]))
    assert not leaked(public_tests._problems(Z[0] + 1, Z[0], "Z", reveal=False)[0].message, numbers(Z[0]))


@pytest.mark.parametrize("mistake", CATALOGUE, ids=lambda m: m.id)
def test_no_hidden_message_or_case_result_shows_a_reference_number(mistake):
    with hidden_tests.inputs_for(SECRET, "a course", "ada"):
        reference = [x for _, _, result in hidden_calls(mistake.function) for x in numbers(result)]
        try:
            getattr(hidden_tests, mistake.function + "_hidden")(build(mistake))
        except public_tests.TestFailure as failure:
            assert not leaked(failure_text(failure), reference), failure_text(failure)


def test_each_student_has_own_inputs_and_the_same_ones_at_every_run():
    def inputs(secret, student):
        with hidden_tests.inputs_for(secret, "dnn_step_by_step", student):
            return [numbers(args) for args, _, _ in hidden_calls("linear_backward")]

    assert inputs(SECRET, "ada") == inputs(SECRET, "ada")
    assert inputs(SECRET, "ada") != inputs(SECRET, "bob")
    assert inputs(SECRET, "ada") != inputs(SECRET[::-1], "ada")
    with hidden_tests.inputs_for(SECRET, "dnn_application", "ada"):
        other_assignment = [numbers(args) for args, _, _ in hidden_calls("linear_backward")]
    assert other_assignment != inputs(SECRET, "ada")


def test_a_mistake_costs_every_student_the_same_cases():
    """The kind of each case is fixed, only its numbers vary: partial credit is the same for all."""
    for mistake in CATALOGUE:
        outcomes = set()
        for student in STUDENTS:
            with hidden_tests.inputs_for(SECRET, "course", student):
                try:
                    getattr(hidden_tests, mistake.function + "_hidden")(build(mistake))
                    outcomes.add((0, 0))
                except public_tests.TestFailure as failure:
                    outcomes.add((failure.failed_cases, failure.cases))
        assert len(outcomes) == 1, f"{mistake.id}: {outcomes}"


@pytest.mark.parametrize("function_name", sorted(REFERENCE))
def test_reference_passes_hidden_tests_of_any_student(function_name):
    for student in STUDENTS[:2]:
        with hidden_tests.inputs_for(SECRET, "course", student):
            getattr(hidden_tests, function_name + "_hidden")(REFERENCE[function_name])


def test_a_table_of_one_students_answers_earns_nothing_for_another_or_under_another_secret():
    with hidden_tests.inputs_for(SECRET, "dnn_step_by_step", "mallory"):
        table = hidden_calls("linear_forward")

    def linear_forward(A, W, b):  # answers looked up in what the first run's inputs were
        for (A0, W0, b0), _, (Z0, _) in table:
            if A.shape == A0.shape and np.array_equal(A, A0) and np.array_equal(W, W0) and np.array_equal(b, b0):
                return Z0.copy(), (A, W, b)
        return np.zeros((W.shape[0], A.shape[1])), (A, W, b)

    with hidden_tests.inputs_for(SECRET, "dnn_step_by_step", "mallory"):
        hidden_tests.linear_forward_hidden(linear_forward)  # the attack works on the inputs it was built from
    for secret, student in ((SECRET, "eve"), (SECRET[::-1], "mallory")):
        with hidden_tests.inputs_for(secret, "dnn_step_by_step", student), \
                pytest.raises(public_tests.TestFailure) as failure:
            hidden_tests.linear_forward_hidden(linear_forward)
        assert failure.value.failed_cases == failure.value.cases == 3
