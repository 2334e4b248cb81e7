"""Fixtures for the notebooks' "run it and compare" cells.

Every fixture reseeds numpy's legacy global generator and draws its arrays in a
fixed order, so a correct implementation reproduces the expected values printed in
the notebooks (the classic course's newest release, "v4a"). Each call builds new
arrays: a function that modifies its inputs cannot spoil the next call.
"""

import numpy as np


def initialize_parameters_test_case():
    """Layer sizes ``(n_x, n_h, n_y)`` used with ``initialize_parameters``."""
    return 3, 2, 1


def initialize_parameters_deep_test_case():
    """Layer sizes ``[n_0, n_1, n_2]`` used with ``initialize_parameters_deep``."""
    return [5, 4, 3]


def linear_forward_test_case():
    """Inputs of ``linear_forward``.

    Returns
    -------
    A : (3, 2) activations of the previous layer
    W : (1, 3) weights
    b : (1, 1) bias
    """
    np.random.seed(1)
    A = np.random.randn(3, 2)
    W = np.random.randn(1, 3)
    b = np.random.randn(1, 1)
    return A, W, b


def linear_activation_forward_test_case():
    """Inputs of ``linear_activation_forward``: ``A_prev`` (3, 2), ``W`` (1, 3), ``b`` (1, 1)."""
    np.random.seed(2)
    A_prev = np.random.randn(3, 2)
    W = np.random.randn(1, 3)
    b = np.random.randn(1, 1)
    return A_prev, W, b


def L_model_forward_test_case():
    """A 2-layer network: ``X`` (4, 2) and parameters W1 (3, 4), b1 (3, 1), W2 (1, 3), b2 (1, 1)."""
    np.random.seed(1)
    X = np.random.randn(4, 2)
    W1 = np.random.randn(3, 4)
    b1 = np.random.randn(3, 1)
    W2 = np.random.randn(1, 3)
    b2 = np.random.randn(1, 1)
    parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    return X, parameters


def L_model_forward_test_case_2hidden():
    """A 3-layer network used by the notebook.

    Returns
    -------
    X : (5, 4) input, 4 examples
    parameters : dict
        W1 (4, 5), b1 (4, 1), W2 (3, 4), b2 (3, 1), W3 (1, 3), b3 (1, 1).
    """
    np.random.seed(6)
    X = np.random.randn(5, 4)
    W1 = np.random.randn(4, 5)
    b1 = np.random.randn(4, 1)
    W2 = np.random.randn(3, 4)
    b2 = np.random.randn(3, 1)
    W3 = np.random.randn(1, 3)
    b3 = np.random.randn(1, 1)
    parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "W3": W3, "b3": b3}
    return X, parameters


def compute_cost_test_case():
    """Labels ``Y`` (1, 3) and predictions ``AL`` (1, 3); one label is 0."""
    Y = np.asarray([[1, 1, 0]])
    AL = np.array([[.8, .9, 0.4]])
    return Y, AL


def linear_backward_test_case():
    """Inputs of ``linear_backward``.

    Returns
    -------
    dZ : (3, 4) gradient of the cost with respect to Z
    linear_cache : tuple
        ``(A_prev (5, 4), W (3, 5), b (3, 1))``.
    """
    np.random.seed(1)
    dZ = np.random.randn(3, 4)
    A = np.random.randn(5, 4)
    W = np.random.randn(3, 5)
    b = np.random.randn(3, 1)
    linear_cache = (A, W, b)
    return dZ, linear_cache


def linear_activation_backward_test_case():
    """Inputs of ``linear_activation_backward``.

    Returns
    -------
    dA : (1, 2)
    linear_activation_cache : tuple
        ``((A_prev (3, 2), W (1, 3), b (1, 1)), Z (1, 2))``.
    """
    np.random.seed(2)
    dA = np.random.randn(1, 2)
    A = np.random.randn(3, 2)
    W = np.random.randn(1, 3)
    b = np.random.randn(1, 1)
    Z = np.random.randn(1, 2)
    linear_cache = (A, W, b)
    activation_cache = Z
    linear_activation_cache = (linear_cache, activation_cache)
    return dA, linear_activation_cache


