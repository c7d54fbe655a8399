"""Stored expectations: ``expected_metrics.json`` per week and the check every notebook ends with."""
from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from .profiles import is_dry_run

METRICS_OUT_ENV = "COURSE_METRICS_OUT"  # set by `python -m utils.run` to collect verdicts


def load_expected(path: Path | str, profile: str) -> dict[str, dict[str, Any]]:
    """Read the ``profile`` section of an ``expected_metrics.json`` and validate each spec."""
    with open(path) as handle:
        data = json.load(handle)
    if profile not in data:
        raise KeyError(f"{path} has no {profile!r} section (sections: {sorted(k for k in data if not k.startswith('_'))})")
    section = {k: v for k, v in data[profile].items() if not k.startswith("_")}
    for name, spec in section.items():
        kinds = {"value", "min", "max"} & set(spec)
        if not kinds or ("value" in spec and ("tolerance" not in spec or len(kinds) > 1)):
            raise ValueError(f"{path} [{profile}] {name}: a spec is {{'value', 'tolerance'}}, {{'min'}}, {{'max'}} "
                             f"or {{'min', 'max'}}; got {spec}")
    return section


def _describe(spec: Mapping[str, Any]) -> str:
    """Human-readable form of one expectation."""
    if "value" in spec:
        return f"{spec['value']:g} ± {spec['tolerance']:g}"
    if "min" in spec and "max" in spec:
        return f"in [{spec['min']:g}, {spec['max']:g}]"
    return f">= {spec['min']:g}" if "min" in spec else f"<= {spec['max']:g}"


def _passes(value: float, spec: Mapping[str, Any]) -> bool:
    """Whether a measured value satisfies one expectation."""
    if value is None or not math.isfinite(value):
        return False
    if "value" in spec:
        return abs(value - spec["value"]) <= spec["tolerance"]
    return spec.get("min", -math.inf) <= value <= spec.get("max", math.inf)


def check_metrics(measured: Mapping[str, float], path: Path | str, profile: str,
                  not_run: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Print a table (metric, expected, measured, verdict) and raise ``AssertionError`` on any failure.

    Every expected metric must be measured; measured metrics without an expectation are shown as
    ``info``. In a dry run (``COURSE_DRY_RUN=1``) values are not judged (verdict ``produced``), but a
    missing metric still fails. ``not_run`` names expected metrics of parts this run's config leaves out
    (e.g. a model dropped to fit a free GPU): listed as ``not run``, neither judged nor failing, and
    an error if one of them was measured after all. Returns the table rows.
    """
    expected = load_expected(path, profile)
    not_run = set(not_run)
    if unknown := sorted(not_run - set(expected)):
        raise ValueError(f"not_run names metrics without an expectation: {unknown}")
    if ran := sorted(not_run & set(measured)):
        raise ValueError(f"not_run names metrics this run measured: {ran}")
    dry = is_dry_run() and profile == "full"
    rows = []
    for name, spec in expected.items():
        value = measured.get(name)
        value = None if value is None else float(value)
        verdict = ("not run" if name in not_run else "MISSING" if value is None
                   else "produced" if dry else "pass" if _passes(value, spec) else "FAIL")
        rows.append({"metric": name, "expected": _describe(spec), "measured": value, "verdict": verdict,
                     "note": spec.get("note", "")})
    for name in sorted(set(measured) - set(expected)):
        rows.append({"metric": name, "expected": "-", "measured": float(measured[name]), "verdict": "info", "note": ""})
    width = max([len(r["metric"]) for r in rows] + [6])
    title = f"Expected metrics ({profile} profile{', DRY RUN: values not judged' if dry else ''})"
    lines = [f"{title} from {Path(path).name}",
             f"{'metric':<{width}}  {'expected':>18}  {'measured':>10}  verdict", "-" * (width + 42)]
    for r in rows:
        shown = "-" if r["measured"] is None else f"{r['measured']:.4g}"
        lines.append(f"{r['metric']:<{width}}  {r['expected']:>18}  {shown:>10}  {r['verdict']}")
    table = "\n".join(lines)
    print(table)
    failed = [r["metric"] for r in rows if r["verdict"] in ("FAIL", "MISSING")]
    if out := os.environ.get(METRICS_OUT_ENV):
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(json.dumps({"profile": profile, "dry_run": dry, "rows": rows, "passed": not failed},
                                        indent=2))
    if failed:
        raise AssertionError(f"{len(failed)} metric(s) did not meet expectations: {', '.join(failed)}\n{table}")
    checked = len(expected) - len(not_run)
    left_out = f" ({len(not_run)} more belong to parts the config left out: not run)" if not_run else ""
    if dry:
        print(f"DRY RUN: all {checked} expected metrics were produced (their values are not judged){left_out}.")
    else:
        print(f"All {checked} expected metrics hold{left_out}.")
    return rows



def _numbers(values: Sequence[float]) -> list[str]:
    """Min, mean and max of a row: one decimal for percentages and points, three for ratios (all |v| < 1.5)."""
    digits = 3 if max(abs(v) for v in values) < 1.5 else 1
    return [f"{v:.{digits}f}" for v in (min(values), sum(values) / len(values), max(values))]


def measured_table(path: Path | str, names: Sequence[str] | None = None, profile: str = "smoke") -> str:
    """A markdown table of the ``per_seed`` values (seeds 0, 1, ...) stored in ``expected_metrics.json``.

    Checked metrics come from the ``profile`` section; values that are only shown, not checked, from its
    ``_shown`` section (``{"name": {"per_seed": [...], "note": ...}}``). ``names`` picks and orders the
    rows (default: every entry with ``per_seed``).
    """
    with open(path) as handle:
        section = json.load(handle)[profile]
    specs = {k: v for k, v in section.items() if not k.startswith("_")}
    specs.update({k: {**v, "shown": True} for k, v in section.get("_shown", {}).items()})
    rows = ["| metric | checked | seeds | min | mean | max |", "|---|---|---|---|---|---|"]
    for name in names if names is not None else [k for k, v in specs.items() if "per_seed" in v]:
        if name not in specs or "per_seed" not in specs[name]:
            raise KeyError(f"{Path(path).name} [{profile}] has no per_seed values for {name!r}")
        values = [float(v) for v in specs[name]["per_seed"]]
        bound = "shown, not checked" if specs[name].get("shown") else _describe(specs[name])
        cells = " | ".join(_numbers(values))
        rows.append(f"| `{name}` | {bound} | 0–{len(values) - 1} | {cells} |")
    return "\n".join(rows)


def show_measured(path: Path | str, names: Sequence[str] | None = None, profile: str = "smoke") -> None:
    """Display :func:`measured_table` in a notebook (plain text elsewhere), so prose never retypes the numbers."""
    table = measured_table(path, names, profile)
    try:
        from IPython.display import Markdown, display
    except ImportError:
        print(table)
        return
    display(Markdown(f"Measured at seeds 0, 1, ... with 1 CPU thread (`{Path(path).name}`, {profile} profile):\n\n{table}"))
