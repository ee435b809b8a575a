"""Saved or fetched HTML pages → `ParsedPage`, with trafilatura for the main text.

trafilatura finds the article's container; around it, this module:

- reads what the page says about itself before extraction — JSON-LD (`headline`,
  `datePublished`, `author`, `articleBody`), meta tags and the `<h1>` — from the parsed tree
  (trafilatura works on its own copy, so the tree stays whole and is parsed only once);
- turns trafilatura's XML into blocks: paragraphs, headings, list items and table rows, with
  the loose text between elements kept and words of two blocks never glued together;
- adds the paragraphs of the article's sibling containers (a body split in several `<div>`s of
  the same class around an advertisement, of which trafilatura keeps the first);
- takes the page's JSON-LD `articleBody` when trafilatura's text is plainly a truncated part of
  it (a paywall teaser) or has lost its paragraph breaks;
- drops page furniture that trafilatura lets through: cross-links ("Read more: ..."), and the
  tail of related links, newsletter and contact boxes, photo credits and copyright lines;
- chooses the headline (the `<h1>` that matches the page's title, not the `<title>` with the
  site's name) and the author;
- dates the article as its reader sees it: the dateline shown under the headline (in the
  page's language, day first outside the US, a shown update never taken over the
  publication), with the time and zone of the markup's timestamp of that moment; else the
  markup's publication date (microdata, meta tags, JSON-LD, a UTC stamp read on the URL's
  day), a date at the article's foot, the URL's date, and last htmldate's guess.

Measured on the article-extraction-benchmark and trafilatura-eval sets by
`python -m newsbrief.evaluate.extraction`.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any, cast
from urllib.parse import urlparse

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.settings import Document
from trafilatura.utils import load_html

from ..records import Block, BlockKind, ParsedPage
from .dateline import find_dateline, parse_dateline

logger = logging.getLogger(__name__)

_JSON_LD = etree.XPath('//script[@type="application/ld+json"]/text()', smart_strings=False)
_H1 = etree.XPath("//h1")
_META = etree.XPath("//meta[@content]")
# Where a byline names the author, in the order they are trusted: a link marked as the author's,
# schema.org microdata, an hCard, then elements whose class says "byline" or "author".
_BYLINE_XPATHS = tuple(etree.XPath(x) for x in (
    '//a[contains(concat(" ", normalize-space(@rel), " "), " author ")]',
    '//*[@itemprop="author"]//*[@itemprop="name"] | //*[@itemprop="author"][not(*)]',
    ('//*[contains(concat(" ", normalize-space(@class), " "), " vcard ")]'
     '//*[contains(concat(" ", normalize-space(@class), " "), " fn ")]'),
    '//*[contains(@class, "byline")]',
    '//*[contains(@class, "author") and not(contains(@class, "authors"))]',
))
# Schema.org types of the object that describes the article itself.
_ARTICLE_TYPE = re.compile(r"(Article|BlogPosting|Posting|Report|WebPage|Review)$")


@dataclass(frozen=True, slots=True)
class _Hints:
    """What the page says about itself, read from the whole tree before extraction."""

    headline: str | None = None  # JSON-LD headline
    og_title: str | None = None
    site_name: str | None = None
    stated: tuple[_Dated, ...] = ()  # the dates of JSON-LD, microdata, meta tags and URL
    day_first: bool | None = None  # whether the page writes "03/05/2022" for 3 May
    authors: tuple[str, ...] = ()  # JSON-LD authors that are people
    article_body: str | None = None  # JSON-LD articleBody, as plain text
    h1: tuple[str, ...] = ()


def read_html(page: str | bytes, *, url: str | None = None) -> ParsedPage:
    """Main text, headings and metadata of an HTML page; no blocks if it has no article."""
    tree = load_html(page)  # parse once: trafilatura extracts from its own copy of the tree
    if tree is None:
        return ParsedPage(blocks=(), url=url)
    hints = _hints(tree, url)
    doc = cast(Document | None, trafilatura.bare_extraction(  # a dict only with `as_dict`
        tree, url=url, with_metadata=True, output_format="python", include_comments=False,
        include_links=True,  # links mark related-story lists and cross-links as furniture
    ))
    if doc is None or doc.body is None:
        return ParsedPage(blocks=(), url=url)
    sites = _sites(doc.sitename, hints.site_name, doc.hostname, urlparse(url or "").hostname)
    title = _title(hints, doc.title, sites)
    lines = _lines(doc.body, {t for t in (title, doc.title, *hints.h1[:1]) if t})
    lines = _with_siblings(tree, lines, url)
    lines = _with_article_body(lines, hints.article_body, url)
    blocks = _without_furniture(lines)
    first = blocks[0].text if blocks else None
    last = next((b.text for b in reversed(blocks) if b.kind == "paragraph"), None)
    published = _published(
        hints.stated, _shown_dates(tree, title, first, last, hints.day_first), doc.date)
    return ParsedPage(
        blocks=tuple(blocks),
        title=title,
        dateline=doc.date,
        published=published,
        author=_author(tree, hints, doc.author, sites),
        outlet=doc.sitename or doc.hostname,
        url=doc.url or url,
        language=doc.language,
    )


# --- what the page says about itself ---------------------------------------------------------

def _hints(tree: HtmlElement, url: str | None = None) -> _Hints:
    headline = body = None
    authors: list[str] = []
    json_ld = _json_ld(tree)
    for article in _json_ld_articles(json_ld):
        headline = headline or _string(article.get("headline"))
        if not authors:
            authors = list(_people(article.get("author")))
        text = _string(article.get("articleBody"))
        if text and (body is None or len(text) > len(body)):
            body = text
    h1 = tuple(t for e in _H1(tree)[:5] if (t := _clean(e.text_content())))
    meta = _meta(tree)
    day_first = _day_first(tree, meta)
    return _Hints(
        headline=headline and _clean(headline),
        og_title=_clean(meta.get("og:title")) or None,
        site_name=_clean(meta.get("og:site_name")) or None,
        stated=tuple(_stated_dates(tree, json_ld, meta, url, day_first)),
        day_first=day_first,
        authors=tuple(authors),
        article_body=_plain(body) if body else None,
        h1=h1,
    )


def _json_ld(tree: HtmlElement) -> list[object]:
    """The page's JSON-LD blocks, parsed once; a malformed block is skipped."""
    blocks: list[object] = []
    for script in _JSON_LD(tree):
        try:
            blocks.append(json.loads(script, strict=False))
        except ValueError:
            continue
    return blocks