def L_model_backward_test_case():
    """Inputs of ``L_model_backward`` for a 2-layer network.

    ``AL`` is drawn from a normal law, so it is not a probability; the formulas do
    not care, and the expected values depend on it.

    Returns
    -------
    AL : (1, 2)
    Y : (1, 2) labels ``[[1, 0]]``
    caches : tuple of 2 layer caches ``((A_prev, W, b), Z)``
        layer 1: A_prev (4, 2), W (3, 4), b (3, 1), Z (3, 2);
        layer 2: A_prev (3, 2), W (1, 3), b (1, 1), Z (1, 2).
    """
    np.random.seed(3)
    AL = np.random.randn(1, 2)
    Y = np.array([[1, 0]])

    A1 = np.random.randn(4, 2)
    W1 = np.random.randn(3, 4)
    b1 = np.random.randn(3, 1)
    Z1 = np.random.randn(3, 2)
    linear_cache_activation_1 = ((A1, W1, b1), Z1)

    A2 = np.random.randn(3, 2)
    W2 = np.random.randn(1, 3)
    b2 = np.random.randn(1, 1)
    Z2 = np.random.randn(1, 2)
    linear_cache_activation_2 = ((A2, W2, b2), Z2)

    caches = (linear_cache_activation_1, linear_cache_activation_2)
    return AL, Y, caches


def update_parameters_test_case():
    """Parameters and gradients of a 2-layer network (W1 (3, 4), b1 (3, 1), W2 (1, 3), b2 (1, 1))."""
    np.random.seed(2)
    W1 = np.random.randn(3, 4)
    b1 = np.random.randn(3, 1)
    W2 = np.random.randn(1, 3)
    b2 = np.random.randn(1, 1)
    parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    np.random.seed(3)
    dW1 = np.random.randn(3, 4)
    db1 = np.random.randn(3, 1)
    dW2 = np.random.randn(1, 3)
    db2 = np.random.randn(1, 1)
    grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
    return parameters, grads


def two_layer_model_test_case():
    """Small training problem for ``two_layer_model``.

    Returns
    -------
    X : (10, 10) inputs; Y : (1, 10) real-valued targets (as in the classic test);
    layers_dims : (10, 4, 1)
    """
    np.random.seed(1)
    X = np.random.randn(10, 10)
    Y = np.random.randn(1, 10)
    return X, Y, (10, 4, 1)


def L_layer_model_test_case():
    """Small training problem for ``L_layer_model``.

    Returns
    -------
    X : (10, 10) inputs; Y : (1, 10) labels in {0, 1}; layers_dims : [10, 5, 6, 1]
    """
    np.random.seed(1)
    X = np.random.randn(10, 10)
    Y = np.array([[1, 1, 1, 1, 0, 0, 0, 1, 1, 0]])
    return X, Y, [10, 5, 6, 1]


def print_grads(grads):
    """Print the three gradients the notebook compares with its expected output."""
    print("dW1 = " + str(grads["dW1"]))
    print("db1 = " + str(grads["db1"]))
    print("dA1 = " + str(grads["dA1"]))


def L_model_backward_test_case_3layers():
    """Inputs of ``L_model_backward`` for a 3-layer network (2 hidden ReLU layers).

    The caches come from a real forward pass of :func:`L_model_forward_test_case_2hidden`,
    so a loop that reads the wrong ``dA`` key or the wrong cache is caught, which the
    2-layer fixture cannot do.

    Returns
    -------
    AL : (1, 4); Y : (1, 4) labels ``[[1, 0, 1, 0]]``
    caches : list of 3 layer caches ``((A_prev, W, b), Z)``
    """
    X, parameters = L_model_forward_test_case_2hidden()
    caches = []
    A = X
    for l in (1, 2, 3):
        W, b = parameters["W" + str(l)], parameters["b" + str(l)]
        Z = W @ A + b  # equation (1) of the notebook
        caches.append(((A, W, b), Z))
        A = np.maximum(0, Z) if l < 3 else 1 / (1 + np.exp(-Z))
    Y = np.array([[1, 0, 1, 0]])
    return A, Y, caches
