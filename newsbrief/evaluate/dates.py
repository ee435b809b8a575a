"""Score the date normaliser on TempEval-3 (`data/tempeval3`), beside dateparser.

Each TimeML `.tml` document gives a text, its document creation time (DCT, our anchor) and gold
TIMEX3 spans with TimeML values. Both systems read the same texts with the same anchor:
newsbrief's `find_timexes`, and dateparser's `search_dates` (the tool people use today; its
period — day, week, month, year, time — sets the precision of its value).

Metrics follow the TempEval-3 scorer (UzZaman et al. 2013), so our numbers sit beside the
published ones in SOURCE.md: relaxed span F1 (any overlap), strict span F1 (same extent), value
F1 (a value counts when the spans match relaxed and the values are equal: timex F1 x value
accuracy) and type accuracy over the matched pairs. The DCT itself is the anchor, not a mention,
so it is not scored.

Example:
    python -m newsbrief.evaluate.dates --split train --limit 40
    newsbrief eval dates --json
"""

from __future__ import annotations

import glob
import json
import logging
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..facts.timex import find_timexes
from .report import task_parser

logger = logging.getLogger(__name__)

# SOURCE.md: te3-platinum is the official test set (held back here); TBAQ-cleaned is training.
SPLITS = {"test": "te3-platinum-test", "train": "TBAQ-cleaned"}
METRICS = ("span_f1_relaxed", "span_f1_strict", "value_f1", "type_accuracy")
# SOURCE.md's table columns, by our metric names (its P and R columns are not ours).
_PUBLISHED_COLUMNS = {"span_f1_relaxed": 1, "span_f1_strict": 4, "value_f1": 5}
_DCT_VALUE = re.compile(r"(\d{4})-?(\d\d)-?(\d\d)(?:T(\d\d):?(\d\d))?")


@dataclass(frozen=True, slots=True)
class Mention:
    """A temporal expression: character offsets into the document text, type and value."""

    start: int
    end: int
    type: str
    value: str | None


@dataclass(frozen=True, slots=True)
class Document:
    """A TimeML document: the text of its TEXT element, its DCT and its gold TIMEX3s."""

    name: str
    text: str
    dct: datetime | None
    gold: tuple[Mention, ...]


def load_tml(path: Path) -> Document:
    """Read a `.tml` file into plain text with gold offsets (tags removed, entities decoded)."""
    root = ET.parse(path).getroot()
    dct = None
    dct_timex = root.find("DCT/TIMEX3")
    if dct_timex is not None and (m := _DCT_VALUE.match(dct_timex.get("value", ""))):
        y, mo, d, hh, mm = m.groups()
        dct = datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0))
    parts: list[str] = []
    gold: list[Mention] = []
    size = 0

    def walk(elem: ET.Element) -> None:
        nonlocal size
        if elem.text:
            parts.append(elem.text)
            size += len(elem.text)
        for child in elem:
            start = size
            walk(child)
            if child.tag == "TIMEX3":
                gold.append(Mention(start, size, child.get("type", ""), child.get("value")))
            if child.tail:
                parts.append(child.tail)
                size += len(child.tail)

    text_elem = root.find("TEXT")
    if text_elem is not None:
        walk(text_elem)
    return Document(path.stem, "".join(parts), dct, tuple(gold))


def _newsbrief(doc: Document) -> list[Mention]:
    return [
        Mention(t.span.start, t.span.end, t.type, t.value)
        for t in find_timexes(doc.text, doc.dct)
    ]


def _dateparser_reader() -> Callable[[Document], list[Mention]]:
    """dateparser's `search_dates` anchored at the DCT; the period gives the value's precision."""
    from dateparser.date import DateDataParser
    from dateparser.search import search_dates

    def read(doc: Document) -> list[Mention]:
        settings: dict[str, Any] = {"RETURN_AS_TIMEZONE_AWARE": False}
        if doc.dct is not None:
            settings["RELATIVE_BASE"] = doc.dct
        parser = DateDataParser(languages=["en"], settings=settings)
        found = search_dates(doc.text, languages=["en"], settings=settings) or []
        out: list[Mention] = []
        cursor = 0
        for phrase, when in found:
            start = doc.text.find(phrase, cursor)
            if start < 0:
                continue
            cursor = start + len(phrase)
            period = parser.get_date_data(phrase).period or "day"
            value = {
                "year": f"{when:%Y}",
                "month": f"{when:%Y-%m}",
                "week": f"{when.isocalendar()[0]}-W{when.isocalendar()[1]:02d}",
                "time": f"{when:%Y-%m-%dT%H:%M}",
            }.get(period, f"{when:%Y-%m-%d}")
            out.append(Mention(start, cursor, "TIME" if period == "time" else "DATE", value))
        return out

    return read


