"""Write ``utils/public_expected.py``: the expected values the public tests compare with.

The values come from the reference implementation (``utils/dnn_app_utils.py`` and
``autograder/reference_models.py``) run on the fixtures of ``utils/testCases.py``.
A test regenerates the module and fails if the committed copy differs, and another
checks the values against the numbers published by the classic course.

Usage: ``python tools/make_public_expected.py [--check]``
"""

import argparse
import sys
from pathlib import Path

import numpy as np

from autograder import reference_models as models
from coursekit import dnn_app_utils as ref
from coursekit import testCases as tc

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "utils" / "public_expected.py"
DECIMALS = 12

HEADER = '''"""Expected values of the public tests (generated: do not edit).

Regenerate with ``python tools/make_public_expected.py`` after changing a fixture.
Each value is what a correct implementation returns for the named fixture and call.
"""

import numpy as np

'''


def literal(value, indent=""):
    """Python source for a value: arrays rounded to DECIMALS, dicts, tuples and lists recursively.

    Dicts put one key per line so that a changed value shows as a one-line diff.
    """
    if isinstance(value, dict):
        inner = indent + "    "
        items = "".join(f"{inner}{key!r}: {literal(item, inner)},\n" for key, item in value.items())
        return "{\n" + items + indent + "}"
    if isinstance(value, (tuple, list)):
        inner = ", ".join(literal(item, indent) for item in value)
        return f"({inner},)" if isinstance(value, tuple) else f"[{inner}]"
    array = np.round(np.asarray(value, dtype=float), DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"np.array({array.tolist()!r})"


def expected_values():
    """Name -> value for every case of every public test."""
    values = {}
    values["INITIALIZE_PARAMETERS"] = {str(dims): ref.initialize_parameters(*dims) for dims in ((3, 2, 1), (4, 3, 2))}
    values["INITIALIZE_PARAMETERS_DEEP"] = {
        str(dims): models.step_by_step_initialize_parameters_deep(dims) for dims in ([5, 4, 3], [4, 3, 2], [6, 4, 3, 1])
    }
    A, W, b = tc.linear_forward_test_case()
    values["LINEAR_FORWARD_Z"] = ref.linear_forward(A, W, b)[0]
    A_prev, W, b = tc.linear_activation_forward_test_case()
    values["LINEAR_ACTIVATION_FORWARD"] = {
        activation: ref.linear_activation_forward(A_prev, W, b, activation)[0] for activation in ("sigmoid", "relu")
    }
    values["LINEAR_ACTIVATION_FORWARD_Z"] = ref.linear_forward(A_prev, W, b)[0]
    forward = {}
    for name in ("L_model_forward_test_case_2hidden", "L_model_forward_test_case"):
        X, parameters = getattr(tc, name)()
        AL, caches = ref.L_model_forward(X, parameters)
        forward[name] = {"AL": AL, "Z": [cache[1] for cache in caches]}
    values["L_MODEL_FORWARD"] = forward
    Y, AL = tc.compute_cost_test_case()
    values["COMPUTE_COST"] = {"v4a": ref.compute_cost(AL, Y), "all_ones": ref.compute_cost(AL, np.ones_like(Y))}
    dZ, linear_cache = tc.linear_backward_test_case()
    values["LINEAR_BACKWARD"] = ref.linear_backward(dZ, linear_cache)
    dA, cache = tc.linear_activation_backward_test_case()
    values["LINEAR_ACTIVATION_BACKWARD"] = {
        activation: ref.linear_activation_backward(dA, cache, activation) for activation in ("sigmoid", "relu")
    }
    values["L_MODEL_BACKWARD"] = {
        name: dict(sorted(ref.L_model_backward(*getattr(tc, name)()).items()))
        for name in ("L_model_backward_test_case", "L_model_backward_test_case_3layers")
    }
    params, grads = tc.update_parameters_test_case()
    values["UPDATE_PARAMETERS"] = {str(lr): ref.update_parameters(params, grads, lr) for lr in (0.1, 0.05)}
    for key, model, fixture, cases in (
        ("TWO_LAYER_MODEL", models.two_layer_model, tc.two_layer_model_test_case, ((0.0075, 2), (0.1, 3))),
        ("L_LAYER_MODEL", models.L_layer_model, tc.L_layer_model_test_case, ((0.0075, 2), (0.02, 3))),
    ):
        runs = {}
        for learning_rate, iterations in cases:
            X, Y, dims = fixture()
            parameters, costs = model(X, Y, dims, learning_rate=learning_rate, num_iterations=iterations)
            runs[f"{learning_rate}x{iterations}"] = {"parameters": parameters, "costs": costs}
        values[key] = runs
    return values


def render():
    body = "".join(f"{name} = {literal(value)}\n\n" for name, value in expected_values().items())
    return HEADER + body.rstrip() + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed module is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not TARGET.is_file() or TARGET.read_text() != text:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run python tools/make_public_expected.py")
            return 1
        print(f"{TARGET.relative_to(ROOT)} is up to date.")
        return 0
    TARGET.write_text(text)
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
