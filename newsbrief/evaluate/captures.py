"""Score the text-capture reader on `data/page-captures`: token P/R/F1 of the recovered body.

Each capture is read with `read_capture`; the body is its `paragraph` and `heading` blocks
joined, scored against the gold article body with bag-of-words F1 (`eval/metrics.py`), beside
the "whole capture" baseline computed in the same run (SOURCE.md publishes 0.635).

Example:
    python -m newsbrief.evaluate.captures --verbose
    python -m newsbrief.evaluate.captures --data /work/shared/data --limit 20 --json
"""

from __future__ import annotations

import html
import json
import logging
import sys
import time
from pathlib import Path
from statistics import mean
from typing import Any

import trafilatura

from ..ingest.capture import read_capture
from ..records import BlockKind, ParsedPage
from .metrics import token_prf
from .report import task_parser

logger = logging.getLogger(__name__)

# The gold bodies are the benchmark's `articleBody`: paragraphs and in-body subheadings. Measured
# on the 121 captures: paragraph+heading 0.933, paragraphs alone 0.931, and adding label and
# takeaway changes nothing (no capture is a story card, so none is detected). We keep labels
# and takeaways out: on a story card they are the card's own lines, not the article body.
BODY_KINDS: frozenset[BlockKind] = frozenset({"paragraph", "heading"})


def body_text(page: ParsedPage, kinds: frozenset[BlockKind] = BODY_KINDS) -> str:
    """The recovered body: the page's blocks of the given kinds, in reading order."""
    return "\n\n".join(b.text for b in page.blocks if b.kind in kinds)


def _trafilatura(capture: str) -> str:
    """The anchor of SOURCE.md: trafilatura on the capture wrapped as one `<p>` per line."""
    lines = "".join(f"<p>{html.escape(line)}</p>" for line in capture.splitlines() if line.strip())
    return trafilatura.extract(f"<html><body>{lines}</body></html>") or ""


# SOURCE.md's table, measured on the same 121 captures (2026-11-26).
PUBLISHED = {
    "whole capture": {"precision": 0.503, "recall": 0.998, "f1": 0.635},
    "trafilatura 2.3.1": {"precision": 0.539, "recall": 0.996, "f1": 0.668},
}


def run(data_dir: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Rows for `newsbrief eval captures`: ours, the anchors run here, and the published."""
    result = score_captures(data_dir, limit)
    n = result["pages"]
    rows = [
        {"task": "captures", "dataset": "page-captures", "system": system, "metric": metric,
         "value": result[key][short], "n": n}
        for system, key in (("newsbrief", "reader"), ("whole capture", "baseline"),
                            ("trafilatura", "trafilatura"))
        for metric, short in (("precision", "p"), ("recall", "r"), ("f1", "f1"))
    ]
    rows += [
        {"task": "captures", "dataset": "page-captures", "system": f"{system} (published)",
         "metric": metric, "value": value, "n": None}
        for system, scores in PUBLISHED.items() for metric, value in scores.items()
    ]
    return rows


def score_captures(data_dir: Path, limit: int | None = None) -> dict[str, Any]:
    """Read every capture under `data_dir/page-captures` and score it against its gold body.

    Args:
        data_dir: the folder holding `page-captures/` (`*.txt` and `gold.json`).
        limit: score only the first `limit` captures (in file-name order).

    Returns:
        {"pages": n, "reader": {"p","r","f1"}, "baseline": {"p","r","f1"},
         "seconds_per_page": float, "per_page": [{"id","p","r","f1","baseline_f1"}, ...]}
    """
    folder = data_dir / "page-captures"
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    paths = sorted(p for p in folder.glob("*.txt") if p.stem in gold)
    if limit is not None:
        paths = paths[:limit]
    rows: list[dict[str, Any]] = []
    elapsed = 0.0
    for path in paths:
        capture = path.read_text(encoding="utf-8")
        started = time.process_time()
        page = read_capture(capture)
        elapsed += time.process_time() - started
        reference = gold[path.stem]["body"]
        p, r, f1 = token_prf(body_text(page), reference)
        bp, br, bf1 = token_prf(capture, reference)
        tp, tr, tf1 = token_prf(_trafilatura(capture), reference)
        rows.append(
            {
                "id": path.stem,
                "p": p,
                "r": r,
                "f1": f1,
                "baseline_p": bp,
                "baseline_r": br,
                "baseline_f1": bf1,
                "trafilatura_p": tp,
                "trafilatura_r": tr,
                "trafilatura_f1": tf1,
            }
        )

    def averages(prefix: str) -> dict[str, float]:
        return {k: mean(row[prefix + k] for row in rows) if rows else 0.0 for k in ("p", "r", "f1")}

    return {
        "pages": len(rows),
        "reader": averages(""),
        "baseline": averages("baseline_"),
        "trafilatura": averages("trafilatura_"),
        "seconds_per_page": elapsed / len(rows) if rows else 0.0,
        "per_page": rows,
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: print per-page scores (--verbose) and the means, or JSON (--json)."""
    parser = task_parser(__doc__, limit_help="score only the first N captures",
                         holding="page-captures/")
    parser.add_argument(
        "--verbose", action="store_true", help="print every page's scores, worst first"
    )
    args = parser.parse_args(argv)
    if not (args.data / "page-captures" / "gold.json").is_file():
        print(
            f"No page captures under {args.data}: pass --data DIR, the folder holding page-captures/.",
            file=sys.stderr,
        )
        return 2
    result = score_captures(args.data, args.limit)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    if args.verbose:
        print(f"{'id':<16} {'P':>6} {'R':>6} {'F1':>6}   baseline F1")
        for row in sorted(result["per_page"], key=lambda r: r["f1"]):
            print(
                f"{row['id'][:16]:<16} {row['p']:6.3f} {row['r']:6.3f} {row['f1']:6.3f}   {row['baseline_f1']:6.3f}"
            )
    for name in ("baseline", "reader"):
        s = result[name]
        label = "whole capture" if name == "baseline" else "read_capture"
        print(f"{label:<14} P {s['p']:.3f}  R {s['r']:.3f}  F1 {s['f1']:.3f}")
    print(f"{result['pages']} pages, {result['seconds_per_page'] * 1000:.2f} ms per page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