@dataclass(slots=True)
class _Tally:
    system: int = 0
    gold: int = 0
    relaxed_sys: int = 0  # system mentions overlapping some gold mention
    relaxed_gold: int = 0  # gold mentions overlapping some system mention
    strict: int = 0
    matched: int = 0  # one-to-one overlapping pairs
    value: int = 0
    type: int = 0

    def add(self, pred: Sequence[Mention], gold: Sequence[Mention]
            ) -> list[tuple[Mention, Mention]]:
        """Count one document; return the matched (gold, system) pairs."""
        self.system += len(pred)
        self.gold += len(gold)
        self.relaxed_sys += sum(any(_overlap(p, g) for g in gold) for p in pred)
        self.relaxed_gold += sum(any(_overlap(p, g) for p in pred) for g in gold)
        exact = {(g.start, g.end) for g in gold}
        self.strict += sum((p.start, p.end) in exact for p in pred)
        pairs: list[tuple[Mention, Mention]] = []
        used: set[int] = set()
        for g in gold:
            best = max(
                (p for i, p in enumerate(pred) if i not in used and _overlap(p, g)),
                key=lambda p: min(p.end, g.end) - max(p.start, g.start),
                default=None,
            )
            if best is not None:
                used.add(pred.index(best))
                pairs.append((g, best))
        self.matched += len(pairs)
        self.value += sum(g.value == p.value for g, p in pairs)
        self.type += sum(g.type == p.type for g, p in pairs)
        return pairs

    def scores(self) -> dict[str, float]:
        relaxed = _f1(self.relaxed_sys / self.system if self.system else 0.0,
                      self.relaxed_gold / self.gold if self.gold else 0.0)
        strict = _f1(self.strict / self.system if self.system else 0.0,
                     self.strict / self.gold if self.gold else 0.0)
        accuracy = self.value / self.matched if self.matched else 0.0
        return {
            "span_f1_relaxed": relaxed,
            "span_f1_strict": strict,
            "value_f1": relaxed * accuracy,  # the TempEval-3 definition
            "type_accuracy": self.type / self.matched if self.matched else 0.0,
        }


def _overlap(a: Mention, b: Mention) -> bool:
    return a.start < b.end and b.start < a.end


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def resolve_split(data_dir: Path, split: str | None) -> tuple[str, Path]:
    """The split's name and folder; without a split, the test set if present, else training."""
    base = data_dir / "tempeval3"
    if split is None:
        split = "test" if (base / SPLITS["test"]).is_dir() else "train"
        if split == "train":
            logger.warning("%s is held back; scoring the training split instead",
                           base / SPLITS["test"])
    return split, base / SPLITS[split]


