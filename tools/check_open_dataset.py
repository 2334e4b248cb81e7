"""Check that the open cat / non-cat set trains like the classic one and teaches the same lesson.

Why: the notebooks promise students a smoothly falling cost and the classic lesson (logistic
regression < 2-layer < 4-layer network on test). A set that only shows the lesson for one
lucky split, or whose cost jumps mid-training, would make the notebook's prose false. This
tool measures both, with the notebooks' own hyper-parameters, on the committed set and on
fresh draws of the same generator (other seeds, same recipe), and exits 1 if a promise breaks.

Usage::

    python tools/check_open_dataset.py                 # committed set + the 10 draws of DRAWS, 2 processes
    python tools/check_open_dataset.py --draws 3 --jobs 1   # the first 3 of them, in this process

It prints the committed set's cost and accuracies at every checkpoint (every 100 iterations,
as the notebook prints them), then the test accuracy of the three models on each draw. The
checks (:func:`problems`):

* on the committed set, for the 2-layer and the 4-layer network: between checkpoints the cost
  rises at most ``MAX_RISES`` time(s), each time by at most ``MAX_RISE`` (relative), and train
  accuracy never falls by more than ``MAX_ACCURACY_DROP``;
* logistic regression < 2-layer < 4-layer on test (strictly) on at least ``MIN_ORDERED`` of
  the draws (all of them when fewer than 10 are asked for);
* the 4-layer network's test accuracy lies in ``FOUR_LAYER_TEST`` on the committed set and on
  average over the draws.

**How it trains so fast.** Gradient descent never moves the first layer's weights out of the
span of the training images: every update of ``W1`` is ``dZ1 X^T / m``, a combination of the
rows of ``X^T``. With the thin QR factorisation ``X = Q R`` (``R`` is 209 x 209), the weights
stay ``W1 = W1_init + C Q^T`` and ``W1 X = W1_init X + C R``. So the tool trains ``C`` (a few
rows of 209 numbers) instead of ``W1`` (12288 columns): the same gradient descent, the same
initialisation (``initialize_parameters`` / ``initialize_parameters_deep`` of
``dnn_app_utils``, seed 1), the same learning rate and iterations, about 40 times faster. Only
the rounding differs; ``tests/test_open_dataset_tools.py`` checks the costs against the course's
``two_layer_model`` / ``L_layer_model`` and the accuracies against the executed notebook.
Logistic regression (lr 0.005, 2000 iterations, zero start) is reduced the same way.
"""

import argparse
import multiprocessing
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder.reference_models import flatten_images
from coursekit import dnn_app_utils
from coursekit.catvnoncat_data import load_data
from coursetools.open_cats import dataset

ROOT = Path(__file__).resolve().parent.parent

TWO_LAYER = (12288, 7, 1)
FOUR_LAYER = (12288, 20, 7, 5, 1)
LEARNING_RATE = 0.0075     # both networks, as in the notebook
ITERATIONS = 2500
EVERY = 100                # the notebook prints and records the cost every 100 iterations
LOGISTIC = {"learning_rate": 0.005, "num_iterations": 2000}

MAX_RISES = 1              # the classic 4-layer run rises once (0.369 -> 0.392 at iteration 900)
MAX_RISE = 0.10
MAX_ACCURACY_DROP = 0.05
# Fresh draws of the generator. The knobs of tools/open_cats/dataset.py were last changed by
# looking at draws 63..89 (earlier versions at draws 1..62; datasets/README.md); these ten were
# first trained on after the knobs were fixed.
DRAWS = tuple(range(90, 100))
MIN_ORDERED = 8            # of 10 draws
FOUR_LAYER_TEST = (0.70, 0.90)
MODELS = ("logistic_regression", "two_layer", "four_layer")


@dataclass
class Run:
    """One trained network: checkpoints ``(iteration, cost, train accuracy, test accuracy)``
    at iterations 0, 100, ..., and the accuracies after the last update (what ``predict`` reports)."""

    checkpoints: list = field(default_factory=list)
    train: float = 0.0
    test: float = 0.0


def _forward(first, weights, biases):
    """Pre-activation of the output layer from the first layer's pre-activation ``first``."""
    A = np.maximum(0, first)
    Z = first
    for W, b in zip(weights, biases, strict=True):
        Z = W @ A + b
        A = np.maximum(0, Z)
    return Z


