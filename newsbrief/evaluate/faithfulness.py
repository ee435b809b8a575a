"""Faithfulness: does every line of a brief say only what its source says?

Over every page briefed (the extraction benchmark's pages and the page captures): the share of
quotes that are verbatim (`quote.text == article.text[span]`), and the share of capitalised
names and numbers in labels, takeaways, bullets and the short summary that occur in the
article's text. The goal is 100% for both.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..config import Options
from ..errors import NewsbriefError
from ..ingest import ingest
from ..pipeline import Pipeline
from ..records import Brief

logger = logging.getLogger(__name__)

# A name is a capitalised word; a number is a run of digits (with inner separators).
_CHECKED = re.compile(r"\b(?:[A-Z][\w'’-]*|\d+(?:[.,:]\d+)*)\b")


def _pages(data_dir: Path, limit: int | None) -> Iterator[Path]:
    for pattern in ("article-extraction-benchmark/html/*.html.gz", "page-captures/*.txt"):
        yield from sorted(data_dir.glob(pattern))[:limit]


def generated_lines(brief: Brief) -> Iterator[str]:
    """The lines newsbrief writes (rather than copies whole): labels, takeaways, summary."""
    for section in brief.sections:
        for snippet in (section.label, section.takeaway):
            if snippet is not None:
                yield snippet.text
    yield from (b.text for b in brief.summary.bullets)
    if brief.summary.short is not None:
        yield brief.summary.short.text


def unsupported(line: str, text: str, lowered: str) -> list[str]:
    """The names and numbers of `line` that `text` does not contain.

    The first word of a line or of a sentence in it is compared without case: labels,
    takeaways and compressed sentences are written in sentence case ("Largest shareholder"
    from "the largest shareholder"; "There" once "But" is dropped), which names nothing.
    """
    out = []
    for m in _CHECKED.finditer(line):
        word = m.group()
        before = line[: m.start()].rstrip(" \"'“”‘’([")
        first = not before or before[-1] in ".!?:"
        if not (word.lower() in lowered if first else word in text):
            out.append(word)
    return out


def check(brief: Brief) -> tuple[int, int, int, int]:
    """(verbatim quotes, quotes, names and numbers found, names and numbers) of one brief."""
    text = brief.article.text
    lowered = text.lower()
    verbatim = sum(text[q.span.start : q.span.end] == q.text for q in brief.quotes)
    lines = list(generated_lines(brief))
    checked = sum(len(_CHECKED.findall(line)) for line in lines)
    missing = sum(len(unsupported(line, text, lowered)) for line in lines)
    return verbatim, len(brief.quotes), checked - missing, checked


def run(data_dir: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Rows for `newsbrief eval faithfulness`."""
    pipeline = Pipeline.default(Options())
    totals = [0, 0, 0, 0]
    for page in _pages(data_dir, limit):
        try:
            brief = pipeline(ingest(page).unwrap())
        except NewsbriefError as e:
            logger.info("%s: %s", page.name, e)
            continue
        counts = check(brief)
        if counts[0] < counts[1] or counts[2] < counts[3]:
            logger.warning("%s: a line of the brief is not supported by the source", page.name)
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
    verbatim, quotes, found, tokens = totals
    row = {"task": "faithfulness", "dataset": "benchmark pages + captures", "system": "newsbrief"}
    return [
        {**row, "metric": "quotes_verbatim", "value": verbatim / quotes if quotes else 1.0,
         "n": quotes},
        {**row, "metric": "names_numbers_in_source", "value": found / tokens if tokens else 1.0,
         "n": tokens},
    ]
