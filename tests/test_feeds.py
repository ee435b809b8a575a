"""Feeds through the real command line against a real local HTTP server: entries stored,
conditional GET on re-polls, and bad feeds reported while the others go on. `poll` itself
is tested in-process against the same server: its validators, its 304s, and that it reaches
the network only through `fetch.fetch`'s public API."""

from __future__ import annotations

import ast
import json
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from conftest import threaded

from newsbrief.config import Options
from newsbrief.errors import FetchError, IngestError
from newsbrief.ingest import feeds as feeds_module
from newsbrief.ingest.feeds import parse_feed, poll

BRIDGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Harbour bridge reopens after repairs</title></head><body><article>
<h1>Harbour bridge reopens after repairs</h1>
<p>The harbour bridge reopened to traffic on Tuesday after eight months of repairs, the city
council said, ending long detours for thousands of commuters who cross the river each day.</p>
<p>Engineers replaced the corroded steel cables and resurfaced the deck. The work cost 42 million
dollars, slightly more than planned, because of delays caused by winter storms.</p>
</article></body></html>"""
FERRY = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Island ferry suspended after storm damages pier</title></head><body><article>
<h1>Island ferry suspended after storm damages pier</h1>
<p>The island ferry service was suspended on Wednesday after a storm damaged the main pier, the
port authority said, stranding hundreds of passengers on the mainland overnight.</p>
<p>Divers were inspecting the pilings, and the authority said the service could resume at the
weekend if the repairs to the landing stage were finished in time.</p>
</article></body></html>"""
LIBRARY = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>City library to open on Sundays</title></head><body><article>
<h1>City library to open on Sundays</h1>
<p>The central library will open on Sundays from next month, the council's culture committee
decided on Thursday, after a petition signed by more than four thousand residents.</p>
<p>The extra opening hours will be paid for by cutting the library's printing budget and by a
grant from a local foundation that supports reading programmes for children.</p>
</article></body></html>"""
# A feed entry that carries its whole article (content:encoded), so its link is not fetched.
RICH = " ".join(
    ["<p>The regional water board approved a plan on Monday to build a desalination plant on the",
     "northern coast, the board's chairwoman said, after three dry summers left reservoirs at",
     "their lowest level in forty years.</p>"] * 1 +
    [f"<p>Paragraph {i}: engineers said the plant would produce enough drinking water for two"
     " hundred thousand homes, and that its intake pipes would be placed far from the marine"
     " reserve to protect the seagrass meadows that shelter young fish along the coast.</p>"
     for i in range(5)])


LATE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Night trains return to the coast line</title></head><body><article>
<h1>Night trains return to the coast line</h1>
<p>Night trains will run again on the coast line from December, the regional rail operator
announced on Wednesday, three years after the service was cut to save money.</p>
<p>Two sleeper trains a week will link the capital with the southern ports, and the operator
said tickets would go on sale next Monday at prices close to those of a hotel room.</p>
<p>Tourism groups welcomed the decision, saying the trains would bring visitors in winter,
when the coast's hotels and restaurants are often half empty.</p>
</article></body></html>"""


