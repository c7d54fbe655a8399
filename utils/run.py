"""Execute week notebooks headlessly, end to end: ``python -m utils.run week01_autoencoder|all [--profile P]``.

Each executed notebook is written to ``runs/<week>_<profile>.ipynb`` (and as HTML beside it); a summary
table (week, profile, minutes, metrics verdict) is printed, ``runs/report.html`` shows the same with every
metric against its expectation and a link to each executed notebook, and the exit code is non-zero on any
failure.
``--seeds 0,1,2`` runs each week once per seed (its ``SEED = 0`` line replaced) and prints every
metric's value per seed: how expectations are measured and how large the seed-to-seed spread is.
``--dry-run`` (full profile only; ``COURSE_DRY_RUN=1``) runs the real code path, data and weights with
run length cut (1 epoch, a slice of each split): what an instructor runs on the GPU machine the day
before class. Offline it stops at the first dataset or weight file it cannot get, with the whole message.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

from .expectations import METRICS_OUT_ENV
from .profiles import DRY_RUN_ENV, ENV_VAR, PROFILES, checkpoint_dir, get_profile, is_dry_run, run_name

REPO_ROOT = Path(__file__).resolve().parent.parent


def list_weeks(root: Path = REPO_ROOT) -> list[str]:
    """Names of the week folders that hold a solution notebook named after the folder."""
    return sorted(p.name for p in root.glob("week[0-9][0-9]_*") if (p / f"{p.name}.ipynb").exists())


def resolve_week(name: str, available: list[str]) -> str | None:
    """The week folder that ``name`` means: its full name, ``week01``, ``01`` or ``1``; None if none does."""
    if name in available:
        return name
    number = name.lower().removeprefix("week")
    matches = [w for w in available if number.isdigit() and w[4:6] == f"{int(number):02d}"]
    return matches[0] if len(matches) == 1 else None


SEED_LINE = re.compile(r"^SEED = 0\b", re.MULTILINE)


def with_seed(nb: "nbformat.NotebookNode", seed: int) -> None:
    """Replace the notebook's one ``SEED = 0`` line (start of a code line) by ``SEED = seed``, in place."""
    hits = [c for c in nb.cells if c.cell_type == "code" and SEED_LINE.search(c.source)]
    if len(hits) != 1 or len(SEED_LINE.findall(hits[0].source)) != 1:
        raise ValueError(f"expected exactly one 'SEED = 0' line in the notebook's code, found {len(hits)} cells")
    hits[0].source = SEED_LINE.sub(f"SEED = {int(seed)}", hits[0].source)


SMOKE_CELL_TIMEOUT = 3600  # seconds a smoke cell may take; full cells have no limit (see cell_timeout)


def cell_timeout(profile: str, requested: int | None = None) -> int | None:
    """Seconds a cell may run: ``requested`` if given, else none in ``full`` (a cell may train for hours), an hour in smoke."""
    if requested is not None:
        return requested
    return None if profile == "full" else SMOKE_CELL_TIMEOUT


def run_week(week: str, profile: str, out_dir: Path, timeout: int | None = None, seed: int | None = None
             ) -> dict[str, object]:
    """Execute one week's solution notebook in ``profile`` (optionally with another seed); return a summary row.

    ``timeout``: seconds per cell; None means :func:`cell_timeout`'s default for the profile.
    """
    import nbformat
    from nbclient.exceptions import CellExecutionError

    from .progress import LiveClient

    src = REPO_ROOT / week / f"{week}.ipynb"
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{week}_{run_name(profile)}" + ("" if seed is None else f"_seed{seed}")
    out_nb, metrics_file = out_dir / f"{stem}.ipynb", out_dir / f"{stem}_metrics.json"
    metrics_file.unlink(missing_ok=True)
    if profile == "full" and is_dry_run():  # every dry run trains from scratch (it never touches real runs)
        shutil.rmtree(checkpoint_dir(src.parent, profile), ignore_errors=True)
    nb = nbformat.read(src, as_version=4)
    if seed is not None:
        with_seed(nb, seed)
    old_env = {k: os.environ.get(k) for k in (ENV_VAR, METRICS_OUT_ENV)}
    os.environ[ENV_VAR], os.environ[METRICS_OUT_ENV] = profile, str(metrics_file)
    client = LiveClient(nb, timeout=cell_timeout(profile, timeout), kernel_name="python3", echo=lambda line: print(line, flush=True),
                        resources={"metadata": {"path": str(src.parent)}},
                        extra_arguments=["--IPKernelApp.log_level=ERROR"])  # no kernel start-up chatter on the console
    start, error, details, unavailable = time.perf_counter(), "", "", ""
    try:
        client.execute()
    except CellExecutionError as err:
        evalue = re.sub(r"\x1b\[[0-9;]*m", "", getattr(err, "evalue", "") or "").strip()  # drop colour codes
        ename = getattr(err, "ename", type(err).__name__)
        first_line = evalue.splitlines()[:1]
        error = f"{ename}: {first_line[0] if first_line else ''}"
        details = (f"in {client.where()}\n" if client.where() else "") + f"{ename}: {evalue}"
        if ename == "DatasetUnavailableError":
            unavailable = evalue  # the data layer's whole message: what, URL, folder, how to fix
    except Exception as err:  # kernel died, timeout, ...
        error = details = f"{type(err).__name__}: {err}"
    finally:
        for key, value in old_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    minutes = (time.perf_counter() - start) / 60
    nbformat.write(nb, out_nb)
    verdict, measured = "no check", {}
    if metrics_file.exists():
        report = json.loads(metrics_file.read_text())
        verdict = "pass" if report["passed"] else "FAIL"
        measured = {r["metric"]: r["measured"] for r in report["rows"] if r["measured"] is not None}
    ok = not error and verdict == "pass"
    return {"week": week, "profile": run_name(profile), "seed": seed, "minutes": minutes, "metrics": verdict,
            "status": "ok" if ok else "FAILED", "error": error, "details": details, "unavailable": unavailable,
            "output": str(out_nb), "metrics_file": str(metrics_file), "measured": measured, "source_dir": str(src.parent)}


