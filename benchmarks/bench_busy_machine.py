"""Smoke on a busy machine: one week run alone, then beside CPU-bound processes, per OpenMP wait setting.

Students run smoke on laptops that are never idle. OpenMP threads that spin-wait for cores held by
another process used to make a week 30x slower. How long an idle OpenMP thread spins before it sleeps
is the trade-off: spinning forever (``OMP_WAIT_POLICY=ACTIVE``) is fastest alone and collapses beside a
busy process; never spinning (``PASSIVE``) is immune to load but pays a wake-up at every parallel region.
A bounded spin (libgomp's ``GOMP_SPINCOUNT``, LLVM libomp's ``KMP_BLOCKTIME``) sits in between. This
prints, for each setting, the week's time alone and beside ``--busy`` CPU-bound processes::

    python benchmarks/bench_busy_machine.py                                  # the course's setting, week 01
    python benchmarks/bench_busy_machine.py --week week04_simclr --busy 2
    python benchmarks/bench_busy_machine.py --setting OMP_WAIT_POLICY=PASSIVE \\
        --setting "OMP_WAIT_POLICY= GOMP_SPINCOUNT=10000" --setting OMP_WAIT_POLICY=ACTIVE --no-busy-for ACTIVE

A setting is a space-separated list of ``NAME=VALUE`` (an empty value unsets the variable, so the setup
cell's default applies). The course's default is what the setup cell sets when nothing is set.
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
WAIT_VARIABLES = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "KMP_BLOCKTIME")
SHOWN_VARIABLES = WAIT_VARIABLES + ("OMP_NUM_THREADS",)


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


def setting_env(setting: str) -> dict[str, str]:
    """The environment of one setting: this process's, wait variables cleared, then ``NAME=VALUE`` applied."""
    env = {k: v for k, v in os.environ.items() if k not in WAIT_VARIABLES}
    for item in setting.split():
        name, _, value = item.partition("=")
        if value:
            env[name] = value
    return env


def describe(env: dict[str, str]) -> str:
    """The wait and thread-count variables an environment sets, or the course's default."""
    shown = [f"{k}={env[k]}" for k in SHOWN_VARIABLES if k in env]
    return " ".join(shown) or "course default (setup cell)"


def main() -> None:
    """Time the week alone and beside ``--busy`` CPU-bound processes for every setting; print a table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--week", default="week01_autoencoder")
    parser.add_argument("--busy", type=int, default=1, help="CPU-bound processes to run beside it")
    parser.add_argument("--setting", action="append", default=None,
                        help="space-separated NAME=VALUE wait variables (repeatable; default: the course's)")
    parser.add_argument("--no-busy-for", action="append", default=[],
                        help="skip the busy run of settings containing this text (e.g. ACTIVE: minutes)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed per run")
    args = parser.parse_args()
    settings = args.setting or [""]
    print(f"{args.week} (smoke), {os.cpu_count()} cores, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'default')}, "
          f"beside {args.busy} CPU-bound process(es)")
    print(f"{'setting':<46} {'alone':>8} {'busy':>8} {'slowdown':>9}")
    for setting in settings:
        env = setting_env(setting)
        alone, ok_alone = run_week(args.week, env, args.timeout)
        row = f"{describe(env):<46} {alone:7.1f}s{'' if ok_alone else '!'}"
        if any(text in setting for text in args.no_busy_for):
            print(f"{row} {'—':>8} {'—':>9}", flush=True)
            continue
        hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)]
        try:
            busy, ok_busy = run_week(args.week, env, args.timeout)
        finally:
            for hog in hogs:
                hog.kill()
                hog.wait()
        print(f"{row} {busy:7.1f}s{'' if ok_busy else '!'} {busy / alone:8.2f}x", flush=True)
    print("! = the run failed or timed out")


if __name__ == "__main__":
    main()
