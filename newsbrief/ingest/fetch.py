"""Fetch a news page over HTTP(S), safely enough to run on URLs that strangers submit.

The threat is server-side request forgery: a submitted URL (or a redirect it leads to) that
points at the machine itself, the private network or the cloud metadata service at
169.254.169.254. So before each connection we resolve the host once, refuse the URL if *any*
address is not public, and then connect to exactly the addresses we checked.

Why a custom httpcore network backend rather than rewriting the URL to the IP and sending
`Host` and the `sni_hostname` extension by hand: the backend changes only where the TCP
socket goes. The URL, `Host` header, SNI and certificate check all keep the real host name,
so TLS verification works unchanged, and httpx's URL handling (IDNA, IPv6 brackets, default
ports) is reused rather than rebuilt. The same backend wraps each connection so that all of
its reads share one deadline: httpcore's read timeout applies to each read, so a server that
drips a byte every few seconds (in the headers or the body) would otherwise never time out.

httpx contributes URL parsing and content decoding (gzip, deflate); httpcore, which httpx is
built on, does the HTTP/1.1 exchange. Redirects are followed here, so that every hop's scheme
and addresses are checked again.

Callers may add request headers (`fetch(url, headers=...)`), which is how `feeds.poll` makes
a conditional GET: with `If-None-Match` or `If-Modified-Since`, a 304 answer comes back as a
`Fetched` with status 304 and no body, and every `Fetched` carries its response headers
(`etag`, `last_modified`). Headers that would change where the request goes, how the body is
framed or encoded, or that carry credentials across redirects are refused.
"""

from __future__ import annotations

import codecs
import functools
import ipaddress
import logging
import re
import socket
import ssl
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import httpcore
import httpx

from ..errors import FetchError
from ..version import __version__

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """How `fetch` may behave. The defaults suit briefing pages that users submit.

    `read_timeout` is one budget for a response, headers and body together, not a limit
    per read. `allowed_endpoints` lets exact `(ip, port)` pairs through even though they are
    not public (an intranet mirror, a test server on loopback) without opening the whole
    private network as `allow_private` does.
    """

    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    allow_private: bool = False
    allowed_endpoints: frozenset[tuple[str, int]] = frozenset()
    user_agent: str = f"newsbrief/{__version__} (+https://github.com/newsbrief)"


def _no_headers() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched page, still bytes: extraction picks the encoding from `charset` or the markup.

    `status` is the final response's status: a 2xx for a page, or 304 (`not_modified`, with
    empty `content` and `content_type`) when a conditional request was answered "unchanged".
    `headers` are the final response's headers, read-only, names in lower case, a repeated
    header's values joined with ", ".
    """

    url: str
    content: bytes
    content_type: str
    charset: str | None
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=_no_headers, hash=False)

    @property
    def not_modified(self) -> bool:
        """A conditional request was answered 304 Not Modified: the caller's copy is current."""
        return self.status == 304

    @property
    def etag(self) -> str | None:
        """The `ETag` validator, to send back as `If-None-Match`."""
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        """The `Last-Modified` validator, to send back as `If-Modified-Since`."""
        return self.headers.get("last-modified")


PAGE_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "text/plain",
        "application/json",
        "application/rss+xml",
        "application/atom+xml",
        "application/xml",
        "text/xml",
    }
)

# Only codings whose expansion is bounded (deflate tops out near 1032:1). Brotli turns
# 1.5 kB into 1 GB, and httpx decodes a network chunk in one call, so an unasked-for `br`
# body is refused rather than decoded.
_ENCODINGS = frozenset({"identity", "gzip", "x-gzip", "deflate"})
# Raw chunks are cut to this size before decoding, so one decode step yields ~1 MB at most
# and `max_bytes` is checked before a gzip bomb can grow far past it.
_RAW_SLICE = 1024
_DEFAULT_PORTS = {"http": 80, "https": 443}
# RFC 6052 well-known NAT64 prefix: behind NAT64, 64:ff9b::a9fe:a9fe reaches 169.254.169.254.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# The statuses that redirect a GET. Not httpx's `is_redirect`, which is any 3xx: a 304, or a
# 300 without a Location, would end in a KeyError rather than a FetchError.
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
# Request headers a caller may not set: where the request goes (Host), how the exchange is
# framed (the hop-by-hop and length headers), which codings come back (Accept-Encoding: only
# bounded ones are decoded), the one User-Agent (`FetchOptions.user_agent`), and credentials,
# which the hops of a redirect would carry to other hosts.
_RESERVED_HEADERS = frozenset({
    "host", "accept-encoding", "user-agent", "content-length", "transfer-encoding",
    "connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "expect",
    "authorization", "proxy-authorization", "cookie",
})
# The request headers under which a server may answer 304 Not Modified to a GET.
_CONDITIONAL = frozenset({"if-none-match", "if-modified-since"})
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")


