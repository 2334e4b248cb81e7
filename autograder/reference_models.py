"""Reference solutions of assignment 2 and the logistic-regression baseline.

Instructor-side only: these are the answers to the graded functions
``two_layer_model`` and ``L_layer_model``. They are built from the helpers in
``utils/dnn_app_utils.py`` exactly as the notebook asks students to build them.

Printing policy (documented in the notebook): with ``print_cost=True`` the cost
is printed every 100 iterations and once more after the last iteration; with
``print_cost=False`` nothing is printed. ``costs`` records the cost (a 0-d
array) at iterations 0, 100, 200, ..., so 2500 iterations give 25 entries.
"""

import numpy as np

from coursekit.dnn_app_utils import (
    L_model_backward,
    L_model_forward,
    compute_cost,
    initialize_parameters,
    initialize_parameters_deep,
    linear_activation_backward,
    linear_activation_forward,
    update_parameters,
)


def step_by_step_initialize_parameters_deep(layer_dims):
    """Assignment 1's variant: ``np.random.seed(3)``, weights ``randn * 0.01``, zero biases.

    Parameters
    ----------
    layer_dims : sequence of int, ``[n_0, ..., n_L]``

    Returns
    -------
    parameters : dict with W{l} (n_l, n_{l-1}) and b{l} (n_l, 1)
    """
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def _report(i, num_iterations, cost, costs, print_cost):
    if i % 100 == 0:
        costs.append(cost)
    if print_cost and (i % 100 == 0 or i == num_iterations - 1):
        print(f"Cost after iteration {i}: {np.squeeze(cost)}")


def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    """Train ``LINEAR -> RELU -> LINEAR -> SIGMOID`` by gradient descent.

    Parameters
    ----------
    X : (n_x, m) inputs; Y : (1, m) labels
    layers_dims : (n_x, n_h, n_y)
    learning_rate : float; num_iterations : int; print_cost : bool

    Returns
    -------
    parameters : dict with W1 (n_h, n_x), b1 (n_h, 1), W2 (n_y, n_h), b2 (n_y, 1)
    costs : list of 0-d arrays, the cost at iterations 0, 100, 200, ...
    """
    np.random.seed(1)
    costs = []
    n_x, n_h, n_y = layers_dims
    parameters = initialize_parameters(n_x, n_h, n_y)
    for i in range(num_iterations):
        W1, b1, W2, b2 = (parameters[k] for k in ("W1", "b1", "W2", "b2"))
        A1, cache1 = linear_activation_forward(X, W1, b1, "relu")
        A2, cache2 = linear_activation_forward(A1, W2, b2, "sigmoid")
        cost = compute_cost(A2, Y)
        dA2 = -(np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))
        dA1, dW2, db2 = linear_activation_backward(dA2, cache2, "sigmoid")
        _, dW1, db1 = linear_activation_backward(dA1, cache1, "relu")
        grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
        parameters = update_parameters(parameters, grads, learning_rate)
        _report(i, num_iterations, cost, costs, print_cost)
    return parameters, costs


def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    """Train ``[LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID`` by gradient descent.

    Parameters
    ----------
    X : (n_x, m) inputs; Y : (1, m) labels
    layers_dims : list ``[n_x, n_1, ..., n_L]``
    learning_rate : float; num_iterations : int; print_cost : bool

    Returns
    -------
    parameters : dict with W{l} (n_l, n_{l-1}) and b{l} (n_l, 1)
    costs : list of 0-d arrays, the cost at iterations 0, 100, 200, ...
    """
    np.random.seed(1)
    costs = []
    parameters = initialize_parameters_deep(layers_dims)
    for i in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
        _report(i, num_iterations, cost, costs, print_cost)
    return parameters, costs


def logistic_regression(X, Y, learning_rate=0.005, num_iterations=2000):
    """The course's week-2 baseline: zero-initialised logistic regression.

    Parameters
    ----------
    X : (n_x, m); Y : (1, m)

    Returns
    -------
    w : (n_x, 1); b : float
    """
    m = X.shape[1]
    w = np.zeros((X.shape[0], 1))
    b = 0.0
    for _ in range(num_iterations):
        A = 1.0 / (1.0 + np.exp(-(w.T @ X + b)))
        dZ = A - Y
        w = w - learning_rate * (X @ dZ.T) / m
        b = b - learning_rate * float(np.sum(dZ)) / m
    return w, b


def logistic_regression_accuracy(w, b, X, Y):
    """Fraction of examples of ``X`` (n_x, m) that ``(w, b)`` labels as ``Y`` (1, m)."""
    p = (w.T @ X + b) > 0
    return float(np.mean(p == Y))


def flatten_images(x_orig):
    """(m, 64, 64, 3) uint8 images to (12288, m) floats in [0, 1], as in the notebook."""
    return x_orig.reshape(x_orig.shape[0], -1).T / 255.0


def reference_functions():
    """Graded function name -> reference solution, for both assignments."""
    from coursekit import dnn_app_utils as ref

    functions = {name: getattr(ref, name) for name in (
        "initialize_parameters", "linear_forward", "linear_activation_forward", "L_model_forward", "compute_cost",
        "linear_backward", "linear_activation_backward", "L_model_backward", "update_parameters")}
    functions["initialize_parameters_deep"] = step_by_step_initialize_parameters_deep
    functions["two_layer_model"] = two_layer_model
    functions["L_layer_model"] = L_layer_model
    return functions
