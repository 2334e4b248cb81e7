"""Numerical gradients by central differences: the one gradient check of the course.

A backward pass is right when it agrees with the slope of the cost measured directly,
``(f(x + h) - f(x - h)) / 2h`` entry by entry (in the spirit of CS231n's
``gradient_check.py``). The hidden tests use it to check a student's ``L_model_backward``
and the test suite uses it to check the answer key, so both check gradients the same way,
with the same step and tolerances.

Central differences are only right where the cost is smooth over ``[x - h, x + h]``. A ReLU
input within about ``h |x|`` of 0 puts a kink inside that interval and the numerical slope is
then wrong, not the backward pass: :func:`clear_of_kinks` tells whether inputs are safe to
check (a randomly drawn network sits on a kink about once in 10,000 draws).
"""

import numpy as np

H = 1e-6     # step of the central differences
RTOL = 1e-4  # a central difference with H = 1e-6 is good to about 1e-8 absolute, 1e-6 relative
ATOL = 1e-7
KINK_MARGIN = 100 * H  # no ReLU input this close to 0: a step moves one by a few H at most


def numerical_gradient(f, x, h=H):
    """The gradient of the scalar ``f()`` with respect to the array ``x``, by central differences.

    Parameters
    ----------
    f : callable with no arguments returning a number; it must read ``x`` (a closure over it,
        or over a dict or list that holds it)
    x : numpy.ndarray of floats, perturbed in place one entry at a time and restored
    h : float, the step

    Returns
    -------
    grad : numpy.ndarray of the shape of ``x``
    """
    grad = np.zeros(x.shape, dtype=float)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + h
        plus = float(f())
        x[index] = saved - h
        minus = float(f())
        x[index] = saved
        grad[index] = (plus - minus) / (2 * h)
    return grad


def clear_of_kinks(relu_inputs, margin=KINK_MARGIN):
    """True when every array of ``relu_inputs`` (the Z of each ReLU layer) keeps ``margin`` away from 0,
    so that no step of :func:`numerical_gradient` crosses the ReLU's kink."""
    return all(np.abs(np.asarray(Z, dtype=float)).min(initial=np.inf) > margin for Z in relu_inputs)


def agrees(analytic, numeric, rtol=RTOL, atol=ATOL):
    """True when ``analytic`` is an array of the shape of ``numeric`` and close to it."""
    return (isinstance(analytic, np.ndarray) and analytic.shape == numeric.shape
            and np.allclose(analytic, numeric, rtol=rtol, atol=atol))


def relative_error(a, b):
    """Largest ``|a - b| / max(|a| + |b|, 1e-8)`` over the entries: about 1e-7 or less when they agree."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)))