def score(
    data_dir: Path, limit: int | None = None, *, split: str | None = None,
    systems: Sequence[str] = ("newsbrief", "dateparser"), errors: list[str] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """Rows as `run` returns them, plus each system's milliseconds per document.

    Args:
        errors: if given, newsbrief's misses, false alarms and wrong values are appended to it.
    """
    split, folder = resolve_split(data_dir, split)
    # glob, not Path.rglob: it follows linked folders (a split mounted as a symlink)
    paths = sorted(Path(p) for p in glob.glob(str(folder / "**" / "*.tml"), recursive=True))
    if not paths:
        raise FileNotFoundError(f"no .tml files under {folder}; pass --data DIR")
    docs = [load_tml(p) for p in paths[: limit if limit is not None else None]]
    readers: dict[str, Callable[[Document], list[Mention]]] = {"newsbrief": _newsbrief}
    if "dateparser" in systems:
        readers["dateparser"] = _dateparser_reader()
    rows: list[dict[str, Any]] = []
    timings: dict[str, float] = {}
    for system in systems:
        tally = _Tally()
        began = time.perf_counter()
        predictions = [readers[system](d) for d in docs]
        timings[system] = (time.perf_counter() - began) * 1000 / max(len(docs), 1)
        for doc, pred in zip(docs, predictions, strict=True):
            pairs = tally.add(pred, doc.gold)
            if errors is not None and system == "newsbrief":
                errors.extend(_errors(doc, pred, pairs))
        n = {"span_f1_relaxed": tally.gold, "span_f1_strict": tally.gold,
             "value_f1": tally.gold, "type_accuracy": tally.matched}
        rows += [
            {"task": "dates", "dataset": f"tempeval3-{split}", "system": system,
             "metric": metric, "value": round(value, 4), "n": n[metric]}
            for metric, value in tally.scores().items()
        ]
    return rows, timings


def run(data_dir: Path, limit: int | None = None, *, split: str | None = None) -> list[dict[str, Any]]:
    """Score newsbrief and dateparser on one split of TempEval-3.

    Args:
        data_dir: the folder holding `tempeval3/`.
        limit: score only the first `limit` documents (in path order).
        split: "test" (te3-platinum) or "train" (TBAQ-cleaned); by default the test split if
            it is present, else the training split (the dataset name in each row says which).

    Returns:
        Rows `{"task", "dataset", "system", "metric", "value", "n"}`, one per system and metric.
    """
    rows = score(data_dir, limit, split=split)[0]
    for system, scores in published_scores(data_dir).items():
        rows += [{"task": "dates", "dataset": "tempeval3-test", "system": f"{system} (published)",
                  "metric": metric, "value": value, "n": None} for metric, value in scores.items()]
    return rows


def _errors(doc: Document, pred: Sequence[Mention],
            pairs: list[tuple[Mention, Mention]]) -> list[str]:
    def show(m: Mention) -> str:
        return f"{doc.text[m.start:m.end]!r} {m.type} {m.value}"

    matched_gold = {id(g) for g, _ in pairs}
    matched_pred = {id(p) for _, p in pairs}
    dct = f"{doc.dct:%Y-%m-%d %a}" if doc.dct else "no DCT"
    out = [f"{doc.name} [{dct}] MISS  {show(g)}" for g in doc.gold if id(g) not in matched_gold]
    out += [f"{doc.name} [{dct}] EXTRA {show(p)}" for p in pred if id(p) not in matched_pred]
    out += [
        f"{doc.name} [{dct}] VALUE gold {show(g)} | ours {show(p)}"
        for g, p in pairs if g.value != p.value
    ]
    return out


def published_scores(data_dir: Path) -> dict[str, dict[str, float]]:
    """The published table in `tempeval3/SOURCE.md`, as fractions by our metric names."""
    source = data_dir / "tempeval3" / "SOURCE.md"
    out: dict[str, dict[str, float]] = {}
    if not source.exists():
        return out
    for line in source.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 6 or not re.fullmatch(r"\d+(\.\d+)?", cells[1]):
            continue
        out[cells[0]] = {m: float(cells[i]) / 100 for m, i in _PUBLISHED_COLUMNS.items()}
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = task_parser(__doc__, limit_help="score only the first N documents",
                         holding="tempeval3/")
    parser.add_argument("--split", choices=sorted(SPLITS),
                        help="test (te3-platinum) or train (TBAQ-cleaned); default: test if "
                        "present, else train")
    parser.add_argument("--errors", action="store_true",
                        help="also list newsbrief's misses, false alarms and wrong values")
    parser.add_argument("--no-dateparser", action="store_true",
                        help="skip the (slow) dateparser baseline")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    errors: list[str] | None = [] if args.errors else None
    systems = ("newsbrief",) if args.no_dateparser else ("newsbrief", "dateparser")
    rows, timings = score(args.data, args.limit, split=args.split, systems=systems,
                          errors=errors)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for line in errors or ():
        print(line)
    table: dict[str, dict[str, float]] = {}
    for row in rows:
        table.setdefault(row["system"], {})[row["metric"]] = row["value"]
    dataset = rows[0]["dataset"] if rows else "?"
    gold_n = rows[0]["n"] if rows else 0
    print(f"\nTempEval-3 timex, {dataset} ({gold_n} gold TIMEX3)")
    print(f"{'system':<26}{'relaxed F1':>11}{'strict F1':>11}{'value F1':>10}{'type acc':>10}"
          f"{'ms/doc':>9}")
    for system, scores in table.items():
        print(f"{system + ' (this run)':<26}"
              + "".join(f"{scores.get(m, float('nan')):>{w}.3f}"
                        for m, w in zip(METRICS, (11, 11, 10, 10), strict=True))
              + f"{timings.get(system, float('nan')):>9.1f}")
    published = published_scores(args.data)
    if published:
        print("published on te3-platinum (SOURCE.md):")
        for system, scores in published.items():
            print(f"  {system:<24}{scores['span_f1_relaxed']:>11.3f}"
                  f"{scores['span_f1_strict']:>11.3f}{scores['value_f1']:>10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
