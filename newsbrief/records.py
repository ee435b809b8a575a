"""Every record that crosses a stage boundary.

Records are frozen dataclasses. Anything derived from the article carries `Span` offsets
into `Article.text`, so faithfulness can be checked mechanically: for any span `s`,
`article.text[s.start:s.end]` is the source text a line rests on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

SCHEMA_VERSION = 1

BlockKind = Literal["paragraph", "heading", "label", "takeaway"]
QuoteKind = Literal["full", "partial"]
LEDE_LABEL = "What's the story"


@dataclass(frozen=True, slots=True)
class Span:
    """Half-open character offsets `[start, end)` into `Article.text`."""

    start: int
    end: int

    def to_list(self) -> list[int]:
        return [self.start, self.end]

    @classmethod
    def from_list(cls, pair: list[int]) -> Span:
        return cls(int(pair[0]), int(pair[1]))


def _spans_to_json(spans: tuple[Span, ...]) -> list[list[int]]:
    return [s.to_list() for s in spans]


def _spans_from_json(rows: list[list[int]] | None) -> tuple[Span, ...]:
    return tuple(Span.from_list(r) for r in rows or ())


@dataclass(frozen=True, slots=True)
class Block:
    """One block of a page as an ingester found it, before it becomes part of `Article.text`.

    `kind` says what the source made of it: a body paragraph, a heading, or — on story-card
    pages like the seed — a section's label line or takeaway line.
    """

    text: str
    kind: BlockKind = "paragraph"


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """What a reader (capture, HTML, JSON record) recovered from one page, before `Article`.

    Every ingester returns this one shape; `ingest` turns it into an `Article`.
    """

    blocks: tuple[Block, ...]
    title: str | None = None
    dateline: str | None = None  # as written on the page
    published: datetime | None = None
    related: tuple[str, ...] = ()  # related-story headlines the page links to
    lede_label: str | None = None  # e.g. "What's the story"
    author: str | None = None
    outlet: str | None = None
    url: str | None = None
    language: str | None = None  # as the page declares it, if it does


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A block of `Article.text`, with its kind and span."""

    text: str
    span: Span
    kind: BlockKind = "paragraph"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "span": self.span.to_list()}


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a paragraph."""

    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Snippet:
    """A line of the brief (label, takeaway, lede, bullet) and the source spans it rests on."""

    text: str
    spans: tuple[Span, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "spans": _spans_to_json(self.spans)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Snippet:
        return cls(data["text"], _spans_from_json(data.get("spans")))


@dataclass(frozen=True, slots=True)
class Source:
    """Where an article came from."""

    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    language: str | None = None
    format: str | None = None  # how the page was read: "capture" or "html"

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "outlet": self.outlet,
            "author": self.author,
            "language": self.language,
            "format": self.format,
        }


@dataclass(frozen=True, slots=True)
class Article:
    """A clean article: the output of ingest and the input of every later stage.

    `text` is the body: its blocks (paragraphs, headings, section labels and takeaways)
    joined by blank lines, in reading order. `paragraphs` index it.
    """

    id: str
    title: str | None
    text: str
    paragraphs: tuple[Paragraph, ...]
    source: Source = field(default_factory=Source)
    published: datetime | None = None
    dateline: str | None = None  # the dateline as written, e.g. "Nov 06, 2025 10:27 am"
    related: tuple[str, ...] = ()
    lede_label: str | None = None  # a label the source puts over its lede ("What's the story")

    @property
    def body(self) -> str:
        """The body paragraphs only (no headings, labels or takeaways)."""
        return "\n\n".join(p.text for p in self.paragraphs if p.kind == "paragraph")

    @property
    def word_count(self) -> int:
        return len(self.text.split())

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "text": self.text,
            "paragraphs": [p.to_dict() for p in self.paragraphs],
            "published": format_published(self.published),
            "dateline": self.dateline,
            "related": list(self.related),
            "lede_label": self.lede_label,
            "source": self.source.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        text = data["text"]
        paragraphs = tuple(
            Paragraph(text[s:e], Span(s, e), p.get("kind", "paragraph"))
            for p in data["paragraphs"]
            for s, e in [p["span"]]
        )
        src = data.get("source") or {}
        return cls(
            id=data["id"],
            title=data.get("title"),
            text=text,
            paragraphs=paragraphs,
            source=Source(**{k: src.get(k) for k in Source.__dataclass_fields__}),
            published=parse_published(data.get("published")),
            dateline=data.get("dateline"),
            related=tuple(data.get("related") or ()),
            lede_label=data.get("lede_label"),
        )


@dataclass(frozen=True, slots=True)
class Section:
    """A section of the story card: label (1–3 words), takeaway (one line) and its text."""

    label: Snippet | None
    takeaway: Snippet | None
    text: str
    span: Span

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label.text if self.label else None,
            "takeaway": self.takeaway.text if self.takeaway else None,
            "text": self.text,
            "spans": {
                "label": _spans_to_json(self.label.spans) if self.label else [],
                "takeaway": _spans_to_json(self.takeaway.spans) if self.takeaway else [],
                "text": [self.span.to_list()],
            },
        }


@dataclass(frozen=True, slots=True)
class Lede:
    """The opening of the card, shown under its label ("What's the story")."""

    label: str
    text: str
    spans: tuple[Span, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "text": self.text, "spans": _spans_to_json(self.spans)}


@dataclass(frozen=True, slots=True)
class Summary:
    """What the Summarize button shows: bullets and a short summary, each with spans."""

    bullets: tuple[Snippet, ...] = ()
    short: Snippet | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "bullets": [b.text for b in self.bullets],
            "short": self.short.text if self.short else "",
            "spans": {
                "bullets": [_spans_to_json(b.spans) for b in self.bullets],
                "short": _spans_to_json(self.short.spans) if self.short else [],
            },
        }


@dataclass(frozen=True, slots=True)
class Person:
    """A person the article names, with role and affiliation as the article states them."""

    name: str
    role: str | None = None
    affiliation: str | None = None
    spans: tuple[Span, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "affiliation": self.affiliation,
            "spans": _spans_to_json(self.spans),
        }


@dataclass(frozen=True, slots=True)
class Quote:
    """A verbatim quote: `text == article.text[span.start:span.end]`.

    A quote interrupted by its attribution (`"…," he said, "…"`) comes as consecutive
    parts, the later ones with `continues` set. `speaker_span` is the text naming the
    speaker for this quote ("he", "Asif"), so the attribution can be checked too.
    """

    text: str
    span: Span
    speaker: str | None
    kind: QuoteKind
    speaker_span: Span | None = None
    continues: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "speaker": self.speaker,
            "kind": self.kind,
            "span": self.span.to_list(),
            "speaker_span": self.speaker_span.to_list() if self.speaker_span else None,
            "continues": self.continues,
        }


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """An event the article mentions, its date normalised to ISO 8601 (or None if undated)."""

    date: str | None
    as_written: str
    event: str
    span: Span

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "as_written": self.as_written,
            "event": self.event,
            "span": self.span.to_list(),
        }


@dataclass(frozen=True, slots=True)
class Brief:
    """The story card of one article, with its summary and facts.

    Stages fill it in turn (see `pipeline.py`); fields a stage has not filled are empty.
    """

    article: Article
    headline: str | None = None
    lede: Lede | None = None
    sections: tuple[Section, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    summary: Summary = field(default_factory=Summary)
    people: tuple[Person, ...] = ()
    organizations: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a brief (schema_version 1), the same in every interface."""
        a = self.article
        return {
            "schema_version": SCHEMA_VERSION,
            "id": a.id,
            "headline": self.headline,
            "related": list(a.related),
            "published": format_published(a.published),
            "dateline": a.dateline,
            "lede": self.lede.to_dict() if self.lede else None,
            "sections": [s.to_dict() for s in self.sections],
            "summary": self.summary.to_dict(),
            "people": [p.to_dict() for p in self.people],
            "organizations": list(self.organizations),
            "places": list(self.places),
            "quotes": [q.to_dict() for q in self.quotes],
            "timeline": [t.to_dict() for t in self.timeline],
            "source": a.source.to_dict(),
            "article": {
                "title": a.title,
                "text": a.text,
                "paragraphs": [p.to_dict() for p in a.paragraphs],
                "word_count": a.word_count,
            },
        }


def format_published(value: datetime | None) -> str | None:
    """ISO 8601 to the minute, with the UTC offset when the source stated a time zone."""
    if value is None:
        return None
    spec = "seconds" if value.second else "minutes"
    return value.isoformat(timespec=spec)


def parse_published(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
