"""`newsbrief.ingest.fetch` against a real HTTP server on 127.0.0.1.

The server is on loopback, which `fetch` refuses by default, so success paths pass
`allow_private=True` or allow the server's exact `(ip, port)`. The refusal tests need no
network: the addresses are literals, and `no_connections` fails the test if `fetch` tries to
connect before refusing. The `headers=` tests check the conditional GET that `feeds.poll`
makes (If-None-Match, If-Modified-Since, 304) and that extra headers change none of the rules.
"""

from __future__ import annotations

import gzip
import ipaddress
import re
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import threaded

from newsbrief.errors import FetchError
from newsbrief.ingest.fetch import FetchOptions, _non_public_kind, fetch

PAGE = b"<!doctype html><html><head><title>Bridge reopens</title></head><body>News.</body></html>"
LOCAL = FetchOptions(allow_private=True)
ETAG = '"v7"'
LAST_MODIFIED = "Wed, 05 Nov 2025 10:00:00 GMT"
DRIP_INTERVAL = 0.05  # seconds between dripped bytes: well inside a 0.5 s read timeout


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a dripping handler must not keep the test run alive
    paths: list[str]
    headers: list[Message]  # each request's headers, in the order of `paths`


class _Handler(BaseHTTPRequestHandler):
    """Serves one behaviour per path; see `ROUTES`."""

    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
        pass

    def do_GET(self) -> None:
        self.server.paths.append(self.path)
        self.server.headers.append(self.headers)
        self.close_connection = True
        parts = urlsplit(self.path)
        name, _, arg = parts.path.strip("/").partition("/")
        arg = arg or parse_qs(parts.query).get("to", [""])[0]
        with suppress(BrokenPipeError, ConnectionResetError):  # the client gave up, as it should
            ROUTES.get(name, _Handler.missing)(self, arg)

    def reply(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **headers}.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def page(self, _: str) -> None:
        self.reply(200, PAGE, Content_Type="text/html; charset=utf-8")

    def redirect(self, to: str) -> None:
        self.reply(302, Location=to or "/page")

    def hop(self, n: str) -> None:
        self.reply(302, Location=f"/hop/{int(n) + 1}")

    def missing(self, _: str) -> None:
        self.reply(404, b"not here", Content_Type="text/plain")

    def big(self, _: str) -> None:
        self.reply(200, b"x" * 5000, Content_Type="text/plain")

    def chunked(self, _: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for _chunk in range(10):
            self.wfile.write(b"3e8\r\n" + b"x" * 1000 + b"\r\n")  # 0x3e8 == 1000
        self.wfile.write(b"0\r\n\r\n")

    def gzip(self, _: str) -> None:
        self.reply(200, gzip.compress(PAGE), Content_Type="text/html", Content_Encoding="gzip")

    def gzip_bomb(self, _: str) -> None:
        body = gzip.compress(b"\0" * 5_000_000)  # ~5 kB on the wire
        self.reply(200, body, Content_Type="text/plain", Content_Encoding="gzip")

    def brotli(self, _: str) -> None:
        self.reply(200, b"not really brotli", Content_Type="text/html", Content_Encoding="br")

    def drip(self, _: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self._drip(b"x")

    def drip_headers(self, _: str) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\n")
        self._drip(b"X-Padding: 1\r\n")

    def _drip(self, piece: bytes) -> None:
        for _piece in range(2000):  # 100 s: only a client without a total deadline waits it out
            self.wfile.write(piece)
            self.wfile.flush()
            time.sleep(DRIP_INTERVAL)

    def pdf(self, _: str) -> None:
        self.reply(200, b"%PDF-1.7\n", Content_Type="application/pdf")

    def untyped(self, _: str) -> None:
        self.reply(200, PAGE)

    def untyped_binary(self, _: str) -> None:
        self.reply(200, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")

    def conditional(self, _: str) -> None:
        """A page with validators; If-None-Match, when sent, overrides If-Modified-Since."""
        validators = {"ETag": ETAG, "Last_Modified": LAST_MODIFIED}
        match = self.headers.get("If-None-Match")
        if match is not None:
            unchanged = match == ETAG
        else:
            unchanged = self.headers.get("If-Modified-Since") == LAST_MODIFIED
        if unchanged:
            self.send_response(304)
            for name, value in validators.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
        else:
            self.reply(200, PAGE, Content_Type="text/html; charset=utf-8", **validators)

    def not_modified(self, _: str) -> None:
        self.send_response(304)
        self.end_headers()

    def nowhere(self, _: str) -> None:
        self.reply(302)  # a redirect without a Location


ROUTES: dict[str, Callable[[_Handler, str], None]] = {
    name.replace("_", "-"): method
    for name, method in vars(_Handler).items()
    if callable(method) and not name.startswith(("_", "do_", "log_", "reply"))
}


@contextmanager
def _serving(tls: ssl.SSLContext | None = None) -> Iterator[_Server]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.paths = []
    server.headers = []
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    with threaded(server):
        yield server


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    with _serving() as server:
        yield server


@pytest.fixture(scope="module")
def other_server() -> Iterator[_Server]:
    """A second server on loopback, which redirects must not reach."""
    with _serving() as server:
        yield server


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[_Server, list[str]]]:
    """An HTTPS server with a self-signed certificate for localhost, and the SNI names it saw."""
    openssl = shutil.which("openssl") or pytest.skip("openssl is needed to make a certificate")
    folder: Path = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    request = "req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost"
    san = "-addext subjectAltName=DNS:localhost"
    subprocess.run(
        [openssl, *request.split(), *san.split(), "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    seen: list[str] = []
    context.sni_callback = lambda _socket, name, _context: seen.append(name)
    with _serving(context) as server:
        yield server, seen


def _base(server: _Server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def _only(server: _Server) -> FetchOptions:
    """Options that allow exactly this server's endpoint, and nothing else private."""
    return FetchOptions(allowed_endpoints=frozenset({("127.0.0.1", server.server_address[1])}))


@pytest.fixture
def no_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything opens a TCP connection (httpcore connects through this)."""

    def refuse(address: object, *args: object, **kwargs: object) -> socket.socket:
        raise AssertionError(f"fetch connected to {address} before refusing it")

    monkeypatch.setattr(socket, "create_connection", refuse)


def test_fetch_page(server: _Server) -> None:
    page = fetch(f"{_base(server)}/page", LOCAL)
    assert page.url == f"{_base(server)}/page"
    assert page.content == PAGE
    assert page.content_type == "text/html"
    assert page.charset == "utf-8"


def test_fetch_final_url_after_redirect(server: _Server) -> None:
    page = fetch(f"{_base(server)}/redirect", LOCAL)
    assert page.url == f"{_base(server)}/page"
    assert page.content == PAGE


def test_fetch_decodes_gzip(server: _Server) -> None:
    assert fetch(f"{_base(server)}/gzip", LOCAL).content == PAGE


def test_fetch_sniffs_missing_content_type(server: _Server) -> None:
    page = fetch(f"{_base(server)}/untyped", LOCAL)
    assert (page.content_type, page.charset) == ("text/html", None)


def test_fetch_connects_to_the_address_it_checked(
    server: _Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The host name is resolved once, for the check; the connection uses that address."""
    lookups: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def recording_getaddrinfo(host: str, *args: Any, **kwargs: Any) -> Any:
        lookups.append(host)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", recording_getaddrinfo)
    page = fetch(f"http://localhost:{server.server_address[1]}/page", LOCAL)
    assert page.content == PAGE
    assert lookups.count("localhost") == 1
    assert set(lookups) - {"localhost"} <= {"127.0.0.1", "::1"}  # create_connection's own


def test_fetch_404_is_a_clear_error(server: _Server) -> None:
    with pytest.raises(FetchError, match=r"^\[NB011\] HTTP 404 Not Found from http://.*/missing"):
        fetch(f"{_base(server)}/missing", LOCAL)


def test_fetch_refuses_loopback_server_by_default(server: _Server) -> None:
    before = len(server.paths)
    with pytest.raises(FetchError, match=r"a loopback address \(127\.0\.0\.1\).*--allow-private"):
        fetch(f"{_base(server)}/page")
    assert len(server.paths) == before


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "a link-local address (169.254.169.254)"),
        ("http://[::1]/", "a loopback address (::1)"),
        ("http://10.0.0.1/", "a private address (10.0.0.1)"),
        ("http://0.0.0.0/", "an unspecified address (0.0.0.0)"),
        ("http://2130706433/", "a loopback address (127.0.0.1)"),  # decimal 127.0.0.1
        ("http://0x7f.1/", "a loopback address (127.0.0.1)"),  # hex, short form
        ("http://[::ffff:169.254.169.254]/", "a link-local address (::ffff:169.254.169.254)"),
        ("http://[2002:a00:1::]/", "a private address (2002:a00:1::)"),  # 6to4 of 10.0.0.1
        ("http://[64:ff9b::a9fe:a9fe]/", "a link-local address"),  # NAT64 of 169.254.169.254
        ("http://[fe80::1]/", "a link-local address (fe80::1)"),
        ("http://100.100.100.200/", "a non-public address"),  # a cloud metadata service
        ("http://224.0.0.1/", "a multicast address"),
    ],
)
def test_fetch_refuses_non_public_addresses_before_connecting(
    url: str, reason: str, no_connections: None
) -> None:
    with pytest.raises(FetchError) as refused:
        fetch(url)
    assert f"refused {url}: it resolves to {reason}" in str(refused.value)


@pytest.mark.parametrize(
    "address",
    ["93.184.215.14", "2606:4700:4700::1111", "2002:5db8:d70e::", "64:ff9b::5db8:d70e"],
)
def test_fetch_treats_public_addresses_as_public(address: str) -> None:
    assert _non_public_kind(ipaddress.ip_address(address)) is None


def test_fetch_allowed_endpoint_is_exact(server: _Server) -> None:
    allowed = _only(server)
    assert fetch(f"{_base(server)}/page", allowed).content == PAGE
    with pytest.raises(FetchError, match="a loopback address"):
        fetch(f"http://127.0.0.1:{server.server_address[1] + 1}/", allowed)


@pytest.mark.parametrize(
    ("target", "kind"),
    [("http://169.254.169.254/latest/", "a link-local"), ("http://10.1.2.3/", "a private")],
)
def test_fetch_refuses_redirect_to_private_address(server: _Server, target: str, kind: str) -> None:
    with pytest.raises(FetchError, match=rf"refused {re.escape(target)}: it resolves to {kind}"):
        fetch(f"{_base(server)}/redirect?to={target}", _only(server))


def test_fetch_rechecks_every_hop(server: _Server, other_server: _Server) -> None:
    """Same IP, other port: the allow-list names exact endpoints, and every hop is checked."""
    allowed = _only(server)
    with pytest.raises(FetchError, match="a loopback address"):
        fetch(f"{_base(server)}/redirect?to={_base(other_server)}/page", allowed)
    assert other_server.paths == []


def test_fetch_refuses_large_content_length(server: _Server) -> None:
    options = FetchOptions(allow_private=True, max_bytes=1000)
    with pytest.raises(FetchError, match=r"/big is 5 kB, above the 1 kB limit \(--max-bytes\)"):
        fetch(f"{_base(server)}/big", options)


@pytest.mark.parametrize(
    ("path", "max_bytes"),
    [("/chunked", 1000), ("/gzip-bomb", 100_000)],  # no Content-Length; 5 kB that decode to 5 MB
)
def test_fetch_stops_reading_past_max_bytes(server: _Server, path: str, max_bytes: int) -> None:
    options = FetchOptions(allow_private=True, max_bytes=max_bytes)
    with pytest.raises(FetchError, match=r"is more than .* once decoded, above the limit"):
        fetch(f"{_base(server)}{path}", options)


def test_fetch_refuses_unrequested_encoding(server: _Server) -> None:
    with pytest.raises(FetchError, match="Content-Encoding 'br'"):
        fetch(f"{_base(server)}/brotli", LOCAL)


@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_fetch_times_out_on_slow_drip(server: _Server, path: str) -> None:
    """Each byte comes well within the read timeout; the response as a whole does not."""
    options = FetchOptions(allow_private=True, read_timeout=0.5)
    with pytest.raises(FetchError, match=r"timed out after 0\.5s reading .*raise --timeout"):
        fetch(f"{_base(server)}{path}", options)


def test_fetch_refuses_non_page_content_type(server: _Server) -> None:
    with pytest.raises(FetchError, match=r"/pdf is application/pdf, not a web page"):
        fetch(f"{_base(server)}/pdf", LOCAL)


def test_fetch_refuses_untyped_binary(server: _Server) -> None:
    with pytest.raises(FetchError, match="has no Content-Type and does not look like text"):
        fetch(f"{_base(server)}/untyped-binary", LOCAL)


def test_fetch_too_many_redirects(server: _Server) -> None:
    options = FetchOptions(allow_private=True, max_redirects=3)
    with pytest.raises(FetchError, match=r"too many redirects \(more than 3\)"):
        fetch(f"{_base(server)}/hop/0", options)


@pytest.mark.parametrize("url", ["ftp://example.com/news.txt", "file:///etc/passwd"])
def test_fetch_unsupported_scheme(url: str, no_connections: None) -> None:
    scheme = url.partition(":")[0]
    with pytest.raises(FetchError, match=f"unsupported scheme '{scheme}'"):
        fetch(url)


def test_fetch_dns_failure(no_connections: None) -> None:
    with pytest.raises(FetchError, match=r"could not resolve no-such-site\.invalid"):
        fetch("https://no-such-site.invalid/news")


def test_fetch_connection_refused() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago, so nothing listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match=r"could not connect to 127\.0\.0\.1"):
        fetch(f"http://127.0.0.1:{port}/", LOCAL)


def test_fetch_verifies_tls_with_the_real_host_name(tls_server: tuple[_Server, list[str]]) -> None:
    """The socket goes to the checked 127.0.0.1, but SNI and the certificate check use the name."""
    server, names = tls_server
    with pytest.raises(
        FetchError, match=r"could not connect to localhost .*CERTIFICATE_VERIFY_FAILED"
    ):
        fetch(f"https://localhost:{server.server_address[1]}/page", LOCAL)
    assert names == ["localhost"]
    assert server.paths == []


# --- extra request headers and the response record: the conditional GET of `feeds.poll` -----


def _sent(server: _Server, path: str) -> Message:
    """The headers of the last request for `path`."""
    index = len(server.paths) - 1 - server.paths[::-1].index(path)
    return server.headers[index]


def test_fetch_returns_status_and_response_headers(server: _Server) -> None:
    page = fetch(f"{_base(server)}/conditional", LOCAL)
    assert (page.status, page.not_modified, page.content) == (200, False, PAGE)
    assert (page.etag, page.last_modified) == (ETAG, LAST_MODIFIED)
    assert page.headers["content-type"] == "text/html; charset=utf-8"  # names in lower case
    with pytest.raises(TypeError):
        page.headers["etag"] = '"forged"'  # type: ignore[index]  # read-only, as the record is
    assert fetch(f"{_base(server)}/page", LOCAL).etag is None


@pytest.mark.parametrize(
    "validators",
    [{"If-None-Match": ETAG}, {"If-Modified-Since": LAST_MODIFIED},
     {"if-none-match": ETAG, "if-modified-since": "Mon, 01 Jan 2024 00:00:00 GMT"}],
)
def test_fetch_conditional_get_not_modified(server: _Server, validators: dict[str, str]) -> None:
    page = fetch(f"{_base(server)}/conditional", LOCAL, headers=validators)
    assert (page.status, page.not_modified) == (304, True)
    assert (page.content, page.content_type, page.charset) == (b"", "", None)
    assert (page.etag, page.last_modified) == (ETAG, LAST_MODIFIED)  # the 304's own validators
    sent = _sent(server, "/conditional")
    for name, value in validators.items():
        assert sent.get_all(name) == [value]


def test_fetch_conditional_get_changed_returns_the_page(server: _Server) -> None:
    page = fetch(f"{_base(server)}/conditional", LOCAL,
                 headers={"If-None-Match": '"v6"', "If-Modified-Since": LAST_MODIFIED})
    assert (page.status, page.content, page.etag) == (200, PAGE, ETAG)
    assert _sent(server, "/conditional").get_all("If-None-Match") == ['"v6"']


def test_fetch_conditional_get_follows_redirects(server: _Server) -> None:
    """The validators go on every hop; the 304 is the final URL's, which `url` names."""
    page = fetch(f"{_base(server)}/redirect?to=/conditional", LOCAL,
                 headers={"If-None-Match": ETAG})
    assert (page.status, page.url) == (304, f"{_base(server)}/conditional")
    assert _sent(server, "/redirect?to=/conditional").get_all("If-None-Match") == [ETAG]
    assert _sent(server, "/conditional").get_all("If-None-Match") == [ETAG]


@pytest.mark.parametrize("headers", [None, {"Accept": "text/html"}])
def test_fetch_unasked_for_304_is_an_error(server: _Server, headers: dict[str, str] | None
                                           ) -> None:
    """A 304 means "your copy is current": without validators there is no copy to use."""
    with pytest.raises(FetchError, match=r"HTTP 304 Not Modified from .*/not-modified"):
        fetch(f"{_base(server)}/not-modified", LOCAL, headers=headers)


def test_fetch_redirect_without_location_is_an_error(server: _Server) -> None:
    with pytest.raises(FetchError, match=r"HTTP 302 Found from .*/nowhere: .*no Location header"):
        fetch(f"{_base(server)}/nowhere", LOCAL)


def test_fetch_headers_accept_replaces_the_default(server: _Server) -> None:
    fetch(f"{_base(server)}/page", LOCAL,
          headers={"Accept": "application/rss+xml", "X-Request-Id": "42"})
    sent = _sent(server, "/page")
    assert sent.get_all("Accept") == ["application/rss+xml"]
    assert sent.get_all("X-Request-Id") == ["42"]
    assert sent.get_all("Accept-Encoding") == ["gzip, deflate"]
    assert sent.get_all("User-Agent") == [LOCAL.user_agent]
    fetch(f"{_base(server)}/page", LOCAL)
    assert _sent(server, "/page").get_all("Accept") == [
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"]


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Host": "metadata.internal"}, "set by fetch itself"),
        ({"host": "metadata.internal"}, "set by fetch itself"),
        ({"Accept-Encoding": "br"}, "set by fetch itself"),  # would undo the gzip-bomb guard
        ({"User-Agent": "other"}, "set by fetch itself"),
        ({"Transfer-Encoding": "chunked"}, "set by fetch itself"),
        ({"Content-Length": "5"}, "set by fetch itself"),
        ({"Connection": "keep-alive"}, "set by fetch itself"),
        ({"Authorization": "Bearer x"}, "set by fetch itself"),  # a redirect would carry it
        ({"Cookie": "session=x"}, "set by fetch itself"),
        ({"Bad Name": "x"}, "not a valid HTTP header name"),
        ({"X-A:B": "x"}, "not a valid HTTP header name"),
        ({"If-None-Match": '"v7"\r\nHost: evil'}, "line break or NUL"),
        ({"X-Trace": "a\nb"}, "line break or NUL"),
    ],
)
def test_fetch_refuses_reserved_or_malformed_headers_before_connecting(
    headers: dict[str, str], reason: str, no_connections: None
) -> None:
    with pytest.raises(ValueError, match=reason):
        fetch("http://93.184.215.14/", LOCAL, headers=headers)


