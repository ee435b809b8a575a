"""`kill -9` in the middle of a real `newsbrief watch`: nothing committed is lost, no article
or feed entry is half-stored, the feed's validators are not saved before its entries are, and
a re-run stores every remaining entry once, without fetching the stored ones again.

A local HTTP server serves an RSS feed whose items link to real, distinct article pages (the
extraction benchmark's saved pages, sent gzip-encoded as news sites do), so each entry is
fetched, briefed and stored as `watch` does it against a live site.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import need, threaded
from test_crash import PAGES, articles, check_whole
from test_feeds import newsbrief_cmd  # noqa: F401  (the fixture: the installed script)

ITEMS = 48  # feed entries, each a different article
KILL_EVERY = 10  # each killed run is let commit this many more articles first
# How long after that commit each kill comes: at once (the moment a store that wrote an
# article and its entry in two transactions would have only the first), then partway through
# reading and briefing the next entry.
KILL_DELAYS = (0.0, 0.08)
ETAG = '"feed-1"'
MODIFIED = format_datetime(datetime(2025, 11, 6, 10, 0, tzinfo=UTC), usegmt=True)
BOUND = 180  # seconds: a bound for a stuck run, not a timing assertion


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    base: str
    pages: list[Path]
    requests: list[tuple[str, str | None]]  # (path, If-None-Match)

    def links(self) -> list[str]:
        return [f"{self.base}/articles/{i}" for i in range(len(self.pages))]

    def feed(self) -> bytes:
        stamp = format_datetime(datetime(2025, 11, 6, 9, 0, tzinfo=UTC))
        items = "".join(
            f"<item><title>Article {i}</title><link>{link}</link><guid>item-{i}</guid>"
            f"<pubDate>{stamp}</pubDate><description>A short teaser.</description></item>"
            for i, link in enumerate(self.links()))
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>Crash news</title><link>{self.base}/</link>{items}</channel></rss>"
                ).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self.server.requests.append((self.path, self.headers.get("If-None-Match")))
        self.close_connection = True
        with suppress(BrokenPipeError, ConnectionResetError):  # a killed client hangs up
            if self.path == "/feed.xml":
                if self.headers.get("If-None-Match") == ETAG:
                    self.send_response(304)
                    self.send_header("ETag", ETAG)
                    self.end_headers()
                    return
                self._send(self.server.feed(), {"Content-Type": "application/rss+xml",
                                                "ETag": ETAG, "Last-Modified": MODIFIED})
            elif self.path.startswith("/articles/"):
                page = self.server.pages[int(self.path.rpartition("/")[2])]
                self._send(page.read_bytes(), {"Content-Type": "text/html",
                                               "Content-Encoding": "gzip"})
            else:
                self.send_error(404)

    def _send(self, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(200)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[_Server]:
    pages = sorted(need(PAGES).glob("*.html.gz"))[:ITEMS]
    assert len(pages) == ITEMS, f"the benchmark has only {len(pages)} pages"
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.pages = pages
    httpd.requests = []
    with threaded(httpd):
        yield httpd


@contextmanager
def _watching(command: list[str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A running `newsbrief watch`, killed and reaped however the block ends."""
    with log.open("ab") as err:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=err)
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)


def check_entries(db: Path, feed: str, links: list[str]) -> set[str]:
    """Each stored entry is an item of the feed and came in one transaction with its article:
    entries and articles match one to one (the pages are all different articles), and each
    article holds exactly the one page its entry links to. Returns the entries stored."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT feed, entry, article_id FROM feed_entries").fetchall()
        stored = {entry for _, entry, _ in rows}
        assert {f for f, _, _ in rows} <= {feed}
        assert stored <= {f"item-{i}" for i in range(len(links))}
        articles = {r[0] for r in conn.execute("SELECT id FROM articles")}
        assert sorted(a for _, _, a in rows) == sorted(articles), "entries and articles differ"
        versions = dict(conn.execute("SELECT article_id, url FROM versions"))
        assert len(versions) == conn.execute("SELECT COUNT(*) FROM versions").fetchone()[0]
        for _, entry, article in rows:
            assert versions[article] == links[int(entry.removeprefix("item-"))]
        return stored
    finally:
        conn.close()


def feed_state(db: Path, feed: str) -> tuple[str | None, ...] | None:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT etag, modified, status FROM feeds WHERE url = ?",
                            (feed,)).fetchone()
    finally:
        conn.close()


def test_watch_crash_sigkill_mid_poll_loses_nothing_and_rerun_stores_each_entry_once(
        newsbrief_cmd, server: _Server, tmp_path: Path) -> None:  # noqa: F811  (the fixture)
    feed = f"{server.base}/feed.xml"
    links = server.links()
    db = tmp_path / "watched.db"
    log = tmp_path / "watch.log"
    base = [*newsbrief_cmd, "watch", feed, "--db", str(db), "--allow-private"]

    committed = 0
    for kill, delay in enumerate(KILL_DELAYS, 1):
        target = committed + KILL_EVERY
        with _watching([*base, "--every", "1h"], log) as proc:
            deadline = time.monotonic() + BOUND
            while articles(db) < target and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(delay)
            assert proc.poll() is None, f"watch exited early: {log.read_text()[-2000:]}"
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        assert proc.returncode == -signal.SIGKILL
        check_whole(db)
        committed = len(check_entries(db, feed, links))
        assert target <= committed < ITEMS, f"kill {kill} came after {committed} of {ITEMS}"
        # The poll was cut short, so its validators must not be saved: were they, the next
        # poll would be answered 304 and the remaining entries never stored.
        assert feed_state(db, feed) is None
    assert "Traceback" not in log.read_text()

    seen = check_entries(db, feed, links)
    server.requests.clear()
    rerun = subprocess.run([*base, "--once", "--json"], check=False, capture_output=True,
                           text=True, timeout=BOUND * 2)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert "Traceback" not in rerun.stderr
    rows = [json.loads(line) for line in rerun.stdout.splitlines()]
    assert len(rows) == ITEMS
    assert sorted(r["status"] for r in rows) == ["new"] * (ITEMS - len(seen)) + ["seen"] * len(seen)
    # The feed was fetched whole (no validators were saved) and only the entries not yet
    # stored had their pages fetched, each once.
    assert server.requests[0] == ("/feed.xml", None)
    fetched = sorted(p for p, _ in server.requests[1:])
    expected = sorted(f"/articles/{i}" for i in range(ITEMS) if f"item-{i}" not in seen)
    assert fetched == expected

    check_whole(db)
    assert check_entries(db, feed, links) == {f"item-{i}" for i in range(ITEMS)}
    conn = sqlite3.connect(db)
    counts = [conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
              for t in ("articles", "versions", "feed_entries")]
    conn.close()
    assert counts == [ITEMS] * 3  # every item once: no article, version or entry twice
    assert feed_state(db, feed) == (ETAG, MODIFIED, "ok")

    # A complete poll saved the validators: the next one is conditional and stores nothing.
    server.requests.clear()
    again = subprocess.run([*base, "--once", "--json"], check=False, capture_output=True,
                           text=True, timeout=BOUND)
    assert (again.returncode, again.stdout) == (0, ""), again.stderr[-2000:]
    assert server.requests == [("/feed.xml", ETAG)]
    assert len(check_entries(db, feed, links)) == ITEMS
