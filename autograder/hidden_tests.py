"""Hidden tests: run by the autograder only, on inputs that are each student's own.

Each ``<function>_hidden(target)`` checks the student's function on other shapes, other
depths (1 to 5 layers) and other learning rates than the public tests, against the reference
solution (the answer key, :mod:`autograder.reference_models`), with the public tests'
:class:`coursekit.public_tests.Checker`, plus properties: inputs left untouched and, for the
backward pass, agreement with central differences (:mod:`autograder.gradient_check`).

Grades stay fair and private:

* the kind of every case (its shapes' roles, depth, activation, learning rate) is fixed, so
  the same mistake costs every student the same cases; the numbers in it are drawn from a
  generator keyed with HMAC-SHA256 of the course's secret, the assignment and the student
  (:func:`inputs_for`, :mod:`autograder.course_secret`), so they differ from student to
  student, stay the same at every re-grade, and cannot be guessed;
* messages and case results say which case failed and why (its kind, the shape, which
  entries, which property), never the reference's numbers (``Checker(reveal=False)``), so
  feedback cannot be turned into a table of answers.

Outside :func:`inputs_for` (the test suite, the demo) a fixed development key is used.
The notebooks reach this module from a ``### BEGIN HIDDEN TESTS`` block, which nbgrader
strips from the student version.
"""

import contextlib
import contextvars
import copy
import hashlib
import hmac
import json

import numpy as np

from autograder import course_secret, gradient_check
from autograder.reference_models import reference_functions
from coursekit import public_tests


class _AnswerKey:
    """``REF[name]``: the answer key's function, read when a test runs (never a stale copy)."""

    def __getitem__(self, name):
        return reference_functions()[name]


REF = _AnswerKey()

# How each function's result is named in messages.
OUTPUT_NAMES = {
    "initialize_parameters": "parameters", "initialize_parameters_deep": "parameters",
    "linear_forward": ("Z", "cache"), "linear_activation_forward": ("A", "cache"),
    "L_model_forward": ("AL", "caches"), "compute_cost": "cost",
    "linear_backward": ("dA_prev", "dW", "db"), "linear_activation_backward": ("dA_prev", "dW", "db"),
    "L_model_backward": "grads", "update_parameters": "parameters",
    "two_layer_model": ("parameters", "costs"), "L_layer_model": ("parameters", "costs"),
}

# ----------------------------------------------------------------------------------------------
# Each student's inputs
# ----------------------------------------------------------------------------------------------

DEVELOPMENT_SECRET = b"course development and tests: not a grading secret"
_KEY = contextvars.ContextVar("hidden_inputs_key", default=None)


def student_key(secret, assignment, student):
    """HMAC-SHA256 of ``(assignment, student)`` under the course's ``secret`` (bytes or str)."""
    secret = secret.encode() if isinstance(secret, str) else bytes(secret)
    message = json.dumps(["hidden inputs", str(assignment), str(student)]).encode()
    return hmac.new(secret, message, hashlib.sha256).digest()


@contextlib.contextmanager
def inputs_for(secret, assignment, student):
    """While the block runs, hidden tests draw the inputs of ``student`` for ``assignment``."""
    token = _KEY.set(student_key(secret, assignment, student))
    try:
        yield
    finally:
        _KEY.reset(token)


def inputs_of(assignment, student):
    """:func:`inputs_for` ``student`` with the secret of the course that ``assignment`` belongs to.

    ``assignment`` is an :class:`autograder.assignments.Assignment`; the secret is read (or made)
    by :func:`autograder.course_secret.assignment_secret`.
    """
    return inputs_for(course_secret.assignment_secret(assignment), assignment.id, student)


def _rng(*tag):
    """The generator of one case (``tag`` names it), keyed by the current student's key."""
    key = _KEY.get() or student_key(DEVELOPMENT_SECRET, "", "")
    digest = hmac.new(key, json.dumps(tag).encode(), hashlib.sha256).digest()
    return np.random.default_rng(int.from_bytes(digest, "big"))


def _distinct(rng, count, low, high):
    """``count`` different whole numbers in ``[low, high]``, in random order."""
    return [int(v) for v in rng.choice(np.arange(low, high + 1), size=count, replace=False)]