def fetch(url: str, options: FetchOptions = FetchOptions(), *,
          headers: Mapping[str, str] | None = None) -> Fetched:
    """Fetch `url` and return the page, following redirects and refusing non-public addresses.

    Args:
        url: an http or https URL.
        options: limits and the address policy; see `FetchOptions`.
        headers: extra request headers, sent on every hop: `Accept` replaces the default,
            `If-None-Match` / `If-Modified-Since` make the GET conditional. Names in
            `_RESERVED_HEADERS` (Host, Accept-Encoding, User-Agent, framing, credentials)
            are refused.

    Returns:
        The final URL after redirects, the decoded body (gzip/deflate undone), its media
        type, the charset named by the `Content-Type` header (if any), the status and the
        response headers. A 304 is returned (`Fetched.not_modified`, no body) only when
        `headers` made the request conditional; otherwise it is an error like any non-2xx.

    Raises:
        FetchError: the URL was refused, unreachable, too slow, too big or not a page.
        ValueError: `headers` names a reserved header, or a name or value is malformed.
    """
    extra = _extra_headers(headers or {})
    conditional = any(name.lower() in _CONDITIONAL for name in headers or {})
    current = _parse(url)
    for _ in range(options.max_redirects + 1):
        with _get(current, options, extra) as response:
            if conditional and response.status_code == 304:
                logger.info("%s: not modified", current)
                return Fetched(url=str(current), content=b"", content_type="", charset=None,
                               status=304, headers=_response_headers(response))
            if response.status_code not in _REDIRECTS or "location" not in response.headers:
                page = _read_page(current, response, options)
                logger.info(
                    "fetched %s (%d bytes, %s)", page.url, len(page.content), page.content_type
                )
                return page
            target = _parse(response.headers["location"], base=current)
        logger.info("following redirect from %s to %s", current, target)
        current = target
    raise FetchError(
        f"too many redirects (more than {options.max_redirects}) from {url}: "
        "the site may be looping; open it in a browser to check"
    )


def _extra_headers(headers: Mapping[str, str]) -> list[tuple[bytes, bytes]]:
    """Check the caller's request headers and encode them, refusing reserved or malformed ones.

    A value goes out as Latin-1 when it fits, else UTF-8: that gives back the bytes a server
    sent, whichever of the two httpx decoded a validator (an ETag) from.
    """
    encoded = []
    for name, value in headers.items():
        if not _TOKEN.match(name):
            raise ValueError(f"{name!r} is not a valid HTTP header name")
        if name.lower() in _RESERVED_HEADERS:
            raise ValueError(f"the {name} header is set by fetch itself and cannot be given")
        if any(c in value for c in "\r\n\0"):
            raise ValueError(f"the {name} header's value has a line break or NUL: {value!r}")
        try:
            raw = value.encode("latin-1")
        except UnicodeEncodeError:
            raw = value.encode("utf-8")
        encoded.append((name.encode("ascii"), raw))
    return encoded


def _response_headers(response: httpx.Response) -> Mapping[str, str]:
    """The response headers, read-only, lower-case names, repeated values joined by ", "."""
    return MappingProxyType({name: response.headers[name] for name in response.headers})


def _parse(url: str, base: httpx.URL | None = None) -> httpx.URL:
    """Parse `url` (relative to `base`, for a redirect) and insist on http or https."""
    try:
        parsed = base.join(url) if base is not None else httpx.URL(url)
    except httpx.InvalidURL as e:
        raise FetchError(f"{url!r} is not a valid URL ({e}): check it for typos") from e
    if parsed.scheme not in _DEFAULT_PORTS:
        raise FetchError(f"unsupported scheme {parsed.scheme!r} in {url}: use an http or https URL")
    if not parsed.host:
        raise FetchError(f"{url} has no host: use a full URL such as https://example.com/news")
    return parsed


