"""The public tests pass on correct code in several styles and fail, with the right
message, on every mistake of the catalogue."""

import re

import numpy as np
import pytest

import dnn_app_utils as ref
import public_tests
from autograder.reference_models import reference_functions
from autograder.mistakes import CATALOGUE, build, namespace

REFERENCE = reference_functions()


def run_public_test(function_name, target):
    getattr(public_tests, function_name + "_test")(target)


@pytest.mark.parametrize("function_name", sorted(REFERENCE))
def test_reference_passes_with_one_line(function_name, capsys):
    run_public_test(function_name, REFERENCE[function_name])
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith(f"All tests passed for {function_name} ")


ALTERNATIVE_STYLES = {
    "linear_forward": """
def linear_forward(A, W, b):
    Z = W @ A + b
    print("debug:", Z.shape)
    return Z, (A, W, b)
""",
    "linear_activation_forward": """
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = {"sigmoid": sigmoid, "relu": relu}[activation](Z)
    return A, (linear_cache, activation_cache)
""",
    "update_parameters": """
def update_parameters(params, grads, learning_rate):
    parameters = copy.deepcopy(params)
    for key in parameters:
        parameters[key] -= learning_rate * grads["d" + key]
    return parameters
""",
    "compute_cost": """
def compute_cost(AL, Y):
    return -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
""",
    "linear_backward": """
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T / m, dZ.mean(axis=1, keepdims=True)
""",
}


@pytest.mark.parametrize("function_name", sorted(ALTERNATIVE_STYLES))
def test_other_correct_styles_pass(function_name):
    scope = namespace()
    exec(ALTERNATIVE_STYLES[function_name], scope)
    run_public_test(function_name, scope[function_name])


@pytest.mark.parametrize("mistake", CATALOGUE, ids=[m.id for m in CATALOGUE])
def test_mistake_fails_with_its_message(mistake):
    wrong = build(mistake)
    with pytest.raises(AssertionError) as failure:
        run_public_test(mistake.function, wrong)
    message = str(failure.value)
    assert message.startswith(f"{mistake.function}: "), message
    assert re.search(mistake.message, message, re.S), f"{mistake.id}: {message}"


def test_catalogue_is_large_and_unique():
    assert len(CATALOGUE) >= 15
    assert len({m.id for m in CATALOGUE}) == len(CATALOGUE)
    assert {m.function for m in CATALOGUE} == set(REFERENCE)


def test_unimplemented_stub_gets_a_friendly_message():
    def linear_forward(A, W, b):
        raise NotImplementedError()
    with pytest.raises(AssertionError, match="not implemented yet: replace the line `raise NotImplementedError\\(\\)`"):
        public_tests.linear_forward_test(linear_forward)


def test_none_placeholder_is_named():
    def linear_backward(dZ, cache):
        return None, None, None
    with pytest.raises(AssertionError, match="dA_prev: is None. Likely cause: a None placeholder"):
        public_tests.linear_backward_test(linear_backward)


def test_extra_dict_keys_fail():
    def initialize_parameters(n_x, n_h, n_y):
        parameters = ref.initialize_parameters(n_x, n_h, n_y)
        parameters["W3"] = np.zeros((1, 1))
        return parameters
    with pytest.raises(AssertionError, match=r"unexpected key\(s\) \['W3'\]"):
        public_tests.initialize_parameters_test(initialize_parameters)


def test_exception_names_the_failing_line():
    def linear_forward(A, W, b):
        Z = np.dot(W, A.T) + b
        return Z, (A, W, b)
    with pytest.raises(AssertionError, match=r"raised ValueError: .*\(at `Z = np.dot\(W, A.T\) \+ b`\)"):
        public_tests.linear_forward_test(linear_forward)


def test_mutating_dA_in_relu_branch_is_detected():
    def linear_activation_backward(dA, cache, activation):
        linear_cache, Z = cache
        if activation == "relu":
            dA[Z <= 0] = 0
            dZ = dA
        else:
            dZ = sigmoid_backward(dA, Z)
        return ref.linear_backward(dZ, linear_cache)
    from dnn_utils import sigmoid_backward
    with pytest.raises(AssertionError, match="modified its argument dA in place"):
        public_tests.linear_activation_backward_test(linear_activation_backward)


def test_public_test_rejects_non_callable():
    with pytest.raises(AssertionError, match="expects the function linear_forward"):
        public_tests.linear_forward_test(None)
