"""Activation functions and their derivatives, provided to students.

Every forward function returns ``(A, cache)`` where ``cache`` is the input ``Z``,
and every backward function takes ``(dA, cache)`` and returns ``dZ``. This is the
convention of the classic course (``activation_cache = Z``).
"""

import numpy as np


def sigmoid(Z):
    """Logistic sigmoid, computed without overflow.

    Parameters
    ----------
    Z : numpy.ndarray, any shape
        Pre-activation values.

    Returns
    -------
    A : numpy.ndarray, same shape as ``Z``
        ``1 / (1 + exp(-Z))``, each entry in ``[0, 1]``.
    cache : numpy.ndarray
        ``Z`` itself, kept for the backward pass.
    """
    Z_arr = np.asarray(Z, dtype=float)
    # exp(-Z) overflows for very negative Z; exp(Z) / (1 + exp(Z)) is the same number there.
    E = np.exp(-np.abs(Z_arr))
    A = np.where(Z_arr >= 0, 1.0 / (1.0 + E), E / (1.0 + E))
    return A, Z


def relu(Z):
    """Rectified linear unit.

    Parameters
    ----------
    Z : numpy.ndarray, any shape
        Pre-activation values.

    Returns
    -------
    A : numpy.ndarray, same shape as ``Z``
        ``max(0, Z)`` element-wise.
    cache : numpy.ndarray
        ``Z`` itself, kept for the backward pass.
    """
    A = np.maximum(0, Z)
    return A, Z


def relu_backward(dA, cache):
    """Gradient of the cost with respect to Z for a ReLU unit.

    Parameters
    ----------
    dA : numpy.ndarray, shape (n, m)
        Gradient of the cost with respect to the activation ``A``.
    cache : numpy.ndarray, shape (n, m)
        The ``Z`` stored by :func:`relu`.

    Returns
    -------
    dZ : numpy.ndarray, shape (n, m)
        ``dA`` where ``Z > 0``, zero elsewhere. ``dA`` is not modified.
    """
    Z = cache
    dZ = np.array(dA, dtype=float, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def sigmoid_backward(dA, cache):
    """Gradient of the cost with respect to Z for a sigmoid unit.

    Parameters
    ----------
    dA : numpy.ndarray, shape (n, m)
        Gradient of the cost with respect to the activation ``A``.
    cache : numpy.ndarray, shape (n, m)
        The ``Z`` stored by :func:`sigmoid`.

    Returns
    -------
    dZ : numpy.ndarray, shape (n, m)
        ``dA * s * (1 - s)`` with ``s = sigmoid(Z)``.
    """
    s, _ = sigmoid(cache)
    return dA * s * (1 - s)