def train_network(X, Y, X_test, Y_test, layers_dims, learning_rate=LEARNING_RATE, num_iterations=ITERATIONS):
    """Train the notebook's network (``two_layer_model`` if ``layers_dims`` has 3 entries, else
    ``L_layer_model``) in the span of the training images (module docstring); return a :class:`Run`."""
    np.random.seed(1)
    if len(layers_dims) == 3:
        parameters = dnn_app_utils.initialize_parameters(*layers_dims)
    else:
        parameters = dnn_app_utils.initialize_parameters_deep(list(layers_dims))
    L = len(layers_dims) - 1
    W = [parameters[f"W{l}"] for l in range(1, L + 1)]
    b = [parameters[f"b{l}"] for l in range(1, L + 1)]
    m = X.shape[1]
    Q, R = np.linalg.qr(X)
    start, start_test, R_test = W[0] @ X, W[0] @ X_test, Q.T @ X_test
    C = np.zeros((W[0].shape[0], R.shape[0]))  # W1 = W1_init + C Q^T
    run = Run()
    for i in range(num_iterations + 1):
        Z1 = start + C @ R + b[0]
        activations, pre = [np.maximum(0, Z1)], [Z1]
        for l in range(1, L):
            pre.append(W[l] @ activations[-1] + b[l])
            activations.append(np.maximum(0, pre[-1]))
        AL = 1 / (1 + np.exp(-pre[-1]))
        if i % EVERY == 0 or i == num_iterations:
            logits_test = _forward(start_test + C @ R_test + b[0], W[1:], b[1:])
            train_acc, test_acc = float(np.mean((AL > 0.5) == Y)), float(np.mean((logits_test > 0) == Y_test))
            if i == num_iterations:
                run.train, run.test = train_acc, test_acc
                break
            cost = float(-np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))
            run.checkpoints.append((i, cost, train_acc, test_acc))
        dZ, dA = AL - Y, None  # sigmoid output with the cross-entropy loss; dA comes from the layer above
        for l in reversed(range(L)):
            if l < L - 1:
                dZ = dA * (pre[l] > 0)
            db = np.sum(dZ, axis=1, keepdims=True) / m
            if l > 0:
                dA = W[l].T @ dZ
                W[l] = W[l] - learning_rate * (dZ @ activations[l - 1].T / m)
            else:
                C = C - learning_rate * (dZ @ R.T / m)
            b[l] = b[l] - learning_rate * db
    return run


def train_logistic_regression(X, Y, X_test, Y_test, learning_rate=LOGISTIC["learning_rate"],
                              num_iterations=LOGISTIC["num_iterations"]):
    """The week-2 baseline (``autograder.reference_models.logistic_regression``) in the span of
    the training images: ``w = Q c``. Returns (train accuracy, test accuracy)."""
    Q, R = np.linalg.qr(X)
    R_test = Q.T @ X_test
    m = X.shape[1]
    c, b = np.zeros((R.shape[0], 1)), 0.0
    for _ in range(num_iterations):
        dZ = 1 / (1 + np.exp(-(c.T @ R + b))) - Y
        c = c - learning_rate * (R @ dZ.T) / m
        b = b - learning_rate * float(np.sum(dZ)) / m
    return float(np.mean(((c.T @ R + b) > 0) == Y)), float(np.mean(((c.T @ R_test + b) > 0) == Y_test))


def measure(train_x, train_y, test_x, test_y):
    """Train the three models on one set of images (m, 64, 64, 3) and labels (1, m) or (m,).

    Returns ``{"logistic_regression": (train, test), "two_layer": Run, "four_layer": Run}``.
    """
    X, X_test = flatten_images(train_x), flatten_images(test_x)
    Y, Y_test = np.asarray(train_y).reshape(1, -1), np.asarray(test_y).reshape(1, -1)
    return {"logistic_regression": train_logistic_regression(X, Y, X_test, Y_test),
            "two_layer": train_network(X, Y, X_test, Y_test, TWO_LAYER),
            "four_layer": train_network(X, Y, X_test, Y_test, FOUR_LAYER)}


def measure_source(source, data_dir=None):
    """Measure the committed set (``source="committed"``) or draw ``k`` of the generator (``source=k``)."""
    if source == "committed":
        train_x, train_y, test_x, test_y, _ = load_data(data_dir=data_dir or ROOT / "datasets", source="open",
                                                        announce=False)
    else:
        (train_x, train_y), (test_x, test_y) = (dataset.build_split(s, draw=source) for s in ("train", "test"))
    return measure(train_x, train_y, test_x, test_y)


def test_accuracies(result):
    """(logistic regression, 2-layer, 4-layer) test accuracy of one :func:`measure` result."""
    return result["logistic_regression"][1], result["two_layer"].test, result["four_layer"].test


def ordered(result):
    low, middle, high = test_accuracies(result)
    return low < middle < high


def roughness(run):
    """How ``run`` breaks the smoothness promise: a list of sentences, empty if it keeps it."""
    found = []
    pairs = list(zip(run.checkpoints, run.checkpoints[1:], strict=False))  # each checkpoint with the next one
    rises = [(i, a, b) for (_, a, _, _), (i, b, _, _) in pairs if b > a]
    if len(rises) > MAX_RISES:
        found.append(f"the cost rises {len(rises)} times (at {', '.join(str(i) for i, _, _ in rises)})")
    for i, a, b in rises:
        if b > a * (1 + MAX_RISE):
            found.append(f"the cost rises by {b / a - 1:.0%} at iteration {i} ({a:.4f} -> {b:.4f})")
    for (_, _, a, _), (i, _, b, _) in pairs:
        if a - b > MAX_ACCURACY_DROP + 1e-9:
            found.append(f"train accuracy falls {a:.1%} -> {b:.1%} at iteration {i}")
    return found


