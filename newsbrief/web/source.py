"""The original text of a card, cut into pieces at every span boundary, for highlighting.

Every line of a brief carries `[start, end)` spans into `article.text`. The page shows the
original text as paragraphs of pieces, each piece tagged with its offsets, so the script
can highlight "the source of this bullet" by comparing numbers, with no text search and no
HTML built in the browser. Works on `Brief.to_dict()`, the shape the store also keeps.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

Pair = list[int]


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of article text between two span boundaries."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class SourceBlock:
    """A paragraph (or heading, label, takeaway) of the original text, in pieces."""

    kind: str
    start: int
    pieces: tuple[Piece, ...]


def brief_spans(card: dict[str, Any]) -> Iterator[Pair]:
    """Every span that a line of the card rests on."""
    if card.get("lede"):
        yield from card["lede"]["spans"]
    for section in card["sections"]:
        for key in ("label", "takeaway", "text"):
            yield from section["spans"][key]
    yield from (s for bullet in card["summary"]["spans"]["bullets"] for s in bullet)
    yield from card["summary"]["spans"]["short"]
    yield from (s for person in card["people"] for s in person["spans"])
    yield from (item["span"] for item in (*card["quotes"], *card["timeline"]))


def source_blocks(card: dict[str, Any]) -> list[SourceBlock]:
    """The article's blocks, each cut at the span boundaries that fall inside it."""
    text: str = card["article"]["text"]
    cuts = sorted({i for pair in brief_spans(card) for i in pair})
    blocks = []
    for paragraph in card["article"]["paragraphs"]:
        start, end = paragraph["span"]
        inner = [c for c in cuts if start < c < end]
        bounds = [start, *inner, end]
        pieces = tuple(Piece(a, b, text[a:b]) for a, b in pairwise(bounds))
        blocks.append(SourceBlock(paragraph["kind"], start, pieces))
    return blocks


def span_attr(spans: Iterable[Pair]) -> str:
    """Spans as the `data-spans` attribute the script reads: "0-122 123-237"."""
    return " ".join(f"{s}-{e}" for s, e in spans)


def first_start(spans: Iterable[Pair]) -> int | None:
    """Where the first span starts: the anchor a no-script link jumps to."""
    return min((s for s, _ in spans), default=None)
