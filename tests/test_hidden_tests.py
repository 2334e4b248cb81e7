"""The hidden tests give full marks to correct code and catch the known mistakes, with the
public tests' checker (structured results, causes of one vocabulary) and, for the backward
pass, a check against central differences."""

import pytest

from autograder import hidden_tests
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


def test_hidden_failure_says_what_the_public_checker_says():
    def linear_forward(A, W, b):
        return W.dot(A), (A, W, b)

    with pytest.raises(public_tests.TestFailure) as failure:
        hidden_tests.linear_forward_hidden(linear_forward)
    assert failure.value.causes == ["wrong-values"]
    assert all(r.field == "Z" and r.message.startswith(f"{r.case}: Z: wrong values.") for r in failure.value.results)