def _json_ld_articles(blocks: Sequence[object], *, nested: bool = True) -> Iterator[dict[str, Any]]:
    """JSON-LD objects that describe an article (or the page), outermost first; with
    `nested=False` only those the page describes itself by (top level, `@graph`,
    `mainEntity`), not the reviews of a recipe or the articles a page lists."""
    for data in blocks:
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                kinds = item.get("@type")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                if any(isinstance(k, str) and _ARTICLE_TYPE.search(k) for k in kinds):
                    yield item
                stack.extend(v for k, v in item.items() if k in ("@graph", "mainEntity")
                             or nested and isinstance(v, list) and k != "author")


def _string(value: object) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    return value.strip() or None if isinstance(value, str) else None


def _people(value: object) -> Iterator[str]:
    """Names of the people in a JSON-LD `author` (organisations and URLs are not bylines)."""
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            if item.get("@type") == "Organization":
                continue
            item = item.get("name")
        if isinstance(item, str) and (name := _clean(item)) and "://" not in name:
            yield name


# Words of a site's name that say nothing about which site it is.
_SITE_GENERIC = frozenset({"the", "www", "com", "org", "net", "de", "at", "ch", "fr", "co", "uk",
                           "online"})


def _site_key(name: str) -> str:
    """A site's name reduced to its telling words, run together: "www.badische-zeitung.de",
    "Badische Zeitung" and "badische-zeitung" all give "badischezeitung"."""
    return "".join(w for w in re.findall(r"[^\W_]+", name.casefold()) if w not in _SITE_GENERIC)


def _sites(*names: str | None) -> set[str]:
    """The keys of the site's names: its declared name, its host name (without its top-level
    domain: "harbourtimes.example" is "harbourtimes")."""
    keys = set()
    for name in names:
        if name and " " not in name.strip() and "." in name:
            keys.add(_site_key(name.strip().rsplit(".", 1)[0]))
        if name:
            keys.add(_site_key(name))
    return keys - {""}


def _names_site(text: str, sites: set[str]) -> bool:
    """Whether `text` is one of the site's names ("Jungefreiheit De" for jungefreiheit.de)."""
    return _site_key(text) in sites


def _meta(tree: HtmlElement) -> dict[str, str]:
    """The page's meta tags, `{name, property or itemprop: content}` (the first of each)."""
    found: dict[str, str] = {}
    for element in _META(tree):
        content = element.get("content")
        for key in ("property", "name", "itemprop"):
            if (name := element.get(key)) and content:
                found.setdefault(name, content)
    return found


def _stamp(text: str, day_first: bool | None = None) -> datetime | None:
    """`parse_dateline`, where a form it cannot read is no date rather than a crash."""
    try:
        return parse_dateline(text, day_first=day_first)
    except (KeyError, ValueError, OverflowError) as e:  # e.g. "15:01:00 -0600" (RFC 2822)
        logger.debug("unreadable timestamp %r: %s", text, e)
        return None


def _clean(text: str | None) -> str:
    """Whitespace collapsed, soft hyphens (invisible break hints) removed."""
    return " ".join((text or "").replace("\xad", "").split())


_TAG = re.compile(r"<[^>]+>")
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|h[1-6]|li|blockquote)\b[^>]*>", re.IGNORECASE)


def _plain(body: str) -> str:
    """JSON-LD `articleBody` as plain text: some sites put HTML in it."""
    if "<" in body and _TAG.search(body):
        body = _TAG.sub("", _BLOCK_TAG.sub("\n", body))
    return html.unescape(body)


# --- the publication date ---------------------------------------------------------------------

# Meta tags that name the publication time, in the order they are trusted.
_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "article:published",
    "datepublished", "pubdate", "publishdate", "publish-date", "publish_date",
    "publication_date", "parsely-pub-date", "dc.date.issued", "dcterms.issued",
    "sailthru.date", "date.published", "og:published_time", "vr:published-time",
    "citation_publication_date", "citation_date", "og:pubdate",
)  # fmt: skip
# Meta tags with a date of the page, not said to be the publication's: a content system's
# "date" is often the day the page was generated or last edited.
_GENERIC_META = ("date", "dc.date", "dcterms.date", "dc.date.created", "dcterms.created",
                 "created", "creation_date")
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "last-modified",
                  "dcterms.modified", "dc.date.modified")
_MICRODATA_PUBLISHED = etree.XPath('//*[@itemprop="datePublished" or @itemprop="dateCreated"]')
# A date in the URL's path: /2019/11/19/, /2019-11-19-, /20191119/.
_URL_DATE = re.compile(
    r"(?<![\d])(?P<year>(?:19|20)\d\d)(?P<sep>[/_-]?)(?P<month>[01]\d)(?P=sep)(?P<day>[0-3]\d)(?!\d)"
)
# Elements whose text is never shown, or is not the page's own.
_UNSEEN = frozenset({"script", "style", "noscript", "template", "svg", "head", "select",
                     "option", "iframe", "button"})