def problems(committed, draws):
    """Ways in which the measurements break a promise (module docstring); an empty list if none.

    ``committed``: the :func:`measure` result of the committed set; ``draws``: {k: result}.
    """
    found = [f"committed set, {name}: {sentence}" for name in ("two_layer", "four_layer")
             for sentence in roughness(committed[name])]
    lo, hi = FOUR_LAYER_TEST
    if not lo <= committed["four_layer"].test <= hi:
        found.append(f"committed set: 4-layer test accuracy {committed['four_layer'].test:.0%} "
                     f"is outside {lo:.0%}..{hi:.0%}")
    if draws:
        need = MIN_ORDERED if len(draws) >= len(DRAWS) else len(draws)
        count = sum(ordered(result) for result in draws.values())
        if count < need:
            found.append(f"the order logistic regression < 2-layer < 4-layer holds on {count} of {len(draws)} draws, "
                         f"fewer than {need}")
        mean = float(np.mean([result["four_layer"].test for result in draws.values()]))
        if not lo <= mean <= hi:
            found.append(f"draws: mean 4-layer test accuracy {mean:.1%} is outside {lo:.0%}..{hi:.0%}")
    return found


def checkpoint_table(committed):
    """The committed set's cost, train and test accuracy of both networks at every checkpoint."""
    two, four = committed["two_layer"], committed["four_layer"]
    lines = ["iteration | 2-layer cost  train   test | 4-layer cost  train   test",
             "----------|---------------------------|--------------------------"]
    for (i, c2, r2, t2), (_, c4, r4, t4) in zip(two.checkpoints, four.checkpoints, strict=True):
        lines.append(f"{i:>9} | {c2:>12.4f} {r2:>6.1%} {t2:>6.1%} | {c4:>12.4f} {r4:>6.1%} {t4:>6.1%}")
    lines.append(f"{'final':>9} | {'':>12} {two.train:>6.1%} {two.test:>6.1%} | {'':>12} {four.train:>6.1%} "
                 f"{four.test:>6.1%}")
    return "\n".join(lines)


def draws_table(committed, draws):
    """Test accuracy of the three models per set, whether the order holds and whether training is smooth."""
    lines = ["set       | logistic  2-layer  4-layer | order | smooth",
             "----------|---------------------------|-------|-------"]
    rows = [("committed", committed)] + [(f"draw {k}", result) for k, result in sorted(draws.items())]
    for name, result in rows:
        accuracies = test_accuracies(result)
        smooth = not (roughness(result["two_layer"]) or roughness(result["four_layer"]))
        lines.append(f"{name:<9} | " + "  ".join(f"{a:>7.0%}" for a in accuracies)
                     + f" | {'yes' if ordered(result) else 'NO':>5} | {'yes' if smooth else 'no':>6}")
    if draws:
        means = np.mean([test_accuracies(result) for result in draws.values()], axis=0)
        lines.append(f"{'mean':<9} | " + "  ".join(f"{a:>7.1%}" for a in means)
                     + f" | {sum(ordered(r) for r in draws.values()):>2}/{len(draws):<2} |")
    return "\n".join(lines)


def _pin_blas():
    """One BLAS thread per worker process: the matrices are small, and two processes share two cores."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def measure_all(draws=DRAWS, jobs=2, data_dir=None):
    """``(committed, {k: result})``, measured in ``jobs`` processes."""
    sources = ["committed", *draws]
    if jobs > 1:
        context = multiprocessing.get_context("spawn")
        with context.Pool(jobs, initializer=_pin_blas) as pool:
            results = pool.starmap(measure_source, [(source, data_dir) for source in sources], chunksize=1)
    else:
        _pin_blas()
        results = [measure_source(source, data_dir) for source in sources]
    return results[0], dict(zip(draws, results[1:], strict=True))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=len(DRAWS),
                        help=f"how many of the fresh draws {DRAWS[0]}..{DRAWS[-1]} (default all {len(DRAWS)})")
    parser.add_argument("--jobs", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="folder of the open HDF5 files (default: datasets/)")
    args = parser.parse_args(argv)
    committed, draws = measure_all(DRAWS[:args.draws], args.jobs, args.data_dir)
    print("Committed open set, the notebooks' recipes (learning rate 0.0075, 2500 iterations):")
    print(checkpoint_table(committed))
    lr_train, lr_test = committed["logistic_regression"]
    print(f"logistic regression (lr 0.005, 2000 iterations): train {lr_train:.1%}, test {lr_test:.1%}")
    print()
    print("Test accuracy on the committed set and on fresh draws of the generator:")
    print(draws_table(committed, draws))
    found = problems(committed, draws)
    for problem in found:
        print("FAIL:", problem)
    if not found:
        print("OK: smooth training on the committed set; the lesson's order and the 4-layer range hold.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
