"""Hidden tests: run by the autograder only, on inputs the student never sees.

Each ``<function>_hidden(target)`` checks the student's function on other shapes,
other depths (1 to 5 layers), other seeds and other learning rates against the
reference solution (the answer key, :mod:`autograder.reference_models`), with the
same messages and cause ids as the public tests (it uses their
:class:`coursekit.public_tests.Checker`), plus properties: inputs left untouched
and, for the backward pass, agreement with central differences
(:mod:`autograder.gradient_check`).

The notebooks reach this module from a ``### BEGIN HIDDEN TESTS`` block, which
nbgrader strips from the student version.
"""

import copy

import numpy as np

from autograder import gradient_check
from autograder.reference_models import reference_functions
from coursekit import public_tests


class _AnswerKey:
    """``REF[name]``: the answer key's function, read when a test runs (never a stale copy)."""

    def __getitem__(self, name):
        return reference_functions()[name]


REF = _AnswerKey()
SEEDS = (11, 29, 47)

# How each function's result is named in messages.
OUTPUT_NAMES = {
    "initialize_parameters": "parameters", "initialize_parameters_deep": "parameters",
    "linear_forward": ("Z", "cache"), "linear_activation_forward": ("A", "cache"),
    "L_model_forward": ("AL", "caches"), "compute_cost": "cost",
    "linear_backward": ("dA_prev", "dW", "db"), "linear_activation_backward": ("dA_prev", "dW", "db"),
    "L_model_backward": "grads", "update_parameters": "parameters",
    "two_layer_model": ("parameters", "costs"), "L_layer_model": ("parameters", "costs"),
}


def _rng(seed):
    return np.random.default_rng(seed)


def _network(rng, sizes, m):
    """Random parameters of a network with layer sizes ``sizes`` and an input of m examples."""
    X = rng.normal(size=(sizes[0], m))
    parameters = {}
    for l in range(1, len(sizes)):
        parameters[f"W{l}"] = rng.normal(size=(sizes[l], sizes[l - 1])) / np.sqrt(sizes[l - 1])
        parameters[f"b{l}"] = rng.normal(size=(sizes[l], 1)) * 0.1
    return X, parameters


def _run(target, name, cases, arg_names, extra_check=None):
    """Compare ``target`` with the reference on every ``(label, args, kwargs)`` case.

    ``extra_check(checker)``, if given, adds property cases before the verdict.
    """
    checker = public_tests.Checker(target, name)
    for label, args, kwargs in cases:
        wanted = REF[name](*copy.deepcopy(args), **kwargs)
        ok, result, _ = checker.call(label, args, arg_names, kwargs, quiet=True)
        names = OUTPUT_NAMES[name]
        if not ok:
            continue
        if isinstance(names, str):
            checker.check(label, result, wanted, names)
        elif checker.check_tuple(label, result, names):
            for item, wanted_item, item_name in zip(result, wanted, names, strict=True):
                checker.check(label, item, wanted_item, item_name)
    if extra_check:
        extra_check(checker)
    checker.finish()


def initialize_parameters_hidden(target):
    cases = [(f"initialize_parameters{dims}", dims, {}) for dims in ((5, 3, 2), (7, 1, 1), (2, 6, 3))]
    _run(target, "initialize_parameters", cases, ["n_x", "n_h", "n_y"])


def initialize_parameters_deep_hidden(target):
    dims = ([3, 1], [7, 5, 4, 3, 2, 1], [2, 9, 2], [12288, 20, 7, 5, 1])
    cases = [(f"initialize_parameters_deep({d})", (d,), {}) for d in dims]
    _run(target, "initialize_parameters_deep", cases, ["layer_dims"])


def linear_forward_hidden(target):
    cases = []
    for seed, (n_prev, n, m) in zip(SEEDS, ((4, 3, 5), (1, 2, 1), (6, 6, 3)), strict=True):
        rng = _rng(seed)
        args = (rng.normal(size=(n_prev, m)), rng.normal(size=(n, n_prev)), rng.normal(size=(n, 1)))
        cases.append((f"linear_forward with A {args[0].shape}, W {args[1].shape} (seed {seed})", args, {}))
    _run(target, "linear_forward", cases, ["A", "W", "b"])


def linear_activation_forward_hidden(target):
    cases = []
    for seed, activation in zip(SEEDS, ("relu", "sigmoid", "relu"), strict=True):
        rng = _rng(seed)
        args = (rng.normal(size=(5, 4)), rng.normal(size=(3, 5)), rng.normal(size=(3, 1)))
        cases.append((f"linear_activation_forward on (5, 4) inputs, activation='{activation}' (seed {seed})",
                      args, {"activation": activation}))
    _run(target, "linear_activation_forward", cases, ["A_prev", "W", "b"])


def L_model_forward_hidden(target):
    cases = []
    for depth, seed in zip(range(1, 6), (3, 5, 7, 9, 13), strict=True):
        rng = _rng(seed)
        sizes = [int(s) for s in rng.integers(1, 6, size=depth)] + [1]
        X, parameters = _network(rng, sizes, m=int(rng.integers(1, 6)))
        cases.append((f"L_model_forward on a {depth}-layer network {sizes} (seed {seed})", (X, parameters), {}))
    _run(target, "L_model_forward", cases, ["X", "parameters"])


