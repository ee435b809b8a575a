"""Paragraphs → sentences → sections of the story card.

`split_sentences` uses nupunkt, an offline Punkt model that ships inside its wheel.
Segmenters are pluggable (`registry.segmenters`); `source.v1` keeps the sections the source
already has (story-card labels and takeaways, or subheadings) and otherwise puts the body in
one section after the lede.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Protocol

import nupunkt

from .labels import MAX_TAKEAWAY_WORDS
from .records import LEDE_LABEL, Article, Lede, Paragraph, Section, Sentence, Snippet, Span
from .registry import segmenters

logger = logging.getLogger(__name__)

# A subheading this short reads as a label ("Mediation efforts"); longer ones read as takeaways.
MAX_LABEL_WORDS = 3


# A full stop after a lower-case word of three letters or more, then a capitalised word:
# a sentence break nupunkt's Punkt model sometimes misses ("…last month. Vanessa…",
# "…a famous win. Muller…"). Initials, "U.S." and "p.m." do not match; the few lower-case
# abbreviations that long are listed.
_MISSED_BREAK = re.compile(r"\b([a-z]{3,})\.(\s+)(?=[A-Z])")
_LOWER_ABBREVIATIONS = frozenset(["approx", "incl", "esp", "est", "fig", "vol", "viz", "ibid"])


def _pieces(text: str) -> list[tuple[int, int]]:
    """Spans of `text`'s sentences: nupunkt's, split again at breaks it missed."""
    spans: list[tuple[int, int]] = []
    for _, (start, end) in nupunkt.sent_spans_with_text(text):
        for m in _MISSED_BREAK.finditer(text, start, end):
            if m.group(1) not in _LOWER_ABBREVIATIONS:
                spans.append((start, m.end(2)))
                start = m.end(2)
        spans.append((start, end))
    return spans


def split_sentences(article: Article) -> tuple[Sentence, ...]:
    """The sentences of the body paragraphs, with spans into `article.text`."""
    out: list[Sentence] = []
    for para in article.paragraphs:
        if para.kind != "paragraph":
            continue
        for start, end in _pieces(para.text):
            text = para.text[start:end]
            stripped = text.strip()
            if not stripped:
                continue
            begin = para.span.start + start + (len(text) - len(text.lstrip()))
            out.append(Sentence(stripped, Span(begin, begin + len(stripped))))
    return tuple(out)


class Segmenter(Protocol):
    """Splits an article into its lede and its sections."""

    def __call__(
        self, article: Article, sentences: Sequence[Sentence]
    ) -> tuple[Lede | None, tuple[Section, ...]]: ...


def _snippet(para: Paragraph) -> Snippet:
    return Snippet(para.text, (para.span,))


def _section(article: Article, label: Snippet | None, takeaway: Snippet | None,
             body: list[Paragraph]) -> Section | None:
    if not body:
        return None
    span = Span(body[0].span.start, body[-1].span.end)
    return Section(label, takeaway, article.text[span.start : span.end], span)


def _lede(article: Article, paras: list[Paragraph]) -> Lede | None:
    if not paras:
        return None
    span = Span(paras[0].span.start, paras[-1].span.end)
    return Lede(article.lede_label or LEDE_LABEL, article.text[span.start : span.end], (span,))


@segmenters.register("source.v1")
def make_source_segmenter() -> Segmenter:
    """Keep the source's own sections; without any, lede + one section of the rest."""

    def segment(
        article: Article, sentences: Sequence[Sentence]
    ) -> tuple[Lede | None, tuple[Section, ...]]:
        paras = list(article.paragraphs)
        first_mark = next((i for i, p in enumerate(paras) if p.kind != "paragraph"), None)
        if first_mark is None:
            plain = [p for p in paras if p.kind == "paragraph"]
            tail = _section(article, None, None, plain[1:])
            return _lede(article, plain[:1]), (tail,) if tail else ()
        if first_mark > 0:
            lede_paras, rest = paras[:first_mark], paras[first_mark:]
        else:  # a page that opens on a subheading: its first paragraph is the lede
            first = next((p for p in paras if p.kind == "paragraph"), None)
            lede_paras = [first] if first else []
            rest = [p for p in paras if p is not first]
        sections: list[Section] = []
        label: Snippet | None = None
        takeaway: Snippet | None = None
        body: list[Paragraph] = []

        def close() -> None:
            section = _section(article, label, takeaway, body)
            if section:
                sections.append(section)

        for para in rest:
            if para.kind == "paragraph":
                body.append(para)
                continue
            if body or (para.kind != "takeaway" and (label or takeaway)):
                close()
                label, takeaway, body = None, None, []
            if para.kind == "label":
                label = _snippet(para)
            elif para.kind == "takeaway":
                takeaway = _snippet(para)
            elif len(para.text.split()) <= MAX_LABEL_WORDS:
                label = _snippet(para)
            elif len(para.text.split()) <= MAX_TAKEAWAY_WORDS:
                takeaway = _snippet(para)
            # A longer subheading (an interview's question) is no card line: one is written
            # from the section's own words instead; the heading stays in the article.
        close()
        return _lede(article, lede_paras), tuple(sections)

    return segment