# Labels of a shown date: a last update is not the publication.
_UPDATED = re.compile(
    r"\b(?:updated?|last (?:updated|modified|changed)|modified|revised|aktualisiert|zuletzt"
    r"|geändert|actualizado|actualización|mis à jour|modifié|aggiornato|päivitetty"
    r"|bijgewerkt|atualizado)\b",
    re.IGNORECASE,
)
_PUBLISHED_LABEL = re.compile(
    r"\b(?:published|posted|first published|veröffentlicht|erstellt|publiziert|erschienen"
    r"|datum|date|publié|publicado|pubblicato|julkaistu|gepubliceerd|publicação)\b",
    re.IGNORECASE,
)
# Text of the page's header around the headline: how far before the headline a dateline may
# sit, and how much text after it (before the body) is read for one.
_BEFORE_HEADLINE = 200
_AFTER_HEADLINE = 1500
_AFTER_BODY = 300  # characters of text after the body's last paragraph, for a dateline there
_DATELINE_WORDS = 16  # a longer text with a date in it is a sentence, not a dateline


@dataclass(frozen=True, slots=True)
class _Dated:
    """A date the page states, where it states it, and what it is said to be."""

    when: datetime
    source: str  # "ld", "microdata", "meta", "generic", "url"; "shown", "above" (the headline)
    updated: bool = False  # said to be a last update, not the publication
    at: int = 0  # shown dates: characters of text between the headline and the date


