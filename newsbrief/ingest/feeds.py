"""RSS and Atom feeds: fetched with conditional GET, each entry read as one article.

A feed entry's own HTML (`content:encoded`, or a long `summary`) is used when it holds a
whole article; otherwise its link is fetched under the same rules as any URL (`fetch.py`:
public addresses only unless `allow_private`, size and time limits). feedparser does the
parsing: it reads RSS 0.9x-2.0, RSS 1.0 and Atom, and survives the malformed XML many
sites serve.

`poll` makes its conditional GET through `fetch.fetch`, the one way newsbrief reaches the
network: it sends the validators as `If-None-Match` / `If-Modified-Since` and reads the
status (304) and the new validators from the `Fetched` it gets back.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import feedparser  # type: ignore[import-untyped]  # feedparser ships no stubs

from ..config import Options
from ..errors import IngestError
from . import IngestResult, count_words, ingest
from .fetch import Fetched, FetchOptions, fetch

logger = logging.getLogger(__name__)

__all__ = ["Feed", "FeedEntry", "Polled", "entry_article", "is_feed", "parse_feed", "poll",
           "read_feed_file"]

# An entry's own HTML with at least this many words is the article; shorter is a teaser.
RICH_WORDS = 150
_FEED_START = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_ACCEPT = ("application/rss+xml, application/atom+xml, application/xml;q=0.9, "
           "text/xml;q=0.9, */*;q=0.5")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed: where its article is, and its HTML when the feed carries it."""

    id: str  # the entry's id or guid, else its link: what `watch` remembers
    link: str | None
    title: str | None
    published: datetime | None
    html: str | None  # content:encoded or summary, when it holds a whole article


@dataclass(frozen=True, slots=True)
class Feed:
    """A parsed feed."""

    url: str
    title: str | None
    entries: tuple[FeedEntry, ...]


@dataclass(frozen=True, slots=True)
class Polled:
    """The answer to one poll: the feed (or a web page), or None when not modified."""

    url: str
    feed: Feed | None
    etag: str | None
    modified: str | None
    page: Fetched | None = None  # the URL was a web page, not a feed


def is_feed(data: bytes) -> bool:
    """Whether `data` starts like an RSS or Atom document."""
    return _FEED_START.search(data[:2048]) is not None


def parse_feed(data: bytes, url: str) -> Feed:
    """Parse a feed document.

    Raises:
        IngestError: it is not a feed, or has no entries.
    """
    parsed = feedparser.parse(data)
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
        reason = parsed.get("bozo_exception")
        raise IngestError(f"{url} is not a readable RSS or Atom feed"
                          f"{f' ({reason})' if reason else ''}: check the feed URL.")
    if parsed.get("bozo"):
        logger.warning("%s is malformed (%s); reading the %d entries found",
                       url, parsed.get("bozo_exception"), len(parsed.entries))
    entries = tuple(e for e in (_entry(raw) for raw in parsed.entries) if e)
    if not entries:
        raise IngestError(f"{url} is an empty feed: it lists no entries with a link or text.")
    return Feed(url, parsed.feed.get("title"), entries)


def _entry(raw: feedparser.FeedParserDict) -> FeedEntry | None:
    link = raw.get("link")
    contents = [c.get("value", "") for c in raw.get("content") or ()]
    html = max([*contents, raw.get("summary") or ""], key=len) or None
    if html and count_words(_TAG.sub(" ", html)) < RICH_WORDS:
        html = None
    key = raw.get("id") or link or (raw.get("title") if html else None)
    if not key or not (link or html):
        return None
    stamp = raw.get("published_parsed") or raw.get("updated_parsed")
    published = datetime(*stamp[:6]).replace(tzinfo=UTC) if stamp else None
    return FeedEntry(key, link, raw.get("title"), published, html)


def read_feed_file(path: Path, options: Options) -> Feed:
    """Parse a feed saved as a file.

    Raises:
        IngestError: unreadable, too large, not a feed, or empty.
    """
    try:
        size = path.stat().st_size
        if size > options.max_bytes:
            raise IngestError(f"{path} is larger than the {options.max_bytes:,}-byte limit: "
                              "raise it with --max-bytes if this feed is real.")
        data = path.read_bytes()
    except OSError as e:
        raise IngestError(f"{path}: cannot read it ({e.strerror}).") from e
    return parse_feed(data, str(path))


def entry_article(entry: FeedEntry, feed: str, options: Options) -> IngestResult:
    """The article of one entry: from its own HTML if it has a whole article, else from its
    link. Never raises for bad input; the result says why there is no article."""
    name = f"{feed} → {entry.link or entry.id}"
    if entry.html:
        # The entry's title is the article's: give the fragment the page around it.
        page = (f"<!doctype html><html><head><meta charset='utf-8'>"
                f"<title>{html.escape(entry.title or '')}</title></head>"
                f"<body><article>{entry.html}</article></body></html>")
        result = ingest(page.encode("utf-8"), url=entry.link, published=entry.published,
                        options=options)
    elif entry.link:
        result = ingest(entry.link, published=entry.published, options=options)
    else:
        return IngestResult(name, error=IngestError(f"{name}: the entry has no link."))
    return IngestResult(name, article=result.article, error=result.error, page=result.page)


def poll(url: str, options: Options, *, etag: str | None = None,
         modified: str | None = None) -> Polled:
    """GET a feed URL, conditionally when validators from the last poll are given.

    A URL that turns out to be a web page comes back as `Polled.page`, so `newsbrief add`
    fetches each URL once whatever it is. Not modified (304), it comes back with no feed
    and the validators to send next time: the 304's own, else the ones given.

    Raises:
        FetchError: refused, unreachable, too slow, too big or not a page.
        IngestError: a feed that is malformed or empty.
    """
    fetch_options = FetchOptions(
        connect_timeout=min(options.timeout, 10.0), read_timeout=options.timeout,
        max_bytes=options.max_bytes, allow_private=options.allow_private)
    headers = {"Accept": _ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    page = fetch(url, fetch_options, headers=headers)
    if page.not_modified:
        logger.info("%s: not modified since the last poll", url)
        return Polled(url, None, page.etag or etag, page.last_modified or modified)
    if not is_feed(page.content):
        return Polled(url, None, page.etag, page.last_modified, page)
    return Polled(url, parse_feed(page.content, url), page.etag, page.last_modified)