def test_fetch_conditional_get_refuses_loopback_by_default(server: _Server) -> None:
    before = len(server.paths)
    with pytest.raises(FetchError, match=r"a loopback address \(127\.0\.0\.1\)"):
        fetch(f"{_base(server)}/conditional", headers={"If-None-Match": ETAG})
    assert len(server.paths) == before


def test_fetch_conditional_get_rechecks_every_hop(server: _Server, other_server: _Server
                                                  ) -> None:
    with pytest.raises(FetchError, match="a loopback address"):
        fetch(f"{_base(server)}/redirect?to={_base(other_server)}/conditional", _only(server),
              headers={"If-None-Match": ETAG})
    assert other_server.paths == []


@pytest.mark.parametrize(
    ("path", "options", "error"),
    [
        ("/gzip-bomb", FetchOptions(allow_private=True, max_bytes=100_000), "once decoded"),
        ("/big", FetchOptions(allow_private=True, max_bytes=1000), r"above the 1 kB limit"),
        ("/drip", FetchOptions(allow_private=True, read_timeout=0.5), r"timed out after 0\.5s"),
        ("/brotli", LOCAL, "Content-Encoding 'br'"),
    ],
)
def test_fetch_with_headers_keeps_the_limits(server: _Server, path: str, options: FetchOptions,
                                             error: str) -> None:
    """A conditional GET whose validators do not match reads the body under the same rules."""
    with pytest.raises(FetchError, match=error):
        fetch(f"{_base(server)}{path}", options,
              headers={"If-None-Match": '"stale"', "If-Modified-Since": LAST_MODIFIED})
