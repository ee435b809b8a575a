"""Saved or fetched HTML pages → `ParsedPage`, with trafilatura for text and metadata."""

from __future__ import annotations

import logging
from datetime import datetime

import trafilatura
from lxml import etree
from trafilatura.utils import load_html

from ..records import Block, ParsedPage
from .dateline import parse_dateline

logger = logging.getLogger(__name__)

# Meta tags that carry a full publication timestamp (with time and zone), which
# trafilatura's date (from htmldate) reduces to a day.
_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datePublished",
    "pubdate",
    "publishdate",
    "dc.date.issued",
    "sailthru.date",
)


def read_html(page: str | bytes, *, url: str | None = None) -> ParsedPage:
    """Main text, headings and metadata of an HTML page; no blocks if it has no article."""
    tree = load_html(page)  # parse once: the meta lookup and trafilatura share the tree
    if tree is None:
        return ParsedPage(blocks=(), url=url)
    stamp = _meta_published(tree)  # before trafilatura, which prunes the tree
    doc = trafilatura.bare_extraction(
        tree, url=url, with_metadata=True, output_format="python", include_comments=False
    )
    if doc is None or doc.body is None:
        return ParsedPage(blocks=(), url=url)
    day = doc.date
    published = stamp if stamp and (day is None or stamp.date().isoformat() == day) else (
        parse_dateline(day) if day else None
    )
    title = (doc.title or "").strip() or None
    return ParsedPage(
        blocks=tuple(_blocks(doc.body, title)),
        title=title,
        dateline=doc.date,
        published=published,
        author=doc.author,
        outlet=doc.sitename or doc.hostname,
        url=doc.url or url,
        language=doc.language,
    )


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _blocks(body: etree._Element, title: str | None) -> list[Block]:
    """Paragraphs and headings in reading order.

    Headings before the first paragraph are the title and the standfirst, and headings
    with no paragraph after them are page furniture ("Newsletter"): both are dropped.
    """
    blocks: list[Block] = []
    for element in body:
        if element.tag == "list":
            blocks.extend(Block(t) for item in element if (t := _text(item)))
            continue
        text = _text(element)
        if not text or text == title:
            continue
        if element.tag == "head":
            if blocks:
                blocks.append(Block(text, "heading"))
        else:
            blocks.append(Block(text))
    while blocks and blocks[-1].kind == "heading":
        blocks.pop()
    return [b for i, b in enumerate(blocks)
            if b.kind != "heading" or blocks[i + 1].kind == "paragraph"]


def _meta_published(tree: etree._Element) -> datetime | None:
    """A full timestamp (time and zone) from the page's meta tags, if it has one."""
    for name in _PUBLISHED_META:
        for value in tree.xpath(
            "//meta[@property=$n or @name=$n or @itemprop=$n]/@content", n=name
        ):
            if stamp := parse_dateline(str(value)):
                return stamp
    return None
