"""Benchmark: the training cells of assignment 2 against their own matrix products, quiet and busy.

For each model (the answer key's 2-layer and 4-layer models, 2500 iterations on the default
data, the notebook's hyper-parameters) it prints:

* the wall time of the training;
* the wall time of the model's own large products alone, the practical limit: per iteration
  ``W1 X`` (forward), ``dZ1 X^T`` (``dW1``) and ``W1^T dZ1`` (``dA0``), the three products over
  the 12288-row input that dwarf everything else;
* their ratio (goal: at most 1.25);
* the same training while one other CPU-bound process runs (goal: at most 2x the quiet time);

once with one BLAS thread (what the notebooks set in their first cell, with the BLAS libraries'
environment variables, before numpy is imported; here threadpoolctl sets it for each run) and
once with the BLAS's default thread count (one per core), to show why the course pins it:
on a busy 2-core machine, BLAS threads that wait for each other at every product are
descheduled in turn, and each product waits for the slowest.

Usage: ``python benchmarks/bench_training.py [--iterations 2500]``
"""

import argparse
import os
import time

import numpy as np
from common import Competitor
from threadpoolctl import threadpool_info, threadpool_limits

from autograder.reference_models import L_layer_model, flatten_images, two_layer_model
from coursekit.catvnoncat_data import load_data

RATIO_GOAL, BUSY_GOAL = 1.25, 2.0


def products_seconds(X, first_layer, iterations):
    """Wall time of the three large products of the first layer, ``iterations`` times."""
    rng = np.random.default_rng(0)
    W1 = rng.normal(size=(first_layer, X.shape[0])) * 0.01
    dZ1 = rng.normal(size=(first_layer, X.shape[1]))
    start = time.perf_counter()
    for _ in range(iterations):
        np.dot(W1, X)
        np.dot(dZ1, X.T)
        np.dot(W1.T, dZ1)
    return time.perf_counter() - start


def train_seconds(model, X, Y, layers, iterations):
    start = time.perf_counter()
    model(X, Y, layers, learning_rate=0.0075, num_iterations=iterations)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=2500)
    args = parser.parse_args(argv)
    train_x_orig, train_y = load_data()[:2]
    X = flatten_images(train_x_orig)
    blas = threadpool_info()
    blas = [pool for pool in blas if pool["user_api"] == "blas"]
    default_threads = max((pool["num_threads"] for pool in blas), default=1)
    print(f"machine: {os.cpu_count()} cores; BLAS: "
          + ", ".join(f"{pool['internal_api']} {pool.get('version', '')}" for pool in blas)
          + f"; {args.iterations} iterations; X {X.shape}")
    models = (("2-layer (n_h = 7)", two_layer_model, (X.shape[0], 7, 1)),
              ("4-layer [20, 7, 5, 1]", L_layer_model, [X.shape[0], 20, 7, 5, 1]))
    print(f"{'model':<22}{'BLAS threads':>13}{'products s':>12}{'training s':>12}{'ratio':>8}"
          f"{'busy s':>9}{'busy/quiet':>12}")
    verdicts = []
    for threads in dict.fromkeys((1, default_threads)):
        with threadpool_limits(limits=threads, user_api="blas"):
            for name, model, layers in models:
                limit = products_seconds(X, layers[1], args.iterations)
                quiet = train_seconds(model, X, train_y, layers, args.iterations)
                with Competitor():
                    busy = train_seconds(model, X, train_y, layers, args.iterations)
                print(f"{name:<22}{threads:>13}{limit:>12.2f}{quiet:>12.2f}{quiet / limit:>8.2f}{busy:>9.2f}"
                      f"{busy / quiet:>12.2f}")
                if threads == 1:
                    verdicts.append((f"{name}: training within {RATIO_GOAL}x of its own products "
                                     f"({quiet / limit:.2f}x)", quiet / limit <= RATIO_GOAL))
                    verdicts.append((f"{name}: at most {BUSY_GOAL}x slower with one competing process "
                                     f"({busy / quiet:.2f}x)", busy / quiet <= BUSY_GOAL))
    print("\nGoals, with the notebooks' setting (one BLAS thread):")
    for text, ok in verdicts:
        print(f"[{'met' if ok else 'NOT met'}] {text}")


if __name__ == "__main__":
    main()