def rss(items: list[tuple[str, str, str | None]], title: str = "Local news") -> bytes:
    """An RSS 2.0 feed of (guid, link, content) items."""
    stamp = format_datetime(datetime(2025, 11, 6, 10, 0, tzinfo=UTC))
    body = "".join(
        f"<item><title>{escape(guid)}</title><link>{escape(link)}</link><guid>{escape(guid)}</guid>"
        f"<pubDate>{stamp}</pubDate><description>A short teaser.</description>"
        + (f"<content:encoded><![CDATA[{content}]]></content:encoded>" if content else "")
        + "</item>" for guid, link, content in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            f'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>{title}</title><link>http://local/</link>{body}</channel></rss>").encode()


class _Server:
    """What the local server serves and what it saw."""

    def __init__(self) -> None:
        self.base = ""
        self.version = 1
        self.requests: list[tuple[str, str | None]] = []  # (path, If-None-Match)
        self.headers: list[dict[str, str]] = []  # each request's headers, lower-case names

    def modified(self) -> str:
        """The feed's Last-Modified: an hour later for each version."""
        return format_datetime(datetime(2025, 11, 6, 9 + self.version, 0, tzinfo=UTC),
                               usegmt=True)

    def feed(self) -> bytes:
        items = [("water", f"{self.base}/articles/water", RICH),
                 ("bridge", f"{self.base}/articles/bridge", None),
                 ("ferry", f"{self.base}/articles/ferry", None)]
        if self.version > 1:
            items.insert(0, ("library", f"{self.base}/articles/library", None))
        if self.version > 2:  # an entry whose page is not up yet
            items.insert(0, ("late", f"{self.base}/articles/late", None))
        return rss(items)


STATE = _Server()
PAGES = {"/articles/bridge": BRIDGE, "/articles/ferry": FERRY, "/articles/library": LIBRARY}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        STATE.requests.append((self.path, self.headers.get("If-None-Match")))
        STATE.headers.append({k.lower(): v for k, v in self.headers.items()})
        if self.path == "/feed.xml":
            etag = f'"v{STATE.version}"'
            match = self.headers.get("If-None-Match")
            # If-None-Match, when sent, overrides If-Modified-Since (RFC 9110, 13.2.2).
            if (match == etag if match is not None
                    else self.headers.get("If-Modified-Since") == STATE.modified()):
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", STATE.modified())
                self.end_headers()
                return
            self._send(STATE.feed(), "application/rss+xml", etag=etag,
                       modified=STATE.modified())
        elif self.path in PAGES:
            self._send(PAGES[self.path].encode(), "text/html; charset=utf-8")
        elif self.path == "/bad.xml":
            self._send(b"<rss this is not <xml at all", "application/rss+xml")
        elif self.path == "/empty.xml":
            self._send(rss([]), "application/rss+xml")
        elif self.path == "/huge.xml":
            filler = [(f"item{i}", f"{STATE.base}/articles/{i}", "x" * 2000) for i in range(1500)]
            self._send(rss(filler), "application/rss+xml")
        else:
            self.send_error(404)

    def _send(self, body: bytes, kind: str, etag: str | None = None,
              modified: str | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        if modified:
            self.send_header("Last-Modified", modified)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on a feed above its size limit, as it should

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[_Server]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    STATE.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    STATE.version = 1
    STATE.requests.clear()
    STATE.headers.clear()
    with threaded(httpd):
        yield STATE


@pytest.fixture(scope="session")
def newsbrief_cmd() -> list[str]:
    """The installed `newsbrief` script, as a user runs it."""
    exe = shutil.which("newsbrief", path=str(Path(sys.executable).parent)) or shutil.which(
        "newsbrief")
    assert exe, "the newsbrief command is not installed: pip install -e ."
    return [exe]


@pytest.fixture()
def nb(newsbrief_cmd: list[str], tmp_path: Path):
    db = tmp_path / "news.db"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*newsbrief_cmd, *args, "--db", str(db)], check=False,
                              capture_output=True,
                              text=True, timeout=180)

    return run


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def headlines(nb) -> set[str]:
    proc = nb("stories", "--json")
    assert proc.returncode == 0, proc.stderr
    return {s["title"] for s in json.loads(proc.stdout)}


def test_feeds_add_stores_entries_and_skips_bad_feeds(nb, server) -> None:
    proc = nb("add", f"{server.base}/bad.xml", f"{server.base}/feed.xml",
              f"{server.base}/empty.xml", f"{server.base}/huge.xml",
              f"http://127.0.0.1:{closed_port()}/feed.xml", f"{server.base}/gone.xml",
              "--allow-private", "--max-bytes", "1000000")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "5 of 8 inputs failed" in proc.stderr  # 3 entries stored, 5 feeds reported
    assert "bad.xml is not a readable RSS or Atom feed" in proc.stderr
    assert "empty.xml is an empty feed" in proc.stderr
    assert "huge.xml is" in proc.stderr and "limit" in proc.stderr
    assert "could not connect" in proc.stderr
    assert "HTTP 404" in proc.stderr
    assert headlines(nb) == {"Harbour bridge reopens after repairs",
                             "Island ferry suspended after storm damages pier", "water"}
    # The rich entry's own HTML was the article: its link was never fetched.
    assert "/articles/water" not in [path for path, _ in server.requests]


def test_feeds_watch_polls_conditionally_and_adds_only_new_entries(nb, server) -> None:
    first = nb("watch", f"{server.base}/feed.xml", "--once", "--allow-private", "--json")
    assert first.returncode == 0, first.stderr
    assert [json.loads(line)["status"] for line in first.stdout.splitlines()] == ["new"] * 3
    again = nb("watch", f"{server.base}/feed.xml", "--once", "--allow-private", "--json")
    assert again.returncode == 0 and again.stdout == ""
    assert ("/feed.xml", '"v1"') in server.requests  # the second poll was conditional
    server.version = 2
    server.requests.clear()
    third = nb("watch", f"{server.base}/feed.xml", "--once", "--allow-private", "--json")
    rows = [json.loads(line) for line in third.stdout.splitlines()]
    assert [r["status"] for r in rows] == ["new", "seen", "seen", "seen"]
    assert rows[0]["headline"] == "City library to open on Sundays"
    assert [p for p, _ in server.requests] == ["/feed.xml", "/articles/library"]


def test_feeds_watch_retries_an_entry_that_failed(nb, server, monkeypatch) -> None:
    server.version = 3
    first = nb("watch", f"{server.base}/feed.xml", "--once", "--allow-private", "--json")
    rows = [json.loads(line) for line in first.stdout.splitlines()]
    assert [r["status"] for r in rows] == ["failed", "new", "new", "new", "new"]
    assert "HTTP 404" in rows[0]["error"] and "Traceback" not in first.stderr
    server.requests.clear()
    # The feed is unchanged, but its validators were not kept: the failed entry is retried.
    monkeypatch.setitem(PAGES, "/articles/late", LATE)
    again = nb("watch", f"{server.base}/feed.xml", "--once", "--allow-private", "--json")
    rows = [json.loads(line) for line in again.stdout.splitlines()]
    assert [r["status"] for r in rows] == ["new", "seen", "seen", "seen", "seen"]
    assert server.requests == [("/feed.xml", None), ("/articles/late", None)]
    assert "Night trains return to the coast line" in headlines(nb)
    # Everything stored: now the poll is conditional again.
    third = nb("watch", f"{server.base}/feed.xml", "--once", "--allow-private", "--json")
    assert third.returncode == 0 and third.stdout == ""
    assert server.requests[-1] == ("/feed.xml", '"v3"')