def compute_cost_hidden(target):
    cases = []
    for seed, m in zip(SEEDS, (1, 5, 17), strict=True):
        rng = _rng(seed)
        AL = rng.uniform(0.02, 0.98, size=(1, m))
        Y = rng.integers(0, 2, size=(1, m))
        cases.append((f"compute_cost with m = {m} (seed {seed})", (AL, Y), {}))
    _run(target, "compute_cost", cases, ["AL", "Y"])


def linear_backward_hidden(target):
    cases = []
    for seed, (n_prev, n, m) in zip(SEEDS, ((4, 3, 5), (1, 2, 1), (6, 6, 3)), strict=True):
        rng = _rng(seed)
        cache = (rng.normal(size=(n_prev, m)), rng.normal(size=(n, n_prev)), rng.normal(size=(n, 1)))
        cases.append((f"linear_backward with dZ ({n}, {m}), A_prev ({n_prev}, {m}) (seed {seed})",
                      (rng.normal(size=(n, m)), cache), {}))
    _run(target, "linear_backward", cases, ["dZ", "cache"])


def linear_activation_backward_hidden(target):
    cases = []
    for seed, activation in zip(SEEDS, ("relu", "sigmoid", "relu"), strict=True):
        rng = _rng(seed)
        cache = ((rng.normal(size=(4, 6)), rng.normal(size=(3, 4)), rng.normal(size=(3, 1))), rng.normal(size=(3, 6)))
        cases.append((f"linear_activation_backward, activation='{activation}' (seed {seed})",
                      (rng.normal(size=(3, 6)), cache), {"activation": activation}))
    _run(target, "linear_activation_backward", cases, ["dA", "cache"])


def L_model_backward_hidden(target):
    cases = []
    for depth, seed in zip(range(1, 6), (4, 6, 8, 10, 12), strict=True):
        rng = _rng(seed)
        sizes = [int(s) for s in rng.integers(2, 6, size=depth)] + [1]
        m = int(rng.integers(2, 6))
        X, parameters = _network(rng, sizes, m)
        AL, caches = REF["L_model_forward"](X, parameters)
        Y = rng.integers(0, 2, size=(1, m))
        cases.append((f"L_model_backward on a {depth}-layer network {sizes} (seed {seed})", (AL, Y, caches), {}))
    _run(target, "L_model_backward", cases, ["AL", "Y", "caches"], extra_check=_gradient_check)


def _gradient_check(checker):
    """The student's dW1 agrees with central differences of the cost on a 3-layer network."""
    rng = _rng(2024)
    X, parameters = _network(rng, [4, 5, 3, 1], m=6)
    Y = rng.integers(0, 2, size=(1, 6))

    def cost(params):
        AL, _ = REF["L_model_forward"](X, params)
        return float(REF["compute_cost"](AL, Y))

    AL, caches = REF["L_model_forward"](X, parameters)
    case = "L_model_backward against central differences of the cost (3 layers, seed 2024)"
    ok, grads, _ = checker.call(case, (AL, Y, caches), ["AL", "Y", "caches"], quiet=True)
    if not ok:
        return
    numeric = gradient_check.numerical_gradient(lambda: cost(parameters), parameters["W1"])
    dW1 = grads.get("dW1") if isinstance(grads, dict) else None
    if not gradient_check.agrees(dW1, numeric):
        if isinstance(dW1, np.ndarray) and dW1.shape == numeric.shape:
            error = f"relative error {gradient_check.relative_error(dW1, numeric):.2g}"
        else:
            error = f"shape {dW1.shape}" if isinstance(dW1, np.ndarray) else type(dW1).__name__
        checker.fail(case, "grads['dW1'] disagrees with the numerical derivative of the cost (central differences).",
                     "gradient-check", "a wrong formula or index in the backward loop", "grads['dW1']",
                     "central differences", error)


def update_parameters_hidden(target):
    cases = []
    for depth, seed, learning_rate in ((1, 5, 0.5), (3, 6, 0.01), (5, 7, 1.2)):
        rng = _rng(seed)
        sizes = [int(s) for s in rng.integers(1, 5, size=depth)] + [1]
        _, params = _network(rng, sizes, 1)
        grads = {"d" + key: rng.normal(size=value.shape) for key, value in params.items()}
        cases.append((f"update_parameters on {depth} layer(s), learning_rate={learning_rate} (seed {seed})",
                      (params, grads, learning_rate), {}))
    _run(target, "update_parameters", cases, ["params", "grads", "learning_rate"])


def _model_cases(name, layer_choices):
    cases = []
    for (dims, learning_rate, iterations), seed in zip(layer_choices, SEEDS, strict=True):
        rng = _rng(seed)
        X = rng.normal(size=(dims[0], 12))
        Y = rng.integers(0, 2, size=(1, 12))
        cases.append((f"{name}(layers_dims={list(dims)}, learning_rate={learning_rate}, "
                      f"num_iterations={iterations}) (seed {seed})",
                      (X, Y, dims), {"learning_rate": learning_rate, "num_iterations": iterations}))
    return cases


def two_layer_model_hidden(target):
    cases = _model_cases("two_layer_model", (((6, 3, 1), 0.05, 5), ((8, 5, 1), 0.3, 130), ((3, 2, 1), 0.01, 1)))
    _run(target, "two_layer_model", cases, ["X", "Y", "layers_dims"])


def L_layer_model_hidden(target):
    cases = _model_cases("L_layer_model", (([6, 4, 3, 1], 0.05, 5), ([5, 3, 1], 0.2, 150), ([4, 1], 0.1, 2)))
    _run(target, "L_layer_model", cases, ["X", "Y", "layers_dims"])
