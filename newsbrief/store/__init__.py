"""The store: articles and the stories they form, kept in SQLite, and the verbs that fill it.

`Store` is the Python API (`add`, `stories`, `story`, `search`, `related`); `add_inputs`
and `watch` are what `newsbrief add` and `newsbrief watch` do with files, URLs and feeds.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..config import Options
from ..errors import NewsbriefError, StoreError
from ..ingest import IngestResult, ingest, ingest_many
from ..ingest.feeds import Feed, entry_article, is_feed, poll, read_feed_file
from ..pipeline import Pipeline
from .sqlite import Added, Store

logger = logging.getLogger(__name__)

__all__ = ["Added", "Outcome", "Store", "StoreError", "add_inputs", "default_path", "watch"]

_URL = re.compile(r"https?://\S+\Z", re.IGNORECASE)


def default_path() -> Path:
    """Where the store lives unless `--db` says: `$NEWSBRIEF_DB`, else
    `$XDG_DATA_HOME/newsbrief/newsbrief.db`, else the platform's per-user data folder."""
    if env := os.environ.get("NEWSBRIEF_DB"):
        return Path(env).expanduser()
    if xdg := os.environ.get("XDG_DATA_HOME"):
        return Path(xdg) / "newsbrief" / "newsbrief.db"
    import platformdirs

    return Path(platformdirs.user_data_dir("newsbrief", appauthor=False)) / "newsbrief.db"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one article-to-be: stored (`added`), skipped as seen, or why not."""

    name: str
    added: Added | None = None
    error: str | None = None
    seen: bool = False  # a feed entry stored by an earlier run

    @property
    def status(self) -> str:
        if self.added:
            return self.added.status
        return "seen" if self.seen else "failed"


def add_inputs(store: Store, inputs: Iterable[str], *, options: Options | None = None,
               pipeline: Pipeline | None = None) -> Iterator[Outcome]:
    """Read, brief and store every article in `inputs`: files, folders, URLs, JSON/JSONL
    dumps, RSS/Atom feeds (by URL or file). Bad inputs are reported, the rest goes on.

    Articles already stored are recognised by their id before briefing, so a re-run after
    a crash costs little and adds nothing twice.
    """
    options = options or Options()
    pipeline = pipeline or Pipeline.default(options)
    for source in inputs:
        yield from _input(store, source, options, pipeline)


def watch(store: Store, feeds: list[str], *, every: float, once: bool = False,
          options: Options | None = None, pipeline: Pipeline | None = None,
          sleep: Callable[[float], None] = time.sleep) -> Iterator[Outcome]:
    """Poll `feeds` every `every` seconds (just once with `once`), storing new entries.

    Each poll is a conditional GET with the validators the feed last sent (ETag,
    Last-Modified), which are saved only after all its new entries are stored: a poll cut
    short, or one where an entry failed (a page that timed out, say), is repeated whole
    next time, and entries already stored are skipped.
    """
    options = options or Options()
    pipeline = pipeline or Pipeline.default(options)
    while True:
        for url in feeds:
            yield from _poll(store, url, options, pipeline)
        if once:
            return
        sleep(every)


def _feed_file(store: Store, path: str, options: Options, pipeline: Pipeline
               ) -> Iterator[Outcome]:
    """The entries of a feed saved as a file, or why it cannot be read."""
    try:
        feed = read_feed_file(Path(path), options)
    except NewsbriefError as e:
        yield Outcome(path, error=str(e))
        return
    yield from _feed(store, feed, options, pipeline)


def _poll(store: Store, url: str, options: Options, pipeline: Pipeline) -> Iterator[Outcome]:
    if not _URL.match(url):
        yield from _feed_file(store, url, options, pipeline)
        return
    etag, modified = store.feed_state(url)
    try:
        polled = poll(url, options, etag=etag, modified=modified)
    except NewsbriefError as e:
        logger.warning("%s: %s", url, e)
        yield Outcome(url, error=str(e))
        return
    if polled.page is not None:
        yield Outcome(url, error=f"{url} is a web page, not an RSS or Atom feed: "
                                 "use `newsbrief add` for pages.")
        return
    failed = False
    if polled.feed is not None:
        for outcome in _feed(store, polled.feed, options, pipeline):
            failed = failed or outcome.error is not None
            yield outcome
    if failed:  # no validators: the next poll gets the feed whole and retries what failed
        store.save_feed_state(url, None, None, "retry")
    else:
        store.save_feed_state(url, polled.etag, polled.modified,
                              "ok" if polled.feed else "not modified")


def _input(store: Store, source: str, options: Options, pipeline: Pipeline
           ) -> Iterator[Outcome]:
    results: Iterable[IngestResult]
    if _URL.match(source.strip()):
        try:
            polled = poll(source.strip(), options)
        except NewsbriefError as e:
            yield Outcome(source, error=str(e))
            return
        if polled.feed is not None:
            yield from _feed(store, polled.feed, options, pipeline)
            return
        assert polled.page is not None  # an unconditional GET always has a body
        results = [ingest(polled.page.content, url=polled.page.url, options=options)]
    elif _is_feed_file(Path(source)):
        yield from _feed_file(store, source, options, pipeline)
        return
    else:
        results = ingest_many([source], options=options)
    for result in results:
        yield _store(store, result, pipeline)


def _is_feed_file(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return path.is_file() and is_feed(fh.read(2048))
    except OSError:
        return False  # ingest reports a missing or unreadable file in its own words


def _feed(store: Store, feed: Feed, options: Options, pipeline: Pipeline
          ) -> Iterator[Outcome]:
    for entry in feed.entries:
        if store.has_entry(feed.url, entry.id):
            yield Outcome(f"{feed.url} → {entry.link or entry.id}", seen=True)
            continue
        yield _store(store, entry_article(entry, feed.url, options), pipeline,
                     (feed.url, entry.id))


def _store(store: Store, result: IngestResult, pipeline: Pipeline,
           entry: tuple[str, str] | None = None) -> Outcome:
    if result.article is None:
        return Outcome(result.name, error=result.reason or "no article")
    known = store.find(result.article.id)
    if known is not None and entry is None:
        return Outcome(result.name, added=known)
    try:
        brief = pipeline(result.article)
    except NewsbriefError as e:
        return Outcome(result.name, error=str(e))
    added = store.add_entry(*entry, brief) if entry else store.add(brief)[0]
    return Outcome(result.name, added=added)