@contextmanager
def _get(url: httpx.URL, options: FetchOptions, extra: list[tuple[bytes, bytes]]
         ) -> Iterator[httpx.Response]:
    """GET `url` over a connection to its checked addresses, yielding a streaming response.

    `extra` are the caller's headers, checked by `_extra_headers`; an `Accept` among them
    replaces the default one.

    A fresh pool per hop keeps each connection bound to the one origin whose addresses were
    checked: a pooled connection must not be reused for another host's redirect.
    """
    host = url.raw_host.decode("ascii")
    port = url.port or _DEFAULT_PORTS[url.scheme]
    addresses = _checked_addresses(url, host, port, options)
    logger.debug("fetching %s from %s", url, ", ".join(addresses))
    backend = _PinnedBackend(host, port, addresses, options.read_timeout)
    headers = [
        (b"Host", url.netloc),  # httpx brackets IPv6 literals; httpcore's own Host would not
        (b"User-Agent", options.user_agent.encode("ascii")),
        (b"Accept-Encoding", b"gzip, deflate"),
    ]
    if not any(name.lower() == b"accept" for name, _ in extra):
        headers.append((b"Accept", _ACCEPT.encode("ascii")))
    headers += extra
    # No "read" timeout: _DeadlineStream gives every read the rest of one shared budget.
    timeouts = {
        "connect": options.connect_timeout,
        "write": options.connect_timeout,
        "pool": options.connect_timeout,
    }
    target = httpcore.URL(
        scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
    )
    with (
        _fetch_errors(url, host, options),
        httpcore.ConnectionPool(ssl_context=_tls_context(), network_backend=backend) as pool,
        pool.stream("GET", target, headers=headers, extensions={"timeout": timeouts}) as raw,
    ):
        yield httpx.Response(raw.status, headers=raw.headers, stream=_RawBody(raw.iter_stream()))


def _checked_addresses(url: httpx.URL, host: str, port: int, options: FetchOptions) -> list[str]:
    """Resolve `host` and return its addresses, refusing the URL if any one is not public.

    Any, not all: with several A/AAAA records we cannot know which one a connection uses,
    and a rebinding attacker controls the order.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise FetchError(
            f"could not resolve {host} ({e.strerror}): check the host name in {url}"
        ) from e
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        ip = ipaddress.ip_address(address)
        kind = _non_public_kind(ip)
        if (
            kind is not None
            and not options.allow_private
            and not _is_allowed_endpoint(ip, port, options)
        ):
            raise FetchError(
                f"refused {url}: it resolves to {kind} address ({address}); "
                "pass --allow-private to fetch private addresses"
            )
    return addresses


def _non_public_kind(ip: IPAddress) -> str | None:
    """Say what kind of non-public address `ip` is ("a loopback"), or None if it is public."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or _nat64_embedded(ip)
        if embedded is not None:
            return _non_public_kind(embedded)
        if ip.is_site_local:  # deprecated fec0::/10, which Python still calls global
            return "a site-local"
    checks = (
        ("a loopback", ip.is_loopback),
        ("a link-local", ip.is_link_local),
        ("an unspecified", ip.is_unspecified),
        ("a multicast", ip.is_multicast),
        ("a private", ip.is_private),
        ("a reserved", ip.is_reserved),
        ("a non-public", not ip.is_global),  # e.g. 100.64.0.0/10, where some clouds keep metadata
    )
    return next((kind for kind, hit in checks if hit), None)


def _nat64_embedded(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    return ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF) if ip in _NAT64 else None


def _is_allowed_endpoint(ip: IPAddress, port: int, options: FetchOptions) -> bool:
    return any(
        ipaddress.ip_address(host) == ip and allowed_port == port
        for host, allowed_port in options.allowed_endpoints
    )


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """httpx's verifying context (certifi roots), built once: loading the roots takes ~20 ms."""
    return httpx.create_ssl_context()


@contextmanager
def _fetch_errors(url: httpx.URL, host: str, options: FetchOptions) -> Iterator[None]:
    """Turn httpcore and httpx failures into a `FetchError` that says what to do."""
    try:
        yield
    except httpcore.ConnectTimeout as e:
        raise FetchError(
            f"timed out after {options.connect_timeout:g}s connecting to {host}: "
            "check the URL or raise --timeout"
        ) from e
    except httpcore.TimeoutException as e:
        raise FetchError(
            f"timed out after {options.read_timeout:g}s reading {url}: "
            "the server is too slow; try later or raise --timeout"
        ) from e
    except httpcore.ConnectError as e:
        raise FetchError(
            f"could not connect to {host} ({e}): check the URL, or whether the site is up"
        ) from e
    except (httpcore.NetworkError, httpcore.ProtocolError) as e:
        raise FetchError(
            f"the connection to {host} failed while fetching {url} ({e}): try again later"
        ) from e
    except httpx.DecodingError as e:
        raise FetchError(f"{url} sent a body that does not match its Content-Encoding ({e})") from e


