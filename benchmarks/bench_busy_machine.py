"""Smoke on a busy machine: one week run alone, then beside CPU-bound processes; prints both times.

Students run smoke on laptops that are never idle. OpenMP threads that spin-wait for cores held by
another process used to make a week 30x slower; the setup cell now sets ``OMP_WAIT_POLICY=PASSIVE``
before torch loads OpenMP. This prints the slowdown that remains::

    python benchmarks/bench_busy_machine.py                      # week01, beside 1 busy process
    python benchmarks/bench_busy_machine.py --week week04_simclr --busy 2
    python benchmarks/bench_busy_machine.py --wait-policy ACTIVE  # the old behaviour (slow: minutes)
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def run_week(week: str, env: dict[str, str], timeout: float) -> tuple[float, bool]:
    """Seconds one ``python -m utils.run WEEK --profile smoke`` took, and whether it passed."""
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        try:
            proc = subprocess.run([sys.executable, "-m", "utils.run", week, "--profile", "smoke", "--out", out],
                                  cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout)
            ok = proc.returncode == 0
        except subprocess.TimeoutExpired:
            ok = False
        return time.perf_counter() - start, ok


def main() -> None:
    """Time the week alone and beside ``--busy`` CPU-bound processes; print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--week", default="week01_autoencoder")
    parser.add_argument("--busy", type=int, default=1, help="CPU-bound processes to run beside it")
    parser.add_argument("--wait-policy", default=None, help="OMP_WAIT_POLICY to force (default: the course's)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed per run")
    args = parser.parse_args()
    env = dict(os.environ)
    if args.wait_policy:
        env["OMP_WAIT_POLICY"] = args.wait_policy
    print(f"{args.week} (smoke), {os.cpu_count()} cores, OMP_NUM_THREADS={env.get('OMP_NUM_THREADS', 'default')}, "
          f"OMP_WAIT_POLICY={env.get('OMP_WAIT_POLICY', 'PASSIVE (set by the setup cell)')}")
    alone, ok_alone = run_week(args.week, env, args.timeout)
    print(f"alone:                          {alone:7.1f} s  {'pass' if ok_alone else 'FAILED'}")
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)]
    try:
        busy, ok_busy = run_week(args.week, env, args.timeout)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    print(f"beside {args.busy} CPU-bound process(es): {busy:7.1f} s  {'pass' if ok_busy else 'FAILED (or timed out)'}")
    print(f"slowdown: {busy / alone:.2f}x")


if __name__ == "__main__":
    main()
