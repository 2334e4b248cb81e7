"""The provided activations: classic values, numerical safety, derivatives."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from autograder import gradient_check
from coursekit.dnn_utils import relu, relu_backward, sigmoid, sigmoid_backward

finite = st.floats(-50, 50, allow_nan=False, allow_infinity=False)


@given(arrays(np.float64, array_shapes(min_dims=1, max_dims=3, max_side=6), elements=finite))
def test_sigmoid_matches_classic_formula(Z):
    A, cache = sigmoid(Z)
    np.testing.assert_allclose(A, 1 / (1 + np.exp(-Z)), rtol=1e-12, atol=1e-15)
    assert cache is Z


def test_sigmoid_is_safe_for_extreme_inputs():
    Z = np.array([[-1e4, -800.0, -40.0, 0.0, 40.0, 800.0, 1e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        A, _ = sigmoid(Z)
    assert np.all(np.isfinite(A))
    assert A[0, 0] == 0.0 and A[0, -1] == 1.0 and A[0, 3] == 0.5
    assert 0 < A[0, 2] < 1e-17


def test_relu_and_backward():
    Z = np.array([[-2.0, 0.0, 3.0]])
    A, cache = relu(Z)
    np.testing.assert_array_equal(A, [[0.0, 0.0, 3.0]])
    assert cache is Z
    dA = np.array([[5.0, 6.0, 7.0]])
    dZ = relu_backward(dA, Z)
    np.testing.assert_array_equal(dZ, [[0.0, 0.0, 7.0]])
    np.testing.assert_array_equal(dA, [[5.0, 6.0, 7.0]]), "relu_backward must not modify dA"


@settings(max_examples=40)
@given(arrays(np.float64, (3, 4), elements=st.floats(-6, 6)), arrays(np.float64, (3, 4), elements=st.floats(-2, 2)))
def test_backward_functions_match_central_differences(Z, dA):
    # dZ is the gradient of sum(dA * g(Z)) with respect to Z: the course's one gradient check measures it.
    Z = Z.copy()
    numeric_sigmoid = gradient_check.numerical_gradient(lambda: np.sum(dA * sigmoid(Z)[0]), Z)
    np.testing.assert_allclose(sigmoid_backward(dA, Z), numeric_sigmoid, rtol=1e-5, atol=1e-8)
    away_from_kink = np.abs(Z) > 10 * gradient_check.H
    numeric_relu = gradient_check.numerical_gradient(lambda: np.sum(dA * relu(Z)[0]), Z)
    np.testing.assert_allclose(relu_backward(dA, Z)[away_from_kink], numeric_relu[away_from_kink], atol=1e-8)


@pytest.mark.parametrize("Z", [np.array([[1, -2, 3]]), [[0.5, -0.5]]])
def test_sigmoid_accepts_integer_arrays_and_lists(Z):
    A, _ = sigmoid(Z)
    np.testing.assert_allclose(A, 1 / (1 + np.exp(-np.asarray(Z, dtype=float))))
