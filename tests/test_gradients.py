"""Central-difference checks of the answer key's backward pass on random depths and shapes.

The cost J(W1..WL, b1..bL) of a random network is differentiated numerically with
:mod:`autograder.gradient_check` (the helper the hidden tests use too) and compared with
``L_model_backward``. Inputs of the ReLU are kept away from 0, where the derivative jumps,
by redrawing any case whose pre-activations come too close.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from autograder import gradient_check
from autograder.reference_models import reference_functions

REF = reference_functions()


def cost_of(parameters, X, Y):
    AL, _ = REF["L_model_forward"](X, parameters)
    return float(REF["compute_cost"](AL, Y))


@st.composite
def networks(draw):
    depth = draw(st.integers(1, 5))
    sizes = [draw(st.integers(1, 6)) for _ in range(depth)] + [1]
    m = draw(st.integers(1, 5))
    seed = draw(st.integers(0, 2**31 - 1))
    return sizes, m, seed


@pytest.mark.L_model_backward
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(networks())
def test_L_model_backward_matches_central_differences(network):
    sizes, m, seed = network
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(sizes[0], m))
    Y = rng.integers(0, 2, size=(1, m))
    parameters = {}
    for l in range(1, len(sizes)):
        parameters[f"W{l}"] = rng.normal(size=(sizes[l], sizes[l - 1]))
        parameters[f"b{l}"] = rng.normal(size=(sizes[l], 1))
    AL, caches = REF["L_model_forward"](X, parameters)
    assume(gradient_check.clear_of_kinks((cache[1] for cache in caches[:-1]), margin=1e-3))  # larger weights
    assume(0.01 < AL.min() and AL.max() < 0.99)
    grads = REF["L_model_backward"](AL, Y, caches)
    L = len(caches)
    assert sorted(grads) == sorted([f"dA{l}" for l in range(L)] + [f"d{p}{l}" for l in range(1, L + 1) for p in "Wb"])

    def cost():
        return cost_of(parameters, X, Y)

    for key in parameters:
        np.testing.assert_allclose(grads["d" + key], gradient_check.numerical_gradient(cost, parameters[key]),
                                   rtol=gradient_check.RTOL, atol=gradient_check.ATOL,
                                   err_msg=f"d{key} with sizes {sizes}, m={m}")
    # dA0 is the gradient of m * J with respect to X (the cost averages over examples).
    np.testing.assert_allclose(grads["dA0"], m * gradient_check.numerical_gradient(cost, X),
                               rtol=gradient_check.RTOL, atol=gradient_check.ATOL)


@pytest.mark.linear_backward
@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 6), st.integers(0, 2**31 - 1))
def test_linear_backward_is_the_derivative_of_linear_forward(n_prev, n, m, seed):
    rng = np.random.default_rng(seed)
    A, W, b = rng.normal(size=(n_prev, m)), rng.normal(size=(n, n_prev)), rng.normal(size=(n, 1))
    dZ = rng.normal(size=(n, m))
    dA_prev, dW, db = REF["linear_backward"](dZ, (A, W, b))
    assert dA_prev.shape == A.shape and dW.shape == W.shape and db.shape == b.shape

    # For the scalar s = sum(dZ * Z) / m, the gradients are dW, db and dA_prev / m.
    def s():
        return float(np.sum(dZ * REF["linear_forward"](A, W, b)[0])) / m

    for array, grad, scale in ((W, dW, 1), (b, db, 1), (A, dA_prev, 1 / m)):
        np.testing.assert_allclose(gradient_check.numerical_gradient(s, array), grad * scale, rtol=1e-5, atol=1e-8)


def test_numerical_gradient_of_a_known_function_and_the_input_is_restored():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = x.copy()
    numeric = gradient_check.numerical_gradient(lambda: np.sum(x ** 3), x)
    np.testing.assert_allclose(numeric, 3 * before ** 2, rtol=1e-6)
    assert np.array_equal(x, before)


def test_a_step_across_a_relu_kink_gives_a_wrong_slope_and_clear_of_kinks_says_so():
    Z = np.array([[0.3 * gradient_check.H, 1.0]])  # the first input is a third of a step from the kink

    def relu_sum():
        return float(np.sum(np.maximum(Z, 0)))

    true_slope = np.ones_like(Z)
    assert not np.allclose(gradient_check.numerical_gradient(relu_sum, Z), true_slope)  # 0.65, not 1
    assert not gradient_check.clear_of_kinks([np.array([[2.0]]), Z])
    Z[0, 0] = 2 * gradient_check.KINK_MARGIN
    assert gradient_check.clear_of_kinks([np.array([[2.0]]), Z])
    np.testing.assert_allclose(gradient_check.numerical_gradient(relu_sum, Z), true_slope, rtol=1e-6)


def test_agreement_needs_an_array_of_the_right_shape_and_values():
    numeric = np.array([[1.0, 2.0]])
    assert gradient_check.agrees(numeric * (1 + 1e-6), numeric)
    assert not gradient_check.agrees(numeric * 1.01, numeric)
    assert not gradient_check.agrees(numeric.T, numeric)
    assert not gradient_check.agrees(None, numeric)
    assert gradient_check.relative_error(numeric, numeric) == 0
    assert gradient_check.relative_error(numeric * 1.01, numeric) > 1e-3