def _labels(rng, m):
    """Labels (1, m) with both classes present (a single example is of class 1)."""
    if m == 1:
        return np.ones((1, 1), dtype=int)
    Y = rng.integers(0, 2, size=m)
    Y[:2] = (0, 1)
    return rng.permutation(Y).reshape(1, m)


def _mixed_signs(Z):
    return bool((Z > 0).any() and (Z < 0).any())


def _network(rng, sizes, m):
    """Random parameters of a network with layer sizes ``sizes`` and an input of m examples."""
    X = rng.normal(size=(sizes[0], m))
    parameters = {}
    for l in range(1, len(sizes)):
        parameters[f"W{l}"] = rng.normal(size=(sizes[l], sizes[l - 1])) / np.sqrt(sizes[l - 1])
        parameters[f"b{l}"] = rng.normal(size=(sizes[l], 1)) * 0.1
    return X, parameters


def _linear_shapes(rng, kind):
    """``(n_prev, n, m)`` of a linear layer, for one kind of case."""
    if kind == "sizes all different":
        return tuple(_distinct(rng, 3, 2, 6))
    if kind == "one input feature and one example":
        return 1, int(rng.integers(2, 5)), 1
    n = int(rng.integers(3, 7))  # a square W
    return n, n, _distinct(rng, 1, 2, n - 1)[0]


LINEAR_KINDS = ("sizes all different", "one input feature and one example", "a square W")

# ----------------------------------------------------------------------------------------------
# Running the cases
# ----------------------------------------------------------------------------------------------


