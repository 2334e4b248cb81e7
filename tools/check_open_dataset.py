"""Train the course's three models on the open set and check it teaches the classic lesson.

Usage: ``python tools/check_open_dataset.py [--data-dir DIR]``

Prints train and test accuracy of logistic regression, the 2-layer and the
4-layer network (the course's recipes, about a minute in all) and exits 1 unless
the test accuracies rise in that order, by at least ``MIN_GAP`` each, with the
4-layer network between 70% and 90% on test and above 95% on train.
Tests import :func:`open_set_accuracies` (or :func:`measure`) and :func:`problems`.
"""

import argparse
import contextlib
import io
import itertools
import sys
from pathlib import Path

from autograder.reference_models import (
    L_layer_model,
    flatten_images,
    logistic_regression,
    logistic_regression_accuracy,
    two_layer_model,
)
from coursekit.catvnoncat_data import load_data
from coursekit.dnn_app_utils import predict

ROOT = Path(__file__).resolve().parent.parent

MODELS = ("logistic_regression", "two_layer", "four_layer")
MIN_GAP = 0.04            # two test images of 50
FOUR_LAYER_TEST = (0.70, 0.90)
FOUR_LAYER_TRAIN = 0.95


def _network_accuracy(X, Y, parameters):
    with contextlib.redirect_stdout(io.StringIO()):  # predict() prints its result
        return predict(X, Y, parameters)[1]


def train_one(model, X, Y, X_test, Y_test):
    """Train ``model`` (one of MODELS) with the course recipe; return (train, test) accuracy."""
    if model == "logistic_regression":
        w, b = logistic_regression(X, Y, learning_rate=0.005, num_iterations=2000)
        return logistic_regression_accuracy(w, b, X, Y), logistic_regression_accuracy(w, b, X_test, Y_test)
    if model == "two_layer":
        parameters, _ = two_layer_model(X, Y, (X.shape[0], 7, 1), learning_rate=0.0075, num_iterations=2500)
    elif model == "four_layer":
        parameters, _ = L_layer_model(X, Y, [X.shape[0], 20, 7, 5, 1], learning_rate=0.0075, num_iterations=2500)
    else:
        raise ValueError(f"unknown model {model!r}; use one of {MODELS}")
    return _network_accuracy(X, Y, parameters), _network_accuracy(X_test, Y_test, parameters)


def measure(train_x, train_y, test_x, test_y, models=MODELS):
    """Accuracies of ``models`` on images (m, 64, 64, 3) and labels (1, m) or (m,).

    Returns ``{model: {"train": float, "test": float}}``.
    """
    X, X_test = flatten_images(train_x), flatten_images(test_x)
    Y, Y_test = train_y.reshape(1, -1), test_y.reshape(1, -1)
    result = {}
    for model in models:
        train, test = train_one(model, X, Y, X_test, Y_test)
        result[model] = {"train": train, "test": test}
    return result


def open_set_accuracies(data_dir=None):
    """Accuracies of the three models on the committed open set (checksums verified)."""
    train_x, train_y, test_x, test_y, _ = load_data(data_dir=data_dir or ROOT / "datasets", source="open")
    return measure(train_x, train_y, test_x, test_y)


def problems(accuracies):
    """Ways in which ``accuracies`` break the classic lesson; an empty list if none."""
    found = []
    tests = [accuracies[m]["test"] for m in MODELS]
    for (low, a), (high, b) in itertools.pairwise(zip(MODELS, tests, strict=True)):
        if b - a < MIN_GAP - 1e-9:
            found.append(f"{high} test {b:.0%} is not at least {MIN_GAP:.0%} above {low} test {a:.0%}")
    lo, hi = FOUR_LAYER_TEST
    if not lo <= tests[2] <= hi:
        found.append(f"four_layer test {tests[2]:.0%} is outside {lo:.0%}..{hi:.0%}")
    if accuracies["four_layer"]["train"] <= FOUR_LAYER_TRAIN:
        found.append(f"four_layer train {accuracies['four_layer']['train']:.0%} is not above {FOUR_LAYER_TRAIN:.0%}")
    return found


def table(accuracies):
    """A small text table of train / test accuracy per model."""
    lines = [f"{'model':<20} {'train':>6} {'test':>6}"]
    for model in MODELS:
        row = accuracies[model]
        lines.append(f"{model:<20} {row['train']:>6.1%} {row['test']:>6.1%}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="folder of the open HDF5 files (default: datasets/)")
    args = parser.parse_args(argv)
    accuracies = open_set_accuracies(args.data_dir)
    print(table(accuracies))
    found = problems(accuracies)
    for problem in found:
        print("FAIL:", problem)
    if not found:
        print("OK: logistic regression < 2-layer < 4-layer on test, 4-layer in range.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
