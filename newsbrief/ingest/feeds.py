"""RSS and Atom feeds: fetched with conditional GET, each entry read as one article.

A feed entry's own HTML (`content:encoded`, or a long `summary`) is used when it holds a
whole article; otherwise its link is fetched under the same rules as any URL (`fetch.py`:
public addresses only unless `allow_private`, size and time limits). feedparser does the
parsing: it reads RSS 0.9x-2.0, RSS 1.0 and Atom, and survives the malformed XML many
sites serve.

Conditional GET needs request headers (`If-None-Match`, `If-Modified-Since`) and response
headers (`ETag`, `Last-Modified`) that `fetch.fetch` does not expose, so `poll` makes its
request here, over `fetch.py`'s checked and pinned connection.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import feedparser  # type: ignore[import-untyped]  # feedparser ships no stubs
import httpcore
import httpx

from ..config import Options
from ..errors import FetchError, IngestError
from . import IngestResult, count_words, ingest
from .fetch import (  # the private helpers give `poll` fetch's checked, pinned connection
    _DEFAULT_PORTS,
    Fetched,
    FetchOptions,
    _checked_addresses,
    _fetch_errors,
    _parse,
    _PinnedBackend,
    _RawBody,
    _read_page,
    _tls_context,
)

logger = logging.getLogger(__name__)

__all__ = ["Feed", "FeedEntry", "Polled", "entry_article", "is_feed", "parse_feed", "poll",
           "read_feed_file"]

# An entry's own HTML with at least this many words is the article; shorter is a teaser.
RICH_WORDS = 150
_FEED_START = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_ACCEPT = (b"application/rss+xml, application/atom+xml, application/xml;q=0.9, "
           b"text/xml;q=0.9, */*;q=0.5")


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
    return IngestResult(name, article=result.article, error=result.error)


def poll(url: str, options: Options, *, etag: str | None = None,
         modified: str | None = None) -> Polled:
    """GET a feed URL, conditionally when validators from the last poll are given.

    A URL that turns out to be a web page comes back as `Polled.page`, so `newsbrief add`
    fetches each URL once whatever it is.

    Raises:
        FetchError: refused, unreachable, too slow, too big or not a page.
        IngestError: a feed that is malformed or empty.
    """
    fetch_options = FetchOptions(
        connect_timeout=min(options.timeout, 10.0), read_timeout=options.timeout,
        max_bytes=options.max_bytes, allow_private=options.allow_private)
    current = _parse(url)
    for _ in range(fetch_options.max_redirects + 1):
        with _get(current, fetch_options, etag, modified) as response:
            if response.status_code == 304:
                logger.info("%s: not modified since the last poll", url)
                return Polled(url, None, etag, modified)
            if not response.is_redirect:
                page = _read_page(current, response, fetch_options)
                new_etag = response.headers.get("etag")
                new_modified = response.headers.get("last-modified")
                if not is_feed(page.content):
                    return Polled(url, None, new_etag, new_modified, page)
                return Polled(url, parse_feed(page.content, url), new_etag, new_modified)
            target = _parse(response.headers["location"], base=current)
        logger.info("following redirect from %s to %s", current, target)
        current = target
    raise FetchError(f"too many redirects (more than {fetch_options.max_redirects}) from {url}: "
                     "the site may be looping; open it in a browser to check")


@contextmanager
def _get(url: httpx.URL, options: FetchOptions, etag: str | None,
         modified: str | None) -> Iterator[httpx.Response]:
    """`fetch._get` with the conditional-GET headers (same address checks and pinning)."""
    host = url.raw_host.decode("ascii")
    port = url.port or _DEFAULT_PORTS[url.scheme]
    addresses = _checked_addresses(url, host, port, options)
    backend = _PinnedBackend(host, port, addresses, options.read_timeout)
    headers = [
        (b"Host", url.netloc),
        (b"User-Agent", options.user_agent.encode("ascii")),
        (b"Accept", _ACCEPT),
        (b"Accept-Encoding", b"gzip, deflate"),
    ]
    if etag:
        headers.append((b"If-None-Match", etag.encode("latin-1", "replace")))
    if modified:
        headers.append((b"If-Modified-Since", modified.encode("latin-1", "replace")))
    timeouts = {"connect": options.connect_timeout, "write": options.connect_timeout,
                "pool": options.connect_timeout}
    target = httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port,
                          target=url.raw_path)
    with (
        _fetch_errors(url, host, options),
        httpcore.ConnectionPool(ssl_context=_tls_context(), network_backend=backend)
        as pool,
        pool.stream("GET", target, headers=headers, extensions={"timeout": timeouts}) as raw,
    ):
        yield httpx.Response(raw.status, headers=raw.headers,
                             stream=_RawBody(raw.iter_stream()))