def test_feeds_watch_reports_a_page_and_a_dead_feed_and_goes_on(nb, server) -> None:
    proc = nb("watch", f"{server.base}/articles/bridge", f"{server.base}/bad.xml",
              f"{server.base}/feed.xml", "--once", "--allow-private", "--every", "1m")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "is a web page, not an RSS or Atom feed" in proc.stderr
    assert "not a readable RSS or Atom feed" in proc.stderr
    assert proc.stdout.count("story ") == 3


def test_feeds_refuse_private_addresses_unless_allowed(nb, server) -> None:
    proc = nb("add", f"{server.base}/feed.xml")
    assert proc.returncode == 1 and "--allow-private" in proc.stderr


def test_feeds_saved_feed_file(nb, server, tmp_path) -> None:
    feed = tmp_path / "saved.rss"
    feed.write_bytes(rss([("water", "https://water.example/plant", RICH)]))
    proc = nb("add", str(feed))
    assert proc.returncode == 0, proc.stderr
    again = nb("add", str(feed), "--json")
    assert json.loads(again.stdout)["status"] == "seen"


def test_feeds_parse_feed_errors() -> None:
    with pytest.raises(IngestError, match="empty feed"):
        parse_feed(rss([]), "https://example.com/rss")
    with pytest.raises(IngestError, match="not a readable"):
        parse_feed(b"<html><body>hello</body></html>", "https://example.com/rss")
    feed = parse_feed(rss([("a", "https://example.com/a", None)]), "https://example.com/rss")
    assert feed.entries[0].link == "https://example.com/a" and feed.entries[0].html is None
    assert feed.entries[0].published == datetime(2025, 11, 6, 10, 0, tzinfo=UTC)


LOCAL = Options(allow_private=True)


def test_feeds_poll_returns_the_feed_and_its_validators(server) -> None:
    polled = poll(f"{server.base}/feed.xml", LOCAL)
    assert polled.feed is not None and polled.page is None
    assert [e.id for e in polled.feed.entries] == ["water", "bridge", "ferry"]
    assert (polled.etag, polled.modified) == ('"v1"', server.modified())
    sent = server.headers[-1]
    assert sent["accept"].startswith("application/rss+xml, application/atom+xml")
    assert "if-none-match" not in sent and "if-modified-since" not in sent


@pytest.mark.parametrize("validators", [{"etag": '"v1"'}, {"modified": "LAST"},
                                        {"etag": '"v1"', "modified": "LAST"}])
def test_feeds_poll_not_modified(server, validators: dict[str, str]) -> None:
    if validators.get("modified") == "LAST":
        validators = {**validators, "modified": server.modified()}
    polled = poll(f"{server.base}/feed.xml", LOCAL, **validators)
    assert (polled.feed, polled.page) == (None, None)
    assert (polled.etag, polled.modified) == ('"v1"', server.modified())
    sent = server.headers[-1]
    assert sent.get("if-none-match") == validators.get("etag")
    assert sent.get("if-modified-since") == validators.get("modified")


def test_feeds_poll_changed_feed_brings_new_validators(server) -> None:
    old_modified = server.modified()
    server.version = 2
    polled = poll(f"{server.base}/feed.xml", LOCAL, etag='"v1"', modified=old_modified)
    assert polled.feed is not None and polled.feed.entries[0].id == "library"
    assert (polled.etag, polled.modified) == ('"v2"', server.modified())
    assert polled.modified != old_modified


def test_feeds_poll_a_page_and_the_address_rules(server) -> None:
    polled = poll(f"{server.base}/articles/bridge", LOCAL)
    assert polled.feed is None and polled.page is not None
    assert polled.page.content.startswith(b"<!doctype html>")
    before = len(server.requests)
    with pytest.raises(FetchError, match="a loopback address"):
        poll(f"{server.base}/feed.xml", Options(), etag='"v1"')
    assert len(server.requests) == before  # refused before connecting


def test_feeds_reach_the_network_only_through_the_public_fetch_api() -> None:
    """feeds.py imports nothing private from fetch.py, and no HTTP library of its own."""
    tree = ast.parse(Path(feeds_module.__file__).read_text())
    imported: list[tuple[str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            imported += [(node.module or "", alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            imported += [(alias.name, "") for alias in node.names]
    assert ("fetch", "fetch") in imported
    assert not [name for module, name in imported if module == "fetch" and name.startswith("_")]
    assert not {m.partition(".")[0] for m, _ in imported} & {"httpx", "httpcore", "socket",
                                                             "urllib", "http", "ssl"}
