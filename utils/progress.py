"""Live progress of a headless notebook run (``python -m utils.run``): which cell runs, its progress bars, time.

A notebook executed by ``nbclient`` shows nothing on the console until it ends, hours in ``full``. The
:class:`LiveClient` below prints every ``every`` seconds the running cell's number and first line, the
time it has taken, and the text of its open progress bars (``tqdm.auto`` in the kernel draws ipywidgets:
an HBox of a description, a bar and a counts text; their text arrives as widget-state messages).
"""
from __future__ import annotations

import html
import re
import threading
import time
from typing import Any, Callable

from nbclient import NotebookClient


def clock(seconds: float) -> str:
    """``seconds`` as ``m:ss`` or ``h:mm:ss``."""
    seconds = int(seconds)
    h, m, s = seconds // 3600, seconds // 60 % 60, seconds % 60
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def widget_text(value: Any) -> str:
    """The plain text of an HTML widget value as tqdm writes it (escaped, figure spaces), or ``""``."""
    if not isinstance(value, str):
        return ""
    return re.sub(r"<[^>]+>", "", html.unescape(value)).replace("\u2007", " ").strip()


class LiveClient(NotebookClient):
    """An ``nbclient.NotebookClient`` that reports the running cell and its progress bars on the console."""

    def __init__(self, nb: Any, *, every: float = 15.0, echo: Callable[[str], None] = print, **kwargs: Any) -> None:
        super().__init__(nb, **kwargs)
        self.every, self.echo = every, echo
        self.on_cell_start = self._cell_started
        self._texts: dict[str, str] = {}  # text widget comm id -> its latest text
        self._boxes: dict[str, list[str]] = {}  # open box comm id -> its children's comm ids, in opening order
        self._cell: tuple[int, str, float] | None = None
        self._lock = threading.Lock()
        self._n_code = sum(c.cell_type == "code" for c in nb.cells)

    def _cell_started(self, cell: Any, cell_index: int, **_: Any) -> None:
        """Hook: remember which cell runs (1-based among code cells) and since when; forget old bars."""
        number = sum(c.cell_type == "code" for c in self.nb.cells[:cell_index + 1])
        first = next((line.strip() for line in cell.source.splitlines()
                      if line.strip() and not line.lstrip().startswith(("#", "@"))), "")
        with self._lock:
            self._cell, self._texts, self._boxes = (number, first[:60], time.perf_counter()), {}, {}

    def handle_comm_msg(self, outs: list, msg: dict[str, Any], cell_index: int) -> None:
        """Record progress bars (an HBox of text widgets, as tqdm draws them), then let nbclient handle the message."""
        comm_id, state = msg["content"]["comm_id"], msg["content"].get("data", {}).get("state", {})
        with self._lock:
            if msg["msg_type"] == "comm_close":  # a finished bar with leave=False closes its box
                self._boxes.pop(comm_id, None)
            if isinstance(state.get("value"), str):
                self._texts[comm_id] = widget_text(state["value"])
            if "children" in state:
                self._boxes[comm_id] = [str(c).removeprefix("IPY_MODEL_") for c in state["children"]]
        super().handle_comm_msg(outs, msg, cell_index)

    def bars(self) -> list[str]:
        """The text of every open progress bar, outermost first (``epoch 3/40:  37% 15/40 [00:10<00:17]``)."""
        with self._lock:
            lines = [" ".join(t for c in children if (t := self._texts.get(c))) for children in self._boxes.values()]
        return [line for line in lines if line]

    def where(self) -> str:
        """The running (or failed) cell: ``cell 4/13 (after 0:02): <its first line>``; ``""`` before any cell."""
        with self._lock:
            if self._cell is None:
                return ""
            number, first, started = self._cell
        return f"cell {number}/{self._n_code} (after {clock(time.perf_counter() - started)}): {first}"

    def status(self) -> str | None:
        """One line on the running cell, then its open progress bars (the outermost and the innermost two)."""
        where = self.where()
        if not where:
            return None
        bars = self.bars()
        bars = bars if len(bars) <= 3 else [bars[0], *bars[-2:]]
        return f"    {where}" + "".join(f"\n        {bar}" for bar in bars)

    def execute(self, **kwargs: Any) -> Any:
        """Execute the notebook; meanwhile a thread prints :meth:`status` every ``every`` seconds."""
        done = threading.Event()

        def report() -> None:
            while not done.wait(self.every):
                line = self.status()
                if line is not None:
                    self.echo(line)

        thread = threading.Thread(target=report, daemon=True)
        thread.start()
        try:
            return super().execute(**kwargs)
        finally:
            done.set()
            thread.join()