# Classes and styles that hide an element from the reader (text for search engines and
# screen readers: "<span class='updated rich-snippet-hidden'>2022-12-07T10:10:52</span>").
_HIDDEN_CLASSES = frozenset({"hidden", "hide", "d-none", "sr-only", "screen-reader-text",
                             "visually-hidden", "visuallyhidden", "invisible", "element-invisible"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def _hidden(element: HtmlElement) -> bool:
    classes = (element.get("class") or "").casefold().split()
    return (any(c in _HIDDEN_CLASSES for c in classes)
            or bool(_HIDDEN_STYLE.search(element.get("style") or "")))


def _page_text(tree: HtmlElement) -> list[tuple[HtmlElement, str]]:
    """The page's shown text in reading order: (element, text) for each text and tail, and
    (element, "") when an element starts, so that elements can be found in the sequence."""
    pieces: list[tuple[HtmlElement, str]] = []
    walker = etree.iterwalk(tree, events=("start", "end"))
    for event, element in walker:
        if not isinstance(element.tag, str):
            if event == "end" and element.tail and (parent := element.getparent()) is not None:
                pieces.append((parent, element.tail))
            continue
        if event == "start":
            if (element.tag in _UNSEEN or element.get("hidden") is not None or _hidden(element)
                    # a form's text is its controls' labels, unless the page is all one form
                    or element.tag == "form" and element.find(".//h1") is None):
                walker.skip_subtree()
                continue
            pieces.append((element, ""))
            if element.text:
                pieces.append((element, element.text))
        elif element.tail:
            parent = element.getparent()
            pieces.append((parent if parent is not None else element, element.tail))
    return pieces


_HEADINGS = etree.XPath("//h1 | //h2 | //h3")
_UPDATED_CLASS = re.compile(r"modif|last-?updat|updated-?(?:date|time|at|on)|aktualis",
                            re.IGNORECASE)


def _shown_dates(tree: HtmlElement, headline: str | None, first: str | None,
                 last: str | None = None, day_first: bool | None = None) -> list[_Dated]:
    """The dates a reader sees around the article, in the order they are trusted.

    First the article's header, where a dateline is ("Published 3 May 2022", "Stand:
    28.04.2020 18:00 Uhr", `<time datetime=...>`): after the headline, up to and with the
    body's first paragraph (where extraction keeps a dateline), then just above the headline
    (source "above": a page's header may show today's date there). The headline's own words
    are not read ("Minutes of the meeting of 10 October 2019"). Then the article's foot, right
    after its last paragraph ("Erstellt am: 01.11.2023", "Letzte Änderung: ..."; source
    "foot").
    """
    pieces = _page_text(tree)
    starts = {id(e): i for i, (e, t) in enumerate(pieces) if not t}
    # the first of the headline's headings that is shown (not one hidden for screen readers)
    head, h = next(((e, starts[id(e)]) for e in _headline_elements(tree, headline)
                    if id(e) in starts), (None, None))
    found: list[_Dated] = []
    if head is None or h is None:
        b = _body_start(pieces, first, 0)
        if b is not None:
            found = _dates_in(pieces, _back(pieces, b, 3 * _BEFORE_HEADLINE),
                              _block_end(pieces, b, first), day_first)
    else:
        inside = {id(e) for e in head.iter()}
        after = h
        while after < len(pieces) and id(pieces[after][0]) in inside:
            after += 1
        b = _body_start(pieces, first, after)
        end, size = after, 0
        while end < len(pieces) and (b is None or end < b) and size < _AFTER_HEADLINE:
            size += len(pieces[end][1])
            end += 1
        if b is not None and end == b:  # with the first paragraph, which may be the dateline
            end = _block_end(pieces, b, first)
        found = _dates_in(pieces, after, end, day_first) + [
            replace(d, source="above")
            for d in _dates_in(pieces, _back(pieces, h, _BEFORE_HEADLINE), h, day_first)]
    if b is not None and (e := _body_start(pieces, last, b)) is not None:
        start = e
        block = pieces[e][0]
        while (parent := block.getparent()) is not None and block.tag not in _PROSE_TAGS | {"div"}:
            block = parent
        inside = {id(x) for x in block.iter()}
        while e + 1 < len(pieces) and id(pieces[e + 1][0]) in inside:
            e += 1
        end, size = e + 1, 0
        while end < len(pieces) and size < _AFTER_BODY:
            size += len(pieces[end][1])
            end += 1
        # with the last paragraph itself: extraction keeps a dateline at the foot as one
        found += [replace(d, source="foot") for d in _dates_in(pieces, start, end, day_first)]
    return found


# A timestamp as machines write it: text a page carries for search engines, not its reader.
_MACHINE_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def _dates_in(pieces: list[tuple[HtmlElement, str]], start: int, end: int,
              day_first: bool | None) -> list[_Dated]:
    """The datelines among `pieces[start:end]`, each with whether it is labelled an update."""
    found: list[_Dated] = []
    context = ""
    at = 0
    read_time: HtmlElement | None = None  # a <time> read from its datetime attribute
    for element, text in pieces[start:end]:
        if not text:
            if element.tag == "time" and (value := element.get("datetime")):
                shown = _clean(element.text_content())
                dated = find_dateline([shown], day_first=day_first) if shown else None
                when = dated[2] if dated else _stamp(value, day_first)
                if when:
                    read_time = element
                    # the label may be in the element: <time>Updated on: Nov 20, 2019</time>
                    label = f"{context} {shown[:shown.find(dated[1])] if dated else ''}"
                    found.append(_Dated(when, "shown", _is_updated(element, label), at))
                    context = ""
            continue
        text = _clean(text)
        at += len(text)
        if not text or (read_time is not None and element is read_time):
            continue
        dated = find_dateline([text], day_first=day_first)
        if dated is None:
            context = text if len(text.split()) <= 4 else ""
            continue
        if not _in_prose(element) and not _MACHINE_STAMP.match(text):
            label = f"{context} {text[:text.find(dated[1])] if dated[1] in text else ''}"
            found.append(_Dated(dated[2], "shown", _is_updated(element, label), at))
        context = ""
    return found


# Elements whose text is a sentence or a caption when it is long: a date in them is an event's
# or a photo's ("... am 30.01.2013 feierte das erste Programm Premiere"), not the dateline.
_PROSE_TAGS = frozenset({"p", "li", "blockquote", "figcaption", "dd", "td"})


def _in_prose(element: HtmlElement | None) -> bool:
    """Whether `element` is (in) a paragraph of prose, or in a caption."""
    for _ in range(4):
        if element is None:
            return False
        if element.tag == "figcaption":
            return True
        if element.tag in _PROSE_TAGS:
            return _words(_clean(element.text_content())) > 2 * _DATELINE_WORDS
        element = element.getparent()
    return False


def _is_updated(element: HtmlElement, label: str) -> bool:
    """Whether a shown date is labelled as a last update ("Aktualisiert:", class "modified")."""
    if _UPDATED.search(label) and not _PUBLISHED_LABEL.search(label):
        return True
    parent = element.getparent()
    classes = " ".join(filter(None, (element.get("class"), element.get("itemprop"),
                                    (element if parent is None else parent).get("class"))))
    return bool(_UPDATED_CLASS.search(classes)) or "dateModified" in classes


def _back(pieces: list[tuple[HtmlElement, str]], index: int, chars: int) -> int:
    """The index `chars` characters of text before `index`."""
    size = 0
    while index > 0 and size < chars:
        index -= 1
        size += len(pieces[index][1])
    return index


def _headline_elements(tree: HtmlElement, headline: str | None) -> list[HtmlElement]:
    """The headings that may show the headline, best first: the `<h1>`-`<h3>` with its text,
    those with its text before the site's name ("Headline | Site"), then the first `<h1>`."""
    headings = sorted(_HEADINGS(tree), key=lambda e: e.tag)  # stable: h1s first, in order
    texts = [_clean(e.text_content()).casefold() for e in headings]
    found: list[HtmlElement] = []
    if headline:
        key = headline.casefold()
        found += [e for e, text in zip(headings, texts, strict=True) if text == key]
        found += [e for e, text in zip(headings, texts, strict=True)
                  if len(text) >= 15 and text != key and key.startswith(text)]
    return found + [e for e in headings[:1] if e.tag == "h1"]


def _block_end(pieces: list[tuple[HtmlElement, str]], start: int, text: str | None) -> int:
    """The index after the pieces, from `start` on, that hold a block's `text`."""
    size, end, total = 0, start, min(len(text or ""), _AFTER_HEADLINE)
    while end < len(pieces) and (end == start or size < total):
        size += len(_clean(pieces[end][1]))
        end += 1
    return end


def _body_start(pieces: list[tuple[HtmlElement, str]], first: str | None,
                start: int) -> int | None:
    """Where the article's first paragraph starts in the page's text, from `start` on."""
    if not first:
        return None
    first = _clean(first)
    for i in range(start, len(pieces)):
        text = _clean(pieces[i][1])
        if len(text) >= 20 and first.startswith(text[:60]):
            return i
    return None


def _day_first(tree: HtmlElement, meta: dict[str, str]) -> bool | None:
    """Whether the page writes numeric dates day first ("03/05/2022" is 3 May): outside the
    United States nearly everyone does. None when the page does not say its language, or says
    plain English (month first, the US way, unless a number above 12 settles it)."""
    lang = (tree.get("lang") or meta.get("og:locale") or meta.get("language") or "")
    lang = lang.strip().casefold().replace("_", "-")
    if not lang or lang in ("en", "en-us"):
        return None
    return True


def _stated_dates(tree: HtmlElement, json_ld: Sequence[object], meta: dict[str, str],
                  url: str | None, day_first: bool | None = None) -> list[_Dated]:
    """The dates the page's markup states: JSON-LD, microdata, meta tags and the URL."""
    found: list[_Dated] = []
    for article in _json_ld_articles(json_ld, nested=False):
        for key, updated in (("datePublished", False), ("dateCreated", False),
                             ("dateModified", True)):
            if (value := _string(article.get(key))) and (when := _stamp(value, day_first)):
                found.append(_Dated(when, "ld", updated))
    for element in _MICRODATA_PUBLISHED(tree)[:3]:
        value = element.get("content") or element.get("datetime") or _clean(
            element.text_content())
        if value and (when := _stamp(value, day_first)):
            found.append(_Dated(when, "microdata"))
    lowered = {k.casefold(): v for k, v in reversed(meta.items())}
    for names, source, updated in ((_PUBLISHED_META, "meta", False),
                                   (_GENERIC_META, "generic", False),
                                   (_MODIFIED_META, "meta", True)):
        for name in names:
            if (value := lowered.get(name)) and (when := _stamp(value, day_first)):
                found.append(_Dated(when, source, updated))
    if url and (m := _URL_DATE.search(urlparse(url).path)):
        try:
            found.append(_Dated(datetime(int(m["year"]), int(m["month"]), int(m["day"])),
                                "url"))
        except ValueError:
            pass
    return found


# The markup that names the publication, in the order it is trusted: microdata sits on the
# article's own element, meta tags describe the page, JSON-LD is most often in UTC.
_PUBLISHED_SOURCES = ("microdata", "meta", "ld")
_MAX_OFFSET = timedelta(hours=14)  # the widest offset from UTC of any time zone
_NEAR = 400  # characters of text under the headline: a date this close is its dateline


def _published(stated: Sequence[_Dated], shown: Sequence[_Dated],
               day: str | None) -> datetime | None:
    """The publication time, from what the page shows and what its markup states.

    1. The dateline shown under (or just above) the headline: it is the date the reader is
       given, in the publisher's own time zone. Where the markup states that day's time (or
       the same time in UTC), it lends the time and zone. A date above the headline (where
       a site's header may show today's date) or far below it yields to the markup's
       publication date when the two disagree.
    2. Else the markup's publication date (microdata, meta tags, JSON-LD): never a date said
       to be the last update. A UTC timestamp a day off the date in the URL is that date in
       the publisher's zone ("/2023/11/08/..." published 2023-11-09T05:30Z).
    3. Else a date shown at the foot of the article ("Erstellt am: 01.11.2023"), the URL's
       date, a meta tag's date of the page, and last htmldate's date (through trafilatura).

    A date shown as the last update ("Updated Mar 12, 2020") is taken only when nothing else
    dates the page: the publication is the first version, not the last.
    """
    published = sorted((d for d in stated if d.source in _PUBLISHED_SOURCES and not d.updated),
                       key=lambda d: _PUBLISHED_SOURCES.index(d.source))
    url = next((d.when for d in stated if d.source == "url"), None)
    header = [d for d in shown if d.source != "foot" and not d.updated]
    if header and (header[0].source == "shown" and header[0].at <= _NEAR or not any(
            d.when.date() != header[0].when.date() for d in published[:1])):
        return _with_zone(header[0].when, [d.when for d in published])
    if published:
        return _local(published[0].when, url)
    foot = sorted((d for d in shown if d.source == "foot"), key=lambda d: d.updated)
    others = [d.when for d in stated if d.source == "generic"]
    if foot:
        return _with_zone(foot[0].when, [d.when for d in published] + others)
    if url:
        return url
    if others:
        return others[0]
    if day:
        return _stamp(day)
    updated = [d.when for d in shown if d.updated]
    return updated[0] if updated else None


def _with_zone(shown: datetime, stamps: Sequence[datetime]) -> datetime:
    """A shown date with the time and zone of the markup's timestamp of the same moment.

    "3 May 2022" with a stamp of 2022-05-03T23:37-04:00 is that stamp; "3 May 2022, 11:37 pm"
    with a stamp of 2022-05-04T03:37Z is 11:37 pm at UTC-4. The shown day is kept in any case.
    """
    if shown.tzinfo is not None:
        return shown
    for stamp in stamps:
        if stamp.tzinfo is None:
            continue
        if stamp.date() == shown.date() and (shown.time() == time(0) or (
                stamp.hour, stamp.minute) == (shown.hour, shown.minute)):
            return stamp
        offset = shown.replace(tzinfo=UTC) - stamp.replace(second=0, microsecond=0)
        if (shown.time() != time(0) and abs(offset) <= _MAX_OFFSET
                and offset % timedelta(minutes=15) == timedelta(0)):
            return shown.replace(tzinfo=timezone(offset))
    return shown


def _local(stamp: datetime, url: datetime | None) -> datetime:
    """A UTC timestamp as the day the publisher dated it, when its URL says which day: a
    page of 2023-11-08 evening in America is 2023-11-09 in UTC."""
    if url is None or stamp.utcoffset() != timedelta(0) or stamp.date() == url.date():
        return stamp
    for hours in range(-12, 15):
        local = stamp.astimezone(timezone(timedelta(hours=hours)))
        if local.date() == url.date():
            return local
    return stamp


# --- the headline -----------------------------------------------------------------------------

_WORD = re.compile(r"\w+")
_TITLE_SEPARATOR = re.compile(r"\s+[|–—\-:»·•]+\s+|\s*\|\s*|\s+::\s+")


def _title(hints: _Hints, extracted: str | None, sites: set[str]) -> str | None:
    """The headline: the `<h1>` that the page's titles agree with, else the title without the
    site's name.

    Pages often have several `<h1>` (the site's logo, a section name, the headline) and a
    `<title>` that appends the site's name; the headline is the `<h1>` sharing most words with
    the titles (at least half of its own words).
    """
    refs = [t for t in (hints.headline, hints.og_title, extracted) if t]
    vocabulary = {w.casefold() for t in refs for w in _WORD.findall(t)}
    best, key = None, (0, 0.0)
    for h1 in hints.h1:
        words = [w.casefold() for w in _WORD.findall(h1)]
        if not words or len(words) > 40:
            continue
        shared = sum(w in vocabulary for w in words)
        candidate = (shared, shared / len(words))
        if candidate[1] >= 0.5 and candidate > key:
            best, key = h1, candidate
    if best:
        return best
    return _without_site(_clean(refs[0]), sites) if refs else None


def _without_site(title: str, sites: set[str]) -> str:
    """"Headline - Site" → "Headline", when the part cut off names the site."""
    separators = list(_TITLE_SEPARATOR.finditer(title))
    if not separators:
        return title
    if _names_site(title[separators[-1].end():], sites):
        return title[:separators[-1].start()].strip()
    if _names_site(title[:separators[0].start()], sites):
        return title[separators[0].end():].strip()
    return title


# --- the body ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Line:
    """A block of the body before furniture is dropped, with its share of link text."""

    text: str
    kind: BlockKind = "paragraph"
    links: float = 0.0


# Elements of trafilatura's output that start a new block; the others (hi, ref, del, code)
# run inline with the text around them.
_BLOCK = frozenset({"p", "head", "list", "item", "quote", "table", "row", "div", "lb", "graphic"})
# A line ending like this is a whole sentence (or a label, "Senate resolves to:"), so a break
# after it is a real paragraph break; after anything else the text goes on.
_ENDS_SENTENCE = re.compile(r"""[.!?:;…"”’»)\]。！？」』]\W*$""")


class _Walker:
    """Turn trafilatura's body XML into lines: one per paragraph, heading, list item, table
    row and line break (`<lb/>`), tails included, and words of two blocks never glued.

    A plain class, not a dataclass: it accumulates text and link text as it walks.
    """

    def __init__(self) -> None:
        self.lines: list[_Line] = []
        self.parts: list[str] = []
        self.linked = 0  # characters of link text in `parts`
        self.broken = False  # the pending text follows a line break (<lb/>), not a block end

    def flush(self, kind: BlockKind = "paragraph") -> None:
        text = " ".join("".join(self.parts).split())
        links = min(1.0, self.linked / len(text)) if text else 0.0
        self.parts, self.linked = [], 0
        if text:
            last = self.lines[-1] if self.lines else None
            # A line break inside a sentence ("...the company<br>said on Monday") joins it
            # back: the break was layout, not a paragraph.
            if (self.broken and kind == "paragraph" and last and last.kind == "paragraph"
                    and not _ENDS_SENTENCE.search(last.text) and text[:1].islower()):
                size = len(last.text) + len(text)
                self.lines[-1] = _Line(f"{last.text} {text}", "paragraph",
                                       (last.links * len(last.text) + links * len(text)) / size)
            else:
                self.lines.append(_Line(text, kind, links))
        self.broken = False

    def walk(self, element: etree._Element, top: bool = False) -> None:
        tag = element.tag
        if tag == "lb":
            self.flush()
            self.broken = True
        elif tag in _BLOCK:
            self.flush()
        if tag == "cell":
            self.parts.append(" ")
        if element.text and tag != "graphic":
            self.parts.append(element.text)
            if tag == "ref":
                self.linked += len(element.text.strip())
        for child in element:
            self.walk(child)
        if tag in _BLOCK and tag != "lb":
            self.flush("heading" if tag == "head" and top else "paragraph")
        elif tag == "cell":
            self.parts.append(" ")
        if element.tail:
            self.parts.append(element.tail)
            if top:  # loose text between two top-level blocks is a paragraph of its own
                self.flush()


def _lines(body: etree._Element, titles: set[str]) -> list[_Line]:
    """Paragraphs and headings in reading order.

    Headings before the first paragraph are the title and the standfirst, and headings
    with no paragraph after them are page furniture ("Newsletter"): both are dropped.
    """
    walker = _Walker()
    if body.text:
        walker.parts.append(body.text)
        walker.flush()
    for element in body:
        walker.walk(element, top=True)
    walker.flush()
    lines: list[_Line] = []
    for line in walker.lines:
        if line.text in titles or (line.kind == "heading" and not lines):
            continue
        lines.append(line)
    while lines and lines[-1].kind == "heading":
        lines.pop()
    return [b for i, b in enumerate(lines)
            if b.kind != "heading" or lines[i + 1].kind == "paragraph"]


_TEXT_ELEMENTS = etree.XPath("//p")
# A container is the article's when it holds this many of the extracted paragraphs.
_HELD = 3
_PROSE = 10  # words: shorter paragraphs of a sibling container are captions and labels


def _with_siblings(tree: HtmlElement, lines: list[_Line], url: str | None) -> list[_Line]:
    """The article's paragraphs in sibling containers, which trafilatura leaves out.

    Some sites split the body into several containers of the same class, with an
    advertisement or a pull quote between them, and trafilatura keeps the first. The
    container holding most extracted paragraphs is found by matching their text in the whole
    tree; other containers of its tag and class that hold at least two paragraphs of prose
    (sentences, no script) go in, in page order. What trafilatura dropped from the container
    it kept stays dropped: it had its reasons (a teaser, a list of dates).
    """
    elements = _TEXT_ELEMENTS(tree)
    position: dict[str, int] = {}
    for i, element in enumerate(elements):
        position.setdefault(_clean(element.text_content()), i)
    held: dict[HtmlElement, int] = {}
    for line in lines:
        at = position.get(line.text)
        parent = elements[at].getparent() if at is not None else None
        if parent is not None and parent.get("class"):
            held[parent] = held.get(parent, 0) + 1
    if not held:
        return lines
    main, count = max(held.items(), key=lambda kv: kv[1])
    if count < _HELD:
        return lines
    groups: dict[HtmlElement, list[tuple[int, _Line]]] = {}
    for i, element in enumerate(elements):
        parent = element.getparent()
        if (element.tag != "p" or parent is None or parent in held or parent.tag != main.tag
                or parent.get("class") != main.get("class") or element.find(".//script") is not None
                or element.find(".//style") is not None):
            continue
        text = _clean(element.text_content())
        if _words(text) >= _PROSE and _ENDS_SENTENCE.search(text) and position.get(text) == i:
            groups.setdefault(parent, []).append((i, _Line(text)))
    found = [item for group in groups.values() if len(group) >= 2 for item in group]
    if not found:
        return lines
    logger.debug("%s: %d paragraphs from sibling containers <%s class=%r>", url or "page",
                 len(found), main.tag, main.get("class"))
    merged: list[tuple[int, int, _Line]] = []
    last = -1
    for n, line in enumerate(lines):
        last = max(last, position.get(line.text, last))
        merged.append((last, n, line))
    merged += [(i, -1, line) for i, line in found]
    return [line for _, _, line in sorted(merged, key=lambda t: (t[0], t[1]))]


# Shingles of four words, as the extraction benchmark compares texts: a text whose shingles
# are nearly all in the JSON-LD body is a part of it.
def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text)
    return {tuple(words[i:i + 4]) for i in range(max(1, len(words) - 3))}


# The JSON-LD body replaces the extracted text only when it holds at least this much more
# text, and nearly all of what was extracted: a teaser cut at the paywall, or the first of
# several containers. Sites that put a summary or a different story there fail the test.
_BODY_GAIN = 1.3
_BODY_COVERS = 0.9


def _with_article_body(lines: list[_Line], body: str | None, url: str | None) -> list[_Line]:
    """The JSON-LD `articleBody` in place of a truncated extraction of the same text, or of
    one block holding all of it (trafilatura's own fallback reads `articleBody` but keeps
    none of its paragraph breaks)."""
    if not body:
        return lines
    paragraphs = [t for p in re.split(r"\n\s*\n|\n", body) if (t := _clean(p))]
    extracted = " ".join(b.text for b in lines if b.kind == "paragraph")
    found, given = len(_WORD.findall(extracted)), len(_WORD.findall(body))
    truncated = given >= max(25, _BODY_GAIN * found)
    flattened = len(lines) == 1 < len(paragraphs) and given >= found
    if not (truncated or flattened):
        return lines
    ours = _shingles(extracted)
    if ours and len(ours & _shingles(body)) < _BODY_COVERS * len(ours):
        return lines
    logger.debug("%s: JSON-LD articleBody (%d words) used for an extraction of %d words",
                 url or "page", given, found)
    return [_Line(p) for p in paragraphs]


# --- page furniture ---------------------------------------------------------------------------

# A cross-link inside the body: "Read more: ...", "Lesen Sie auch: ...", "Lea también: ...".
_CROSS_LINK = re.compile(
    r"^(?:read (?:more|also)|also read|related(?: (?:article|story|stories|coverage))?|see also"
    r"|more on this|recommended|watch|listen|lesen sie (?:auch|mehr)|auch lesen|mehr zum thema"
    r"|zum weiterlesen|weiterlesen|lire aussi|à lire aussi|voir aussi|lea (?:también|más)"
    r"|lee (?:también|más)|puedes ver|mira|leggi anche|czytaj (?:też|także|więcej))\b\s*[:|»>]",
    re.IGNORECASE,
)
# Lines that open the furniture after an article: related links, newsletters, comments,
# tags, contact boxes. Matched on short lines only (see `_is_marker`).
_FURNITURE = re.compile(
    r"\b(?:related|recommended|you (?:may|might) (?:also )?like|more (?:from|stories|news|on)"
    r"|read (?:more|next)|also (?:read|on)|popular|trending|top stories|partner"
    r"|newsletter|subscribe|sign up|follow us|share (?:this|on)|comments?|leave a (?:reply"
    r"|comment)|tags?|topics|categories|about the author|contact|credits?"
    r"|auch interessant|das könnte (?:dich|sie) (?:auch )?interessieren|weitere (?:themen|artikel"
    r"|beiträge|informationen|infos|nachrichten|meldungen|tipps|tourentipps)|mehr (?:zum thema"
    r"|dazu|aus)|empfohlen|lesen sie auch|kommentare?|schlagwörter|themen|kontakt"
    r"|teilen|zum newsletter|top-themen|temas|contenido relacionado|le puede interesar"
    r"|noticias relacionadas|notas relacionadas|más noticias|lire aussi|sur le même sujet"
    r"|à lire|articles? similaires|leggi anche|potrebbe interessarti|zobacz (?:też|także))\b",
    re.IGNORECASE,
)
# Whole lines that are never article text: credits, copyright, sharing and app prompts.
_BOILERPLATE = re.compile(
    r"^(?:(?:photo|image|picture|foto|bild|titelbild|crédits? photos?|credit|quelle|source)s?"
    r"\s*:|©|\(c\)\s|copyright\b)"
    r"|all rights reserved|alle rechte vorbehalten|tous droits réservés|derechos reservados"
    r"|\b(?:download|get) (?:the|our) .{0,40}\bapps?\b|follow (?:us|.{0,40}) on (?:twitter"
    r"|facebook|instagram)|síguenos en|folgen sie uns|subscribe (?:now|to)|abonnieren sie"
    r"|(?:sign|signing) up for (?:our|the)|newsletter (?:abonnieren|anmelden)"
    r"|zum newsletter anmelden",
    re.IGNORECASE,
)
# A line that is only a timestamp is hidden metadata shown by mistake (bare URLs are not
# dropped: in a blog post or a forum answer they are often what the author wrote).
_STAMP = re.compile(r"^\d{4}-\d\d-\d\d(?:[T ][\d:.+\-Z]+)?$")
# The furniture at the end starts in the last part of the text only: a "Contact" heading
# halfway down a press release is part of it.
_TAIL = 0.6
_SHORT = 8  # words: a line this short without a full stop is a label or a link, not prose
# Characters: a paragraph this long that mentions a copyright or a newsletter is article text
# about them, not a notice.
_LONG = 300


# Chinese, Japanese and Korean are written without spaces: their characters count two to a
# word, as in `ingest.count_words`.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def _words(text: str) -> int:
    if not _CJK.search(text):
        return len(text.split())
    return len(_CJK.sub(" ", text).split()) + len(_CJK.findall(text)) // 2


def _is_marker(line: _Line) -> bool:
    """A short line that announces furniture: "Related", "More from ...", "Kontakt:"."""
    return _words(line.text) <= _SHORT and bool(_FURNITURE.search(line.text))


def _is_junk(line: _Line) -> bool:
    """A line at the end of the text that is not article text: a credit, a copyright or
    sharing line, or a short run of links (short labels without links are kept: on blogs and
    product pages "Art der Aufnahme: Digitalfoto" is the text)."""
    return bool(_BOILERPLATE.search(line.text)) or (
        line.links > 0.6 and _words(line.text) <= 2 * _SHORT)


def _furniture_start(lines: list[_Line]) -> int:
    """Where the furniture after the article starts (`len(lines)` if there is none): a short
    line that announces it ("Related", "Top stories", "Kontakt:") in the last part of the
    text, with only short lines or links after it (no paragraph of the article follows).
    """
    total = sum(len(b.text) for b in lines)
    done = 0
    for i, line in enumerate(lines):
        if done >= _TAIL * total and _is_marker(line) and all(
            _words(b.text) < 3 * _SHORT or b.links > 0.6 for b in lines[i + 1:]
        ):
            return i
        done += len(line.text)
    return len(lines)


def _without_furniture(lines: list[_Line]) -> list[Block]:
    """Drop cross-links, credits, bare timestamps and the furniture that follows the article."""
    kept = [line for line in lines if not (
        _CROSS_LINK.match(line.text) or _STAMP.match(line.text)
        or (len(line.text) < _LONG and _BOILERPLATE.search(line.text))
    )]
    kept = kept[:_furniture_start(kept)]
    while kept and (_is_junk(kept[-1]) or kept[-1].kind == "heading"):
        kept.pop()
    if not any(b.kind == "paragraph" and (_words(b.text) > _SHORT or _ENDS_SENTENCE.search(b.text))
               for b in kept):
        return []  # labels and menu items, not one sentence: a page with no article
    return [Block(b.text, b.kind) for i, b in enumerate(kept)
            if b.kind != "heading" or (i + 1 < len(kept) and kept[i + 1].kind == "paragraph")]


# --- the author -------------------------------------------------------------------------------

_BY = re.compile(
    r"^(?:(?:view|see|read|more) (?:all )?(?:posts|articles|stories|beiträge) )?"
    r"(?:(?:posted|written|geschrieben|verfasst|erstellt|published|text|fotos?|photos?|ein"
    r" beitrag)\s+)?(?:by|von|par|por|di|door|av|autor(?:in)?|author)\b\s*[:\-–]?\s*",
    re.IGNORECASE,
)
_BYLINE_END = re.compile(
    r"\s+(?:on|am|le|el|il|at|um|\||•|·|—|–|-|/)\s+|\s*[|•·]\s*|,\s*(?:\d|veröffentlicht"
    r"|published|updated|aktualisiert)|\d{1,2}[./]\d{1,2}[./]\d{2,4}|\b\d{4}-\d\d-\d\d",
    re.IGNORECASE,
)
# What a byline element holds when it holds no name: its label, a date, a link.
_NOT_A_NAME = re.compile(
    r"\d{3,}|@|https?:|\.(?:com|de|org|net)\b|^(?:name|admin|author|autor|posted|published"
    r"|veröffentlicht|updated|aktualisiert|share|teilen|comments?|kommentare?|by|von|anonymous"
    r"|unknown|guest|staff|editor|follow|folgen|datum|date|no author|view|afficher|profil"
    r"|mehr|more|subscribe|abonnieren)\b"
    r"|\b(?:jan|feb|mär|mar|apr|mai|may|jun|jul|aug|sep|okt|oct|nov|dez|dec)[a-zä]*\.?\s+\d"
    r"|\d\.?\s+(?:jan|feb|mär|mar|apr|mai|may|jun|jul|aug|sep|okt|oct|nov|dez|dec)",
    re.IGNORECASE,
)
_NAMES = re.compile(r"\s*[;,&]\s*|\s+(?:and|und|et|y)\s+")
_COMMENTS = etree.XPath(
    'ancestor::*[contains(@class, "comment") or contains(@id, "comment")]'
)


def _author(tree: HtmlElement, hints: _Hints, extracted: str | None,
            sites: set[str]) -> str | None:
    """The byline: trafilatura's author, JSON-LD's people, then the page's author links and
    bylines outside its comments. A name that is only the site's ("Jungefreiheit De") is
    taken only when no source names anyone else: a site is its own author less often than a
    person writes for it.
    """
    fallback = None

    def candidates() -> Iterator[str | None]:
        yield extracted
        yield from hints.authors
        for xpath in _BYLINE_XPATHS:
            for element in xpath(tree)[:3]:
                if not _COMMENTS(element):
                    yield element.text_content()

    for candidate in candidates():
        if name := _byline_name(candidate):
            if not _names_site(name, sites):
                return name
            fallback = fallback or name
    return fallback


def _byline_name(text: str | None) -> str | None:
    """"By Jane Doe on 3 May 2024" → "Jane Doe"; None when what is left is no name."""
    text = _clean(text)
    for _ in range(2):
        text = _BY.sub("", text, count=1)
    text = _BYLINE_END.split(text)[0].strip(" ,;:-–|")
    names = _NAMES.split(text)
    if not text or any(_words(n) > 5 for n in names) or len(text) > 40 * len(names) \
            or _NOT_A_NAME.search(text):
        return None
    return text
