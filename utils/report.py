"""A browsable HTML report of a ``python -m utils.run``: the summary table, every metric, each executed notebook."""
from __future__ import annotations

import html
import json
import time
from pathlib import Path
from typing import Any, Mapping, Sequence

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.7em; text-align: left; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.ok { color: #1a7f37; font-weight: 600; } .bad { color: #c62828; font-weight: 600; } .muted { color: #777; }
"""


def render_notebook(notebook: Path, source_dir: Path | None = None) -> Path:
    """Write ``notebook`` (an executed ``.ipynb``) as HTML next to it, with nbconvert; return the HTML file.

    Images its markdown links (the concept figure, ``figures/concept.png``) are embedded, found relative to
    ``source_dir`` (the week's folder; default: the notebook's own), so the page shows them wherever it is opened.
    """
    import nbformat
    from nbconvert import HTMLExporter

    resources = {"metadata": {"path": str(source_dir or notebook.parent)}}
    body, _ = HTMLExporter(embed_images=True).from_notebook_node(nbformat.read(notebook, as_version=4),
                                                                  resources=resources)
    target = notebook.with_suffix(".html")
    target.write_text(body, encoding="utf-8")
    return target


def _verdict_class(verdict: str) -> str:
    """CSS class of a verdict or status word."""
    return "ok" if verdict in ("pass", "ok", "produced") else "bad" if verdict in ("FAIL", "FAILED", "MISSING") else "muted"


def _metric_table(metrics_file: Path) -> str:
    """The metric rows a notebook's final check wrote (metric, expected, measured, verdict) as an HTML table."""
    if not metrics_file.exists():
        return '<p class="muted">No metrics: the notebook stopped before its final check.</p>'
    report = json.loads(metrics_file.read_text())
    lines = ["<table><tr><th>metric</th><th>expected</th><th>measured</th><th>verdict</th></tr>"]
    for r in report["rows"]:
        measured = "-" if r["measured"] is None else f"{r['measured']:.4g}"
        lines.append(f"<tr><td>{html.escape(r['metric'])}</td><td>{html.escape(r['expected'])}</td>"
                     f"<td class=num>{measured}</td><td class={_verdict_class(r['verdict'])}>{r['verdict']}</td></tr>")
    return "\n".join(lines + ["</table>"])


def write_report(rows: Sequence[Mapping[str, Any]], out_dir: Path, title: str = "Course run") -> Path:
    """Write ``out_dir/report.html``: one row per executed week and its metrics, linking each notebook's HTML."""
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = ["<table><tr><th>week</th><th>profile</th><th>seed</th><th>minutes</th><th>metrics</th>"
               "<th>status</th><th>notebook</th></tr>"]
    sections = []
    for r in rows:
        notebook = Path(str(r["output"]))
        link = "-"
        if notebook.exists():
            rendered = render_notebook(notebook, Path(str(r["source_dir"])) if r.get("source_dir") else None)
            link = f'<a href="{html.escape(rendered.name)}">{html.escape(rendered.name)}</a>'
        seed = "-" if r.get("seed") is None else str(r["seed"])
        anchor = html.escape(notebook.stem)
        summary.append(f'<tr><td><a href="#{anchor}">{html.escape(str(r["week"]))}</a></td><td>{r["profile"]}</td>'
                       f"<td>{seed}</td><td class=num>{r['minutes']:.2f}</td>"
                       f"<td class={_verdict_class(str(r['metrics']))}>{r['metrics']}</td>"
                       f"<td class={_verdict_class(str(r['status']))}>{r['status']}</td><td>{link}</td></tr>")
        error = f"<p class=bad>{html.escape(str(r['error']))}</p>" if r.get("error") else ""
        sections.append(f'<h2 id="{anchor}">{html.escape(str(r["week"]))} ({r["profile"]}'
                        f'{"" if r.get("seed") is None else f", seed {seed}"})</h2>{error}'
                        + _metric_table(Path(str(r.get("metrics_file", ""))))
                        + f"<p>Executed notebook: {link}</p>")
    passed = sum(r["status"] == "ok" for r in rows)
    page = (f"<!doctype html><html><head><meta charset=utf-8><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
            f"<p>{time.strftime('%Y-%m-%d %H:%M')} &middot; {passed} passed, {len(rows) - passed} failed</p>"
            + "\n".join(summary) + "</table>" + "\n".join(sections) + "</body></html>")
    target = out_dir / "report.html"
    target.write_text(page, encoding="utf-8")
    return target
