"""Helpers for assignment 2 ("Deep Neural Network for Image Classification").

This module holds working versions of every function students write in
assignment 1, so it is released with assignment 2 only. One function differs on
purpose: :func:`initialize_parameters_deep` here is the application's variant
(seed 1, weights scaled by ``1 / sqrt(n_prev)``), which lets a 4-layer network
learn; assignment 1's variant (seed 3, ``* 0.01``) barely moves on image data.

Shapes use the course notation: ``n_l`` units in layer ``l`` and ``m`` examples,
one example per column.
"""

import matplotlib.pyplot as plt
import numpy as np

if __package__:  # the installed course package (grader, tools, tests)
    from .catvnoncat_data import load_data  # noqa: F401 (re-exported to the notebook)
    from .dnn_utils import relu, relu_backward, sigmoid, sigmoid_backward
else:  # by flat name, from a student's assignment folder
    from catvnoncat_data import load_data  # noqa: F401 (re-exported to the notebook)
    from dnn_utils import relu, relu_backward, sigmoid, sigmoid_backward


def initialize_parameters(n_x, n_h, n_y):
    """Small random weights and zero biases for a 2-layer network.

    Parameters
    ----------
    n_x, n_h, n_y : int
        Sizes of the input, hidden and output layers.

    Returns
    -------
    parameters : dict
        ``W1`` (n_h, n_x), ``b1`` (n_h, 1), ``W2`` (n_y, n_h), ``b2`` (n_y, 1).
    """
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def initialize_parameters_deep(layer_dims):
    """Random weights scaled by ``1/sqrt(n_{l-1})`` and zero biases for an L-layer network.

    Parameters
    ----------
    layer_dims : sequence of int
        ``[n_0, n_1, ..., n_L]``, the input size first.

    Returns
    -------
    parameters : dict
        ``W{l}`` (n_l, n_{l-1}) and ``b{l}`` (n_l, 1) for ``l = 1..L``.
    """
    np.random.seed(1)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) / np.sqrt(layer_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def linear_forward(A, W, b):
    """Linear part of a layer: ``Z = W A + b``.

    Parameters
    ----------
    A : (n_{l-1}, m) activations of the previous layer
    W : (n_l, n_{l-1}) weights
    b : (n_l, 1) bias

    Returns
    -------
    Z : (n_l, m) pre-activation
    cache : tuple ``(A, W, b)`` for the backward pass
    """
    Z = np.dot(W, A) + b
    return Z, (A, W, b)


def linear_activation_forward(A_prev, W, b, activation):
    """One layer forward: linear part then ``"sigmoid"`` or ``"relu"``.

    Parameters
    ----------
    A_prev : (n_{l-1}, m); W : (n_l, n_{l-1}); b : (n_l, 1)
    activation : str, ``"sigmoid"`` or ``"relu"``

    Returns
    -------
    A : (n_l, m) activation
    cache : tuple ``((A_prev, W, b), Z)``
    """
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A, activation_cache = sigmoid(Z)
    elif activation == "relu":
        A, activation_cache = relu(Z)
    else:
        raise ValueError(f"activation must be 'sigmoid' or 'relu', got {activation!r}")
    return A, (linear_cache, activation_cache)


def L_model_forward(X, parameters):
    """Forward pass of ``[LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID``.

    Parameters
    ----------
    X : (n_0, m) input
    parameters : dict with ``W1..WL`` and ``b1..bL``

    Returns
    -------
    AL : (n_L, m) output probabilities
    caches : list of L layer caches, index ``l - 1`` for layer ``l``
    """
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def compute_cost(AL, Y):
    """Cross-entropy cost.

    Parameters
    ----------
    AL : (1, m) predicted probabilities
    Y : (1, m) labels

    Returns
    -------
    cost : 0-d numpy.ndarray
        ``-(1/m) * sum(Y log AL + (1 - Y) log(1 - AL))``.
    """
    m = Y.shape[1]
    cost = (1.0 / m) * (-np.dot(Y, np.log(AL).T) - np.dot(1 - Y, np.log(1 - AL).T))
    return np.squeeze(cost)


def linear_backward(dZ, cache):
    """Backward pass of the linear part of one layer.

    Parameters
    ----------
    dZ : (n_l, m) gradient with respect to Z
    cache : tuple ``(A_prev (n_{l-1}, m), W (n_l, n_{l-1}), b (n_l, 1))``

    Returns
    -------
    dA_prev : (n_{l-1}, m); dW : (n_l, n_{l-1}); db : (n_l, 1)
    """
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = (1.0 / m) * np.dot(dZ, A_prev.T)
    db = (1.0 / m) * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation):
    """Backward pass of one layer (activation then linear part).

    Parameters
    ----------
    dA : (n_l, m) gradient with respect to the layer's activation
    cache : tuple ``((A_prev, W, b), Z)`` from :func:`linear_activation_forward`
    activation : str, ``"sigmoid"`` or ``"relu"``

    Returns
    -------
    dA_prev : (n_{l-1}, m); dW : (n_l, n_{l-1}); db : (n_l, 1)
    """
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)
    else:
        raise ValueError(f"activation must be 'sigmoid' or 'relu', got {activation!r}")
    return linear_backward(dZ, linear_cache)


