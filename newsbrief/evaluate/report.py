"""Evaluation rows as tables: one per task, one line per (dataset, system), metrics across."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path

from ..datasets import default_data_dir
from . import Row


def _cell(value: float | None, metric: str) -> str:
    if value is None:
        return "–"
    if "per_second" in metric or value > 1.0:
        return f"{value:,.1f}"
    return f"{value:.3f}"


def _order(system: str) -> int:
    """newsbrief first, then the anchors run here, then published numbers."""
    return 0 if system == "newsbrief" else 2 if system.endswith("(published)") else 1


def table(rows: Iterable[Row], *, markdown: bool = False) -> str:
    """A table per task; `–` where a system has no score for a metric."""
    rows = list(rows)
    out: list[str] = []
    for task in dict.fromkeys(r["task"] for r in rows):
        mine = [r for r in rows if r["task"] == task]
        metrics = list(dict.fromkeys(r["metric"] for r in mine))
        lines: dict[tuple[str, str], dict[str, float]] = {}
        counts: dict[tuple[str, str], str] = {}
        for r in sorted(mine, key=lambda r: (r["dataset"], _order(r["system"]))):
            key = (r["dataset"], r["system"])
            lines.setdefault(key, {})[r["metric"]] = r["value"]
            if r.get("n") is not None:
                counts.setdefault(key, str(r["n"]))  # the first metric's: items scored
        header = [task, "system", "n", *metrics]
        body = [[d, s, counts.get((d, s), ""), *(_cell(v.get(m), m) for m in metrics)]
                for (d, s), v in lines.items()]
        if markdown:
            text = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            text += ["| " + " | ".join(r) + " |" for r in body]
        else:
            widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
            fmt = "  ".join(f"{{:<{w}}}" for w in widths)
            text = [fmt.format(*r).rstrip() for r in [header, *body]]
        out.append("\n".join(text))
    return "\n\n".join(out)


def task_parser(doc: str, *, limit_help: str, holding: str = "the data sets"
                ) -> argparse.ArgumentParser:
    """The flags every `python -m newsbrief.evaluate.<task>` shares, as `newsbrief eval` has
    them; a task adds its own. `holding` names the folders `--data` must hold."""
    parser = argparse.ArgumentParser(description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=default_data_dir(),
                        help=f"the folder holding {holding} (default: %(default)s)")
    parser.add_argument("--limit", type=int, help=limit_help)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    return parser
