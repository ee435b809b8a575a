"""The quality gate: floors for every score on a fixed quick subset; CI fails below them.

Floors live in `eval/baseline.json` as `{"limit": N, "whole": [task, ...], "floors":
{"task/dataset/metric": value}}` for newsbrief's own rows: scores on the first N items of each
data set, except for the `whole` tasks, fast enough to be gated on their whole sets. They
only ever rise: `--update-floors` raises each floor to the new score (minus a small epsilon
for noise) and never lowers one unless `--allow-regression` is given, as trafilatura's
`tests/eval_gate.py` does for its extraction F1.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from . import Row

# Scores on a fixed subset are deterministic; the epsilon absorbs float and platform noise
# (e.g. a different libxml2 splitting one paragraph differently on one page).
EPSILON = 0.005


@dataclass(frozen=True, slots=True)
class GateResult:
    failures: list[str]
    checked: int


def _key(row: Row) -> str:
    return f"{row['task']}/{row['dataset']}/{row['metric']}"


def _ours(rows: list[Row]) -> dict[str, float]:
    # Speeds and memory (articles per second, ms per article, MB) depend on the machine:
    # only quality is gated.
    return {_key(r): float(r["value"]) for r in rows
            if r["system"] == "newsbrief" and not _is_speed(r["metric"])}


def _is_speed(metric: str) -> bool:
    return "per_second" in metric or metric.startswith("ms_") or metric.endswith("_mb")


def whole(baseline: Path) -> list[str]:
    """The tasks `baseline` gates on their whole data sets (none when it does not exist)."""
    return list(json.loads(baseline.read_text()).get("whole", [])) if baseline.exists() else []


def check(rows: list[Row], baseline: Path) -> GateResult:
    """Every floor in `baseline` against the scores in `rows`; lower-is-better metrics
    (Pk, WindowDiff) are stored with the prefix `max:` and checked as ceilings."""
    floors: dict[str, float] = json.loads(baseline.read_text())["floors"]
    scores = _ours(rows)
    ran = {r["task"] for r in rows}  # a run of some tasks is gated on those tasks' floors
    floors = {k: v for k, v in floors.items() if k.removeprefix("max:").split("/")[0] in ran}
    failures: list[str] = []
    for name, floor in sorted(floors.items()):
        ceiling = name.startswith("max:")
        key = name.removeprefix("max:")
        if key not in scores:
            failures.append(f"{key}: no score (the task did not run or failed)")
        elif ceiling and scores[key] > floor + EPSILON:
            failures.append(f"{key}: {scores[key]:.4f} is above the ceiling {floor:.4f}")
        elif not ceiling and scores[key] < floor - EPSILON:
            failures.append(f"{key}: {scores[key]:.4f} is below the floor {floor:.4f}")
    return GateResult(failures, len(floors))


LOWER_IS_BETTER = ("pk", "windowdiff")


def update(rows: list[Row], baseline: Path, *, limit: int, allow_regression: bool) -> list[str]:
    """Raise floors to today's scores; refuse to lower any unless `allow_regression`."""
    old = json.loads(baseline.read_text()) if baseline.exists() else {"floors": {}}
    floors: dict[str, float] = dict(old.get("floors", {}))
    notes: list[str] = []
    for key, value in _ours(rows).items():
        ceiling = key.rsplit("/", 1)[-1] in LOWER_IS_BETTER
        name = f"max:{key}" if ceiling else key
        value = round(value, 4)
        prior = floors.get(name)
        worse = prior is not None and (value > prior if ceiling else value < prior)
        if worse and not allow_regression:
            notes.append(f"kept {name} at {prior} (now {value}; --allow-regression to lower)")
            continue
        floors[name] = value
    baseline.write_text(json.dumps({"limit": limit, "whole": old.get("whole", []),
                                    "floors": dict(sorted(floors.items()))}, indent=2) + "\n")
    return notes