def L_model_backward(AL, Y, caches):
    """Backward pass of ``[LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID``.

    Parameters
    ----------
    AL : (1, m) output of :func:`L_model_forward`
    Y : (1, m) labels
    caches : sequence of L layer caches from :func:`L_model_forward`

    Returns
    -------
    grads : dict
        ``dA{l}`` (gradient with respect to ``A[l]``) for ``l = 0..L-1``, and
        ``dW{l}``, ``db{l}`` for ``l = 1..L``.
    """
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))

    dA_prev, dW, db = linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    grads["dA" + str(L - 1)] = dA_prev
    grads["dW" + str(L)] = dW
    grads["db" + str(L)] = db
    for l in reversed(range(L - 1)):
        dA_prev, dW, db = linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
        grads["dA" + str(l)] = dA_prev
        grads["dW" + str(l + 1)] = dW
        grads["db" + str(l + 1)] = db
    return grads


def update_parameters(params, grads, learning_rate):
    """One step of gradient descent; ``params`` is left unchanged.

    Parameters
    ----------
    params : dict with ``W{l}``, ``b{l}``
    grads : dict with ``dW{l}``, ``db{l}`` of the same shapes
    learning_rate : float

    Returns
    -------
    parameters : dict
        New arrays ``W{l} - learning_rate * dW{l}`` and ``b{l} - learning_rate * db{l}``.
    """
    L = len(params) // 2
    parameters = {}
    for l in range(1, L + 1):
        parameters["W" + str(l)] = params["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = params["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters


def predict(X, y, parameters):
    """Predict labels with an L-layer network and print the accuracy.

    Parameters
    ----------
    X : (n_0, m) inputs
    y : (1, m) true labels
    parameters : dict of a trained network

    Returns
    -------
    p : (1, m) float array of 0/1 predictions
    accuracy : float
        Fraction of correct predictions, also printed as ``Accuracy: ...``.
    """
    m = X.shape[1]
    probas, _ = L_model_forward(X, parameters)
    p = (probas > 0.5).astype(float)
    accuracy = float(np.sum((p == y) / m))
    print("Accuracy: " + str(accuracy))
    return p, accuracy


def print_mislabeled_images(classes, X, y, p, max_images=10):
    """Show the images whose prediction differs from the label.

    Parameters
    ----------
    classes : (2,) bytes array of class names, index 0 = non-cat, 1 = cat
    X : (64*64*3, m) flattened images, values in [0, 1]
    y : (1, m) true labels; p : (1, m) predictions
    max_images : int
        At most this many images are drawn.

    Returns
    -------
    indices : numpy.ndarray of int
        Column indices of every mislabeled example.
    """
    indices = np.flatnonzero(np.asarray(p + y).ravel() == 1)
    shown = indices[:max_images]
    if len(shown) == 0:
        print("No mislabeled images.")
        return indices
    side = int(round(np.sqrt(X.shape[0] / 3)))
    fig, axes = plt.subplots(1, len(shown), figsize=(2.2 * len(shown), 2.8), squeeze=False)
    for ax, index in zip(axes[0], shown):
        ax.imshow(X[:, index].reshape(side, side, 3))
        ax.axis("off")
        predicted = classes[int(p[0, index])].decode("utf-8")
        actual = classes[int(y[0, index])].decode("utf-8")
        ax.set_title(f"#{index}\npredicted: {predicted}\nlabel: {actual}", fontsize=8)
    fig.tight_layout()
    plt.show()
    return indices


def plot_costs(costs, learning_rate=0.0075):
    """Plot the costs recorded every 100 iterations.

    Parameters
    ----------
    costs : list of 0-d arrays or floats
    learning_rate : float, shown in the title
    """
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(np.arange(len(costs)) * 100, np.squeeze(np.asarray(costs, dtype=float)))
    ax.set_xlabel("iteration")
    ax.set_ylabel("cost")
    ax.set_title(f"Learning rate = {learning_rate}")
    fig.tight_layout()
    plt.show()