def _hint(name, item, kwargs, args):
    hint = public_tests.HINTS.get(name, {}).get(item)
    if hint is None:
        return None
    layers = str(len(args[1]) // 2) if name == "L_model_forward" else "L"
    return hint.replace("{activation}", kwargs.get("activation", "the activation")).replace("{layers}", layers)


def _run(target, name, cases, arg_names, extra_check=None, extra_calls=()):
    """Compare ``target`` with the reference on every ``(label, args, kwargs)`` case.

    ``extra_check(checker)``, if given, adds property cases before the verdict; ``extra_calls``
    lists the ``(args, kwargs)`` of the calls it makes. Messages never show the reference's
    values (``reveal=False``).
    """
    checker = public_tests.Checker(target, name, reveal=False, check_helpers=False)
    if hasattr(target, "prefetch"):  # a function in the sandbox: all the calls in one request
        target.prefetch([(args, kwargs) for _, args, kwargs in cases] + list(extra_calls))
    for label, args, kwargs in cases:
        wanted = REF[name](*copy.deepcopy(args), **kwargs)
        ok, result, _ = checker.call(label, args, arg_names, kwargs, quiet=True)
        names = OUTPUT_NAMES[name]
        if not ok:
            continue
        if isinstance(names, str):
            checker.check(label, result, wanted, names, _hint(name, names, kwargs, args))
        elif checker.check_tuple(label, result, names):
            for item, wanted_item, item_name in zip(result, wanted, names, strict=True):
                checker.check(label, item, wanted_item, item_name, _hint(name, item_name, kwargs, args))
    if extra_check:
        extra_check(checker)
    checker.finish()


# ----------------------------------------------------------------------------------------------
# Assignment 1
# ----------------------------------------------------------------------------------------------

def initialize_parameters_hidden(target):
    rng = _rng("initialize_parameters")
    n_x, n_h, n_y = _distinct(rng, 3, 2, 8)
    small, large = sorted(_distinct(rng, 2, 1, 7))
    dims = ((n_x, n_h, n_y), (int(rng.integers(2, 10)), 1, 1), (small, large, int(rng.integers(2, 5))))
    kinds = ("three different sizes", "one hidden unit and one output", "more hidden units than inputs")
    cases = [(f"initialize_parameters{d}, {kind}", d, {}) for d, kind in zip(dims, kinds, strict=True)]
    _run(target, "initialize_parameters", cases, ["n_x", "n_h", "n_y"])


def initialize_parameters_deep_hidden(target):
    rng = _rng("initialize_parameters_deep")
    dims = ([int(rng.integers(2, 10)), 1],
            [int(s) for s in rng.integers(1, 10, size=6)],
            [int(s) for s in rng.integers(1, 10, size=3)],
            [12288] + [int(s) for s in rng.integers(2, 21, size=3)] + [1])
    kinds = ("1 layer", "5 layers", "2 layers", "4 layers on 64 x 64 x 3 images")
    cases = [(f"initialize_parameters_deep({d}), {kind}", (d,), {}) for d, kind in zip(dims, kinds, strict=True)]
    _run(target, "initialize_parameters_deep", cases, ["layer_dims"])


def linear_forward_hidden(target):
    cases = []
    for kind in LINEAR_KINDS:
        rng = _rng("linear_forward", kind)
        n_prev, n, m = _linear_shapes(rng, kind)
        args = (rng.normal(size=(n_prev, m)), rng.normal(size=(n, n_prev)), rng.normal(size=(n, 1)))
        cases.append((f"linear_forward with A {args[0].shape}, W {args[1].shape} ({kind})", args, {}))
    _run(target, "linear_forward", cases, ["A", "W", "b"])


def linear_activation_forward_hidden(target):
    cases = []
    for number, activation in enumerate(("relu", "sigmoid", "relu")):
        rng = _rng("linear_activation_forward", number)
        while True:
            args = (rng.normal(size=(5, 4)), rng.normal(size=(3, 5)), rng.normal(size=(3, 1)))
            if _mixed_signs(args[1] @ args[0] + args[2]):
                break
        cases.append((f"linear_activation_forward on (5, 4) inputs, activation='{activation}', case {number + 1}",
                      args, {"activation": activation}))
    _run(target, "linear_activation_forward", cases, ["A_prev", "W", "b"])


def L_model_forward_hidden(target):
    cases = []
    for depth in range(1, 6):
        rng = _rng("L_model_forward", depth)
        sizes = [int(s) for s in rng.integers(1, 6, size=depth)] + [1]
        m = int(rng.integers(1, 6))
        X, parameters = _network(rng, sizes, m)
        cases.append((f"L_model_forward on a {depth}-layer network {sizes}, {m} example(s)", (X, parameters), {}))
    _run(target, "L_model_forward", cases, ["X", "parameters"])


def compute_cost_hidden(target):
    cases = []
    for m in (1, 5, 17):
        rng = _rng("compute_cost", m)
        AL = rng.uniform(0.02, 0.98, size=(1, m))
        kind = "one example of class 1" if m == 1 else "both classes"
        cases.append((f"compute_cost with m = {m} ({kind})", (AL, _labels(rng, m)), {}))
    _run(target, "compute_cost", cases, ["AL", "Y"])


def linear_backward_hidden(target):
    cases = []
    for kind in LINEAR_KINDS:
        rng = _rng("linear_backward", kind)
        n_prev, n, m = _linear_shapes(rng, kind)
        cache = (rng.normal(size=(n_prev, m)), rng.normal(size=(n, n_prev)), rng.normal(size=(n, 1)))
        cases.append((f"linear_backward with dZ ({n}, {m}), A_prev ({n_prev}, {m}) ({kind})",
                      (rng.normal(size=(n, m)), cache), {}))
    _run(target, "linear_backward", cases, ["dZ", "cache"])


def linear_activation_backward_hidden(target):
    cases = []
    for number, activation in enumerate(("relu", "sigmoid", "relu")):
        rng = _rng("linear_activation_backward", number)
        while True:
            Z = rng.normal(size=(3, 6))
            if _mixed_signs(Z):
                break
        cache = ((rng.normal(size=(4, 6)), rng.normal(size=(3, 4)), rng.normal(size=(3, 1))), Z)
        cases.append((f"linear_activation_backward on 6 examples, 4 -> 3 units, activation='{activation}', "
                      f"case {number + 1}", (rng.normal(size=(3, 6)), cache), {"activation": activation}))
    _run(target, "linear_activation_backward", cases, ["dA", "cache"])


def L_model_backward_hidden(target):
    cases = []
    for depth in range(1, 6):
        rng = _rng("L_model_backward", depth)
        sizes = [int(s) for s in rng.integers(2, 6, size=depth)] + [1]
        m = int(rng.integers(2, 6))
        X, parameters = _network(rng, sizes, m)
        AL, caches = REF["L_model_forward"](X, parameters)
        Y = _labels(rng, m)
        cases.append((f"L_model_backward on a {depth}-layer network {sizes}, {m} examples", (AL, Y, caches), {}))
    check = _GradientCheck()
    _run(target, "L_model_backward", cases, ["AL", "Y", "caches"], extra_check=check,
         extra_calls=[((check.AL, check.Y, check.caches), {})])


class _GradientCheck:
    """The student's dW1 agrees with central differences of the cost on a 3-layer network."""

    def __init__(self):
        rng = _rng("gradient check")
        while True:
            self.X, self.parameters = _network(rng, [4, 5, 3, 1], m=6)
            self.Y = _labels(rng, 6)
            self.AL, self.caches = REF["L_model_forward"](self.X, self.parameters)
            # A hidden ReLU input next to 0 would make the central differences wrong, not the student's
            # dW1 (once in about 10,000 draws): draw again. The first draw, nearly everyone's, is kept.
            if gradient_check.clear_of_kinks(Z for _, Z in self.caches[:-1]):
                break

    def cost(self):
        AL, _ = REF["L_model_forward"](self.X, self.parameters)
        return float(REF["compute_cost"](AL, self.Y))

    def __call__(self, checker):
        case = "L_model_backward against central differences of the cost (a 3-layer network [4, 5, 3, 1])"
        ok, grads, _ = checker.call(case, (self.AL, self.Y, self.caches), ["AL", "Y", "caches"], quiet=True)
        if not ok:
            return
        numeric = gradient_check.numerical_gradient(self.cost, self.parameters["W1"])
        dW1 = grads.get("dW1") if isinstance(grads, dict) else None
        if not gradient_check.agrees(dW1, numeric):
            if isinstance(dW1, np.ndarray) and dW1.shape == numeric.shape:
                error = f"relative error {gradient_check.relative_error(dW1, numeric):.2g}"
            else:
                error = f"shape {dW1.shape}" if isinstance(dW1, np.ndarray) else type(dW1).__name__
            checker.fail(case, "grads['dW1'] disagrees with the numerical derivative of the cost (central "
                         "differences).", "gradient-check", "a wrong formula or index in the backward loop",
                         "grads['dW1']", "central differences", error)


def update_parameters_hidden(target):
    cases = []
    for depth, learning_rate in ((1, 0.5), (3, 0.01), (5, 1.2)):
        rng = _rng("update_parameters", depth)
        sizes = [int(s) for s in rng.integers(1, 5, size=depth)] + [1]
        _, params = _network(rng, sizes, 1)
        grads = {"d" + key: rng.normal(size=value.shape) for key, value in params.items()}
        cases.append((f"update_parameters on {depth} layer(s), learning_rate={learning_rate}",
                      (params, grads, learning_rate), {}))
    _run(target, "update_parameters", cases, ["params", "grads", "learning_rate"])


# ----------------------------------------------------------------------------------------------
# Assignment 2
# ----------------------------------------------------------------------------------------------

def _model_cases(name, layer_choices):
    cases = []
    for dims, learning_rate, iterations in layer_choices:
        rng = _rng(name, list(dims))
        X = rng.normal(size=(dims[0], 12))
        cases.append((f"{name}(layers_dims={list(dims)}, learning_rate={learning_rate}, "
                      f"num_iterations={iterations}) on 12 examples",
                      (X, _labels(rng, 12), dims), {"learning_rate": learning_rate, "num_iterations": iterations}))
    return cases


def two_layer_model_hidden(target):
    cases = _model_cases("two_layer_model", (((6, 3, 1), 0.05, 5), ((8, 5, 1), 0.3, 130), ((3, 2, 1), 0.01, 1)))
    _run(target, "two_layer_model", cases, ["X", "Y", "layers_dims"])


def L_layer_model_hidden(target):
    cases = _model_cases("L_layer_model", (([6, 4, 3, 1], 0.05, 5), ([5, 3, 1], 0.2, 150), ([4, 1], 0.1, 2)))
    _run(target, "L_layer_model", cases, ["X", "Y", "layers_dims"])

