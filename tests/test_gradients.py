"""Central-difference checks of the reference backward pass on random depths and shapes.

The cost J(W1..WL, b1..bL) of a random network is differentiated numerically and
compared with ``L_model_backward``. Inputs of the ReLU are kept away from 0, where
the derivative jumps, by redrawing any case whose pre-activations come too close.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import dnn_app_utils as ref


def cost_of(parameters, X, Y):
    AL, _ = ref.L_model_forward(X, parameters)
    return float(ref.compute_cost(AL, Y))


def numerical_gradient(parameters, key, X, Y, h=1e-6):
    grad = np.zeros_like(parameters[key])
    for index in np.ndindex(grad.shape):
        saved = parameters[key][index]
        parameters[key][index] = saved + h
        plus = cost_of(parameters, X, Y)
        parameters[key][index] = saved - h
        minus = cost_of(parameters, X, Y)
        parameters[key][index] = saved
        grad[index] = (plus - minus) / (2 * h)
    return grad


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
    AL, caches = ref.L_model_forward(X, parameters)
    assume(all(np.abs(cache[1]).min() > 1e-3 for cache in caches[:-1]))
    assume(0.01 < AL.min() and AL.max() < 0.99)
    grads = ref.L_model_backward(AL, Y, caches)
    L = len(caches)
    assert sorted(grads) == sorted([f"dA{l}" for l in range(L)] + [f"d{p}{l}" for l in range(1, L + 1) for p in "Wb"])
    for key in parameters:
        np.testing.assert_allclose(grads["d" + key], numerical_gradient(parameters, key, X, Y),
                                   rtol=1e-4, atol=1e-7, err_msg=f"d{key} with sizes {sizes}, m={m}")
    # dA0 is the gradient of m * J with respect to X (the cost averages over examples).
    h = 1e-6
    numeric_dX = np.zeros_like(X)
    for index in np.ndindex(X.shape):
        Xp, Xm = X.copy(), X.copy()
        Xp[index] += h
        Xm[index] -= h
        numeric_dX[index] = m * (cost_of(parameters, Xp, Y) - cost_of(parameters, Xm, Y)) / (2 * h)
    np.testing.assert_allclose(grads["dA0"], numeric_dX, rtol=1e-4, atol=1e-7)


@pytest.mark.linear_backward
@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 6), st.integers(0, 2**31 - 1))
def test_linear_backward_is_the_derivative_of_linear_forward(n_prev, n, m, seed):
    rng = np.random.default_rng(seed)
    A, W, b = rng.normal(size=(n_prev, m)), rng.normal(size=(n, n_prev)), rng.normal(size=(n, 1))
    dZ = rng.normal(size=(n, m))
    dA_prev, dW, db = ref.linear_backward(dZ, (A, W, b))
    assert dA_prev.shape == A.shape and dW.shape == W.shape and db.shape == b.shape
    # For the scalar s = sum(dZ * Z) / m, the gradients are dW, db and dA_prev / m.
    def s(A_, W_, b_):
        return float(np.sum(dZ * ref.linear_forward(A_, W_, b_)[0])) / m
    h = 1e-6
    for array, grad, scale in ((W, dW, 1), (b, db, 1), (A, dA_prev, 1 / m)):
        for index in np.ndindex(array.shape):
            saved = array[index]
            array[index] = saved + h
            plus = s(A, W, b)
            array[index] = saved - h
            minus = s(A, W, b)
            array[index] = saved
            assert np.isclose((plus - minus) / (2 * h), grad[index] * scale, rtol=1e-5, atol=1e-8)