def seed_table(rows: list[dict[str, object]]) -> str:
    """Text table of every measured metric of one week (rows) for each seed run (columns)."""
    seeds = [str(r["seed"]) for r in rows]
    metrics = sorted({m for r in rows for m in r["measured"]})
    lines = [f"{'metric':<40}" + "".join(f"{'seed ' + s:>11}" for s in seeds)]
    for m in metrics:
        values = [r["measured"].get(m) for r in rows]
        lines.append(f"{m:<40}" + "".join(f"{v:>11.3f}" if isinstance(v, (int, float)) else f"{'-':>11}"
                                         for v in values))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m utils.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("weeks", nargs="+", help="week folder names (e.g. week01_autoencoder) or 'all'")
    parser.add_argument("--profile", choices=PROFILES, default=None,
                        help="default: COURSE_PROFILE, else 'full' with a CUDA GPU and 'smoke' without")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "runs", help="folder for executed notebooks")
    parser.add_argument("--timeout", type=int, default=None,
                        help="seconds allowed per cell (default: no limit in the full profile, where one cell may "
                             f"train for hours and a re-run resumes from its checkpoints; {SMOKE_CELL_TIMEOUT} in smoke)")
    parser.add_argument("--seeds", default=None,
                        help="comma-separated seeds (e.g. 0,1,2): one run per seed and a table of the metrics")
    parser.add_argument("--dry-run", action="store_true",
                        help="full profile only: real data and weights, run length cut to minutes (sets COURSE_DRY_RUN=1)")
    args = parser.parse_args(argv)
    seeds = [None] if args.seeds is None else [int(s) for s in args.seeds.split(",")]
    available = list_weeks()
    weeks = available if args.weeks == ["all"] else [resolve_week(w, available) for w in args.weeks]
    unknown = [w for w, r in zip(args.weeks, weeks) if r is None] if args.weeks != ["all"] else []
    if unknown:
        parser.error(f"unknown week(s) {', '.join(unknown)}; available: {', '.join(available)} "
                     "(or their short names: week01, 01, 1) or 'all'")
    try:
        profile = args.profile or get_profile()
    except ValueError as err:  # a bad COURSE_PROFILE: one clear line, not a traceback
        parser.error(str(err))
    if args.dry_run and profile != "full":
        parser.error("--dry-run cuts the full profile; use --profile full --dry-run")
    old_dry = os.environ.get(DRY_RUN_ENV)
    if args.dry_run:
        os.environ[DRY_RUN_ENV] = "1"
    try:
        return _run_all(weeks, profile, seeds, args)
    finally:
        if old_dry is None:
            os.environ.pop(DRY_RUN_ENV, None)
        else:
            os.environ[DRY_RUN_ENV] = old_dry


def _run_all(weeks: list[str], profile: str, seeds: list[int | None], args: argparse.Namespace) -> int:
    """Run every (week, seed), print the per-week lines and the summary table; returns the exit code."""
    kind = f"{profile} profile" + (", DRY RUN" if profile == "full" and is_dry_run() else "")
    rows = []
    for week in weeks:
        week_rows = []
        for seed in seeds:
            print(f"--> running {week} ({kind}{'' if seed is None else f', seed {seed}'}) ...", flush=True)
            row = run_week(week, profile, args.out, args.timeout, seed)
            week_rows.append(row)
            print(f"    {row['status']} in {row['minutes']:.2f} min" + (f": {row['error']}" if row["error"] else ""),
                  flush=True)
            if row["details"]:  # the error's whole message and the cell where it happened
                print("\n" + "\n".join(f"    | {line}" for line in row["details"].splitlines()) + "\n", flush=True)
            if row["unavailable"]:
                rows += week_rows
                skipped = weeks[weeks.index(week) + 1:]
                print(f"Stopped at the first dataset or weight file that could not be had"
                      + (f"; not run: {', '.join(skipped)}" if skipped else "") + ".", flush=True)
                return _summary(rows, args.out)
        if args.seeds is not None:
            print(f"\n{week}: measured metrics per seed\n{seed_table(week_rows)}\n")
        rows += week_rows
    return _summary(rows, args.out)


def _summary(rows: list[dict[str, object]], out: Path) -> int:
    """Print the summary table of all runs; return 1 if any failed, else 0."""
    print(f"\n{'week':<28} {'profile':<12} {'seed':>4} {'minutes':>8}  {'metrics':<9} {'status':<7} executed notebook")
    print("-" * 100)
    for r in rows:
        seed = "-" if r["seed"] is None else str(r["seed"])
        print(f"{r['week']:<28} {r['profile']:<12} {seed:>4} {r['minutes']:>8.2f}  {r['metrics']:<9} {r['status']:<7} "
              f"{r['output']}")
    failed = [r for r in rows if r["status"] != "ok"]
    from .report import write_report

    report = write_report(rows, out, title=f"Representation Learning course: {len(rows)} run(s)")
    print(f"\n{len(rows) - len(failed)} passed, {len(failed)} failed; executed notebooks in {out}; "
          f"browsable report: {report}")
    for r in failed:
        print(f"  {r['week']}: {r['error'] or 'metrics check ' + str(r['metrics'])} (see {r['output']})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
