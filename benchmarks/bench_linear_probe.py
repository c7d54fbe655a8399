"""Benchmark: utils.linear_probe (full-batch L-BFGS in torch) vs scikit-learn LogisticRegression.

Both fit the same objective (multinomial logistic regression, L2 penalty, standardised features)
on 50,000 x 1,024 features with 10 classes and are scored on 10,000 test features. Prints the
wall time, accuracy and speed-up of scikit-learn (run to convergence), of ``linear_probe`` with its
default budget (run to its gradient tolerance) and of ``linear_probe`` stopped after ``--early``
L-BFGS iterations (``max_iter``), which is where the test accuracy has already settled. Run: ``python benchmarks/bench_linear_probe.py``.
"""
from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
import utils  # noqa: E402


def make_features(n_train: int, n_test: int, dim: int, n_classes: int, seed: int = 0):
    """Features that look like a frozen encoder's: a random ReLU layer over noisy class clusters."""
    rng = np.random.default_rng(seed)
    latent_dim = 64
    centers = rng.normal(size=(n_classes, latent_dim))
    projection = rng.normal(size=(latent_dim, dim)) / np.sqrt(latent_dim)

    def draw(n):
        y = rng.integers(0, n_classes, n)
        z = centers[y] + 4.0 * rng.normal(size=(n, latent_dim))
        return np.maximum(z @ projection, 0).astype(np.float32), y

    return (*draw(n_train), *draw(n_test))


def main() -> None:
    """Fit both probes on the same data and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n-train", type=int, default=50_000)
    parser.add_argument("--n-test", type=int, default=10_000)
    parser.add_argument("--dim", type=int, default=1024)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--l2", type=float, default=1e-4, help="penalty on the mean loss (sklearn C = 1/(l2*N))")
    parser.add_argument("--early", type=int, default=25, help="L-BFGS iterations of the early-stopped variant")
    args = parser.parse_args()
    xtr, ytr, xte, yte = make_features(args.n_train, args.n_test, args.dim, args.classes)
    print(f"features: train {xtr.shape}, test {xte.shape}, {args.classes} classes; "
          f"torch threads {torch.get_num_threads()}, device {'cuda' if torch.cuda.is_available() else 'cpu'}")

    runs = {}
    for label, opts in [("utils.linear_probe (default, max_iter=100)", {}),
                        (f"utils.linear_probe (max_iter={args.early})", {"max_iter": args.early})]:
        start = time.perf_counter()
        runs[label] = (utils.linear_probe(xtr, ytr, xte, yte, l2=args.l2, **opts), time.perf_counter() - start)

    start = time.perf_counter()
    scaler = StandardScaler().fit(xtr)
    clf = LogisticRegression(C=1.0 / (args.l2 * args.n_train), solver="lbfgs", max_iter=1000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(scaler.transform(xtr), ytr)
    sk_acc = (clf.predict(scaler.transform(xte)) == yte).mean() * 100
    t_sk = time.perf_counter() - start

    print(f"{'method':<44} {'seconds':>8} {'test acc %':>11}  {'speed-up':>8}  {'acc diff':>8}  iterations")
    print(f"{'sklearn LogisticRegression (lbfgs, float64)':<44} {t_sk:>8.2f} {sk_acc:>11.2f}  {'1.0x':>8}  "
          f"{'':>8}  {clf.n_iter_[0]}")
    for label, (res, secs) in runs.items():
        print(f"{label:<44} {secs:>8.2f} {res['test_acc']:>11.2f}  {t_sk / secs:>7.1f}x  "
              f"{res['test_acc'] - sk_acc:>+8.2f}  {res['iterations']}")


if __name__ == "__main__":
    main()
