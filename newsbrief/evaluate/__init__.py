"""Evaluation on public data: one module per task, each with `run(data_dir, limit) -> rows`.

A row is `{"task", "dataset", "system", "metric", "value", "n"}`: `system` is `newsbrief` for
ours, the anchor's name otherwise, and `"<name> (published)"` for a number copied from the
data set's SOURCE.md (with `n` None). Values are fractions in 0..1, or rates whose unit is in
the metric's name (`articles_per_second`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

Row = dict[str, Any]
Runner = Callable[[Path, int | None], list[Row]]

# Task name -> module under newsbrief.evaluate, imported only when the task runs: each
# brings its anchors (trafilatura, sumy, textacy, ...) and their start-up cost.
TASKS: dict[str, str] = {
    "captures": "captures",
    "extraction": "extraction",
    "summary": "summary",
    "sections": "sections",
    "quotes": "quotes",
    "dates": "dates",
    "stories": "stories",
    "faithfulness": "faithfulness",
    "speed": "speed",
}


def runner(task: str) -> Runner:
    """The `run` function of one task."""
    module = importlib.import_module(f"{__name__}.{TASKS[task]}")
    run: Runner = module.run
    return run


def evaluate(tasks: list[str], data_dir: Path, limit: int | None = None, *,
             whole: Collection[str] = (), options: Mapping[str, Mapping[str, Any]] = {}
             ) -> list[Row]:
    """Rows of every task in `tasks`, in order; the tasks in `whole` ignore `limit` (those
    fast enough to gate on their whole data sets, where a quick subset says little), and
    `options[task]` holds a task's own keyword arguments (`stories`: `encoder`)."""
    rows: list[Row] = []
    for task in tasks:
        run: Callable[..., list[Row]] = runner(task)
        rows.extend(run(data_dir, None if task in whole else limit, **options.get(task, {})))
    return rows
