"""Benchmark: reference training time on the default data against the machine's matmul speed.

Prints the wall time of 2500 iterations of the 2-layer and 4-layer reference
models (the classic notebook warns that this "may take up to 5 minutes"; the
course's goal is under 30 s each), the machine's measured matrix-multiply
throughput, and the ratio of the training's useful floating-point rate to that
throughput (how close training runs to the BLAS's speed).

Usage: ``python benchmarks/bench_training.py [--iterations 2500]``
"""

import argparse
import time

import numpy as np

from autograder.reference_models import L_layer_model, flatten_images, two_layer_model
from coursekit.catvnoncat_data import load_data

GOAL_SECONDS = 30.0


def matmul_gflops(n_out=20, n_in=12288, m=209, repeats=200):
    """GFLOP/s of the training's dominant product, W (n_out, n_in) @ X (n_in, m), best of 3 runs."""
    rng = np.random.default_rng(0)
    W, X = rng.normal(size=(n_out, n_in)), rng.normal(size=(n_in, m))
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeats):
            W @ X
        best = min(best, time.perf_counter() - start)
    return 2.0 * n_out * n_in * m * repeats / best / 1e9


def training_gflop(layers, m, iterations):
    """Floating-point work of the matrix products in one training run (forward, dW and dA_prev)."""
    per_iteration = sum(3 * 2.0 * layers[l] * layers[l - 1] * m for l in range(1, len(layers)))
    return per_iteration * iterations / 1e9


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=2500)
    args = parser.parse_args(argv)
    train_x_orig, train_y, _, _, _ = load_data()
    X = flatten_images(train_x_orig)
    m = X.shape[1]
    throughput = matmul_gflops()
    print(f"matrix multiply, (20 x 12288) @ (12288 x {m}): {throughput:.2f} GFLOP/s")
    print(f"{'model':<22}{'seconds':>9}{'GFLOP/s':>10}{'vs matmul':>11}  goal < {GOAL_SECONDS:.0f} s")
    for name, model, layers in (("2-layer (n_h = 7)", two_layer_model, [X.shape[0], 7, 1]),
                                ("4-layer [20, 7, 5, 1]", L_layer_model, [X.shape[0], 20, 7, 5, 1])):
        dims = tuple(layers) if model is two_layer_model else layers
        start = time.perf_counter()
        model(X, train_y, dims, learning_rate=0.0075, num_iterations=args.iterations)
        seconds = time.perf_counter() - start
        rate = training_gflop(layers, m, args.iterations) / seconds
        verdict = "met" if seconds * 2500 / args.iterations < GOAL_SECONDS else "MISSED"
        print(f"{name:<22}{seconds:>9.2f}{rate:>10.2f}{rate / throughput:>10.2f}x  {verdict}")


if __name__ == "__main__":
    main()