def _read_page(url: httpx.URL, response: httpx.Response, options: FetchOptions) -> Fetched:
    """Check the status, type, encoding and size of a final response, then read its body."""
    if not response.is_success:
        raise FetchError(
            f"HTTP {response.status_code} {response.reason_phrase} from {url}: "
            f"{_status_hint(response)}"
        )
    media_type = response.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type and media_type not in PAGE_TYPES:
        raise FetchError(
            f"{url} is {media_type}, not a web page: newsbrief briefs HTML, text and feeds"
        )
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in _ENCODINGS:
        raise FetchError(
            f"{url} is sent with Content-Encoding {encoding!r}, "
            "which newsbrief did not ask for and does not decode"
        )
    declared = response.headers.get("content-length")
    if declared is not None and int(declared) > options.max_bytes:
        raise FetchError(
            f"{url} is {_size(int(declared))}, "
            f"above the {_size(options.max_bytes)} limit (--max-bytes)"
        )
    content = bytearray()
    for chunk in response.iter_bytes():
        content += chunk
        if len(content) > options.max_bytes:
            raise FetchError(
                f"{url} is more than {_size(options.max_bytes)} once decoded, "
                "above the limit (--max-bytes)"
            )
    if not media_type:
        media_type = _sniff(bytes(content[:512]))
        if media_type not in PAGE_TYPES:
            raise FetchError(
                f"{url} has no Content-Type and does not look like text: "
                "newsbrief briefs HTML, text and feeds"
            )
    return Fetched(
        url=str(url),
        content=bytes(content),
        content_type=media_type,
        charset=response.charset_encoding,
        status=response.status_code,
        headers=_response_headers(response),
    )


def _status_hint(response: httpx.Response) -> str:
    if response.is_client_error:
        return "check the URL, or whether the page needs a login"
    if response.is_server_error:
        return "the site is failing; try again later"
    if response.status_code == 304:
        return "the server says the page is unchanged, but newsbrief did not ask conditionally"
    if response.status_code in _REDIRECTS:
        return "the redirect has no Location header"
    return "newsbrief cannot use this response"


def _sniff(head: bytes) -> str:
    """Guess a missing media type from the first bytes: markup, JSON, plain text or binary.

    A much reduced WHATWG MIME sniff: enough to accept a misconfigured news site and to
    refuse a PDF or an image served without a type.
    """
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head)  # a cut last char is fine
    except UnicodeDecodeError:
        return "application/octet-stream"
    text = text.lstrip().lower()
    if any(ord(c) < 32 and c not in "\t\n\r\f" for c in text):
        return "application/octet-stream"
    if text.startswith("<?xml"):
        return "application/xml"
    if text.startswith("<"):
        return "text/html"
    if text.startswith(("{", "[")):
        return "application/json"
    return "text/plain"


def _size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.3g} MB"
    if n >= 1_000:
        return f"{n / 1_000:.3g} kB"
    return f"{n} bytes"


class _RawBody(httpx.SyncByteStream):
    """The raw body for httpx to decode, cut into `_RAW_SLICE` pieces (see `_RAW_SLICE`)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._chunks:
            for start in range(0, len(chunk), _RAW_SLICE):
                yield chunk[start : start + _RAW_SLICE]


class _PinnedBackend(httpcore.NetworkBackend):
    """Connects to the addresses `fetch` checked, never to a fresh lookup of the host name.

    Resolving again at connect time would let a DNS-rebinding server answer the check with a
    public address and the connection with 127.0.0.1.
    """

    def __init__(self, host: str, port: int, addresses: list[str], read_timeout: float) -> None:
        self._host = host
        self._port = port
        self._addresses = addresses
        self._read_timeout = read_timeout
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        if (host, port) != (self._host, self._port):  # a guard: each pool serves one checked origin
            raise httpcore.ConnectError(
                f"{host}:{port} was not checked; only {self._host}:{self._port} was"
            )
        for address in self._addresses[:-1]:  # on to the next address on refusal, as browsers do
            try:
                return self._connect(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as e:
                logger.debug(
                    "could not connect to %s at %s (%s); trying the next address", host, address, e
                )
        return self._connect(self._addresses[-1], port, timeout, local_address, socket_options)

    def _connect(
        self,
        address: str,
        port: int,
        timeout: float | None,
        local_address: str | None,
        socket_options: Iterable[Any] | None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
        return _DeadlineStream(stream, self._read_timeout)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose reads share one time budget, which starts at the first read."""

    def __init__(self, stream: httpcore.NetworkStream, budget: float) -> None:
        self._stream = stream
        self._budget = budget
        self._deadline: float | None = None

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        now = time.monotonic()
        if self._deadline is None:
            self._deadline = now + self._budget
        remaining = self._deadline - now
        if remaining <= 0:
            raise httpcore.ReadTimeout(f"no complete response within {self._budget:g}s")
        return self._stream.read(
            max_bytes, remaining if timeout is None else min(timeout, remaining)
        )

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._stream.start_tls(ssl_context, server_hostname, timeout), self._budget
        )

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)
