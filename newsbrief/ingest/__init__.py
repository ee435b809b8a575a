"""Ingest: any input a user has → clean `Article`s.

Inputs are files (text captures, saved HTML, JSON/JSONL records, optionally gzipped),
folders of them, http(s) URLs, stdin (`-`), or the content itself. Each article comes back
as an `IngestResult`: the article, or the reason there is none. Bad input is an expected
outcome here, so nothing is raised for it until a caller asks (`IngestResult.unwrap`).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

from ..config import Options
from ..errors import IngestError, NewsbriefError, NoArticle
from ..records import Article, Paragraph, ParsedPage, Source, Span
from .capture import read_capture
from .dateline import parse_dateline
from .decode import decode
from .fetch import FetchOptions, fetch
from .html import read_html
from .language import detect_language, language_name

logger = logging.getLogger(__name__)

__all__ = ["IngestResult", "ingest", "ingest_many"]

# Fewer words than this is a teaser, a paywall stub or an index page, not an article.
MIN_WORDS = 25
_URL = re.compile(r"https?://\S+\Z", re.IGNORECASE)
_HTML = re.compile(rb"<(!doctype html|html|head|body|article|div|p|meta|title)[\s>/]", re.IGNORECASE)
# Chinese, Japanese and Korean are written without spaces between words: count their
# characters, two to a word (a rough mean for Chinese and Japanese words).
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_SUFFIXES = {".txt", ".text", ".html", ".htm", ".xhtml", ".json", ".jsonl", ".ndjson", ".gz"}


@dataclass(frozen=True, slots=True)
class IngestResult:
    """One article from an input, or why there is none."""

    name: str  # which input: a path, a URL, "stdin", "dump.jsonl:12"
    article: Article | None = None
    error: NewsbriefError | None = None
    # The page as read when it was read but holds no article (NB020: a short post, a teaser):
    # its metadata (title, publication time, author, outlet, URL) without the body. "No
    # article" stays the error; this is what a caller can still know about the page.
    page: ParsedPage | None = None

    @property
    def reason(self) -> str | None:
        return str(self.error) if self.error else None

    def unwrap(self) -> Article:
        """The article, or raise the error that says why there is none."""
        if self.article is None:
            raise self.error or NoArticle(f"{self.name}: no article found.")
        return self.article


@dataclass(frozen=True, slots=True)
class _Item:
    """Raw content of one article-to-be, with what its container said about it."""

    name: str
    data: bytes | str
    url: str | None = None
    published: str | datetime | None = None
    charset: str | None = None
    fmt: str | None = None  # "html" or "capture" when the container says; sniffed otherwise
    error: NewsbriefError | None = None  # an item of a batch that could not be read


def ingest(
    source: str | bytes | Path,
    *,
    url: str | None = None,
    published: str | datetime | None = None,
    options: Options | None = None,
) -> IngestResult:
    """Read exactly one article from a path, a URL, or content (HTML or a text capture).

    Args:
        source: what to read.
        url: the page's URL when `source` is its content (for the outlet and the id).
        published: the publication time; it overrides what the page states.
        options: limits on size and time, and the URL policy.
    """
    results = list(_results(source, options or Options(), url=url, published=published))
    if len(results) == 1:
        return results[0]
    name = results[0].name.rsplit(":", 1)[0] if results else str(source)[:80]
    return IngestResult(name, error=IngestError(
        f"{name} holds {len(results)} articles, not one: use ingest_many() "
        "(or `newsbrief brief`, which takes many)."
    ))


def ingest_many(
    inputs: Iterable[str | bytes | Path], *, options: Options | None = None
) -> Iterator[IngestResult]:
    """Every article in `inputs`: files, folders, URLs, JSON/JSONL dumps, `-` for stdin."""
    opts = options or Options()
    for source in inputs:
        yield from _results(source, opts)


def _results(
    source: str | bytes | Path, options: Options, *,
    url: str | None = None, published: str | datetime | None = None,
) -> Iterator[IngestResult]:
    name = _name(source)
    try:
        items = list(_load(source, options, url=url, published=published))
    except NewsbriefError as e:
        logger.info("%s: %s", name, e)
        yield IngestResult(name, error=e)
        return
    for item in items:
        yield _parse(item, options)


def _name(source: str | bytes | Path) -> str:
    if isinstance(source, Path):
        return str(source)
    if isinstance(source, bytes):
        return "input"
    return source if len(source) < 200 and "\n" not in source else "input"


def _load(
    source: str | bytes | Path, options: Options, *,
    url: str | None = None, published: str | datetime | None = None,
) -> Iterator[_Item]:
    """The raw items in `source`: one per article (a JSONL dump or a folder gives many)."""
    if isinstance(source, bytes):
        yield from _split(_Item("input", _capped(source, "input", options), url, published),
                          options)
    elif isinstance(source, str) and source == "-":
        data = sys.stdin.buffer.read(options.max_bytes + 1)
        yield from _split(_Item("stdin", _capped(data, "stdin", options), url, published),
                          options)
    elif isinstance(source, str) and _URL.match(source.strip()):
        yield _fetch(source.strip(), options, published)
    elif isinstance(source, Path) or (
        "\n" not in source and len(source) < 4096 and "<" not in source
    ):
        path = Path(source)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _wanted(p))
            if not files:
                raise IngestError(f"{path}/ holds no .txt, .html or .json/.jsonl files.")
            for file in files:
                try:
                    yield from _split(_read_file(file, options, url, published), options)
                except IngestError as e:  # one bad file in a folder must not stop the rest
                    yield _Item(str(file), b"", error=e)
        else:
            yield from _split(_read_file(path, options, url, published), options)
    else:
        yield from _split(_Item("input", source, url, published), options)


def _wanted(path: Path) -> bool:
    return path.suffix.lower() in _SUFFIXES and not path.name.startswith(".")


def _capped(data: bytes, name: str, options: Options, size: int | None = None) -> bytes:
    if (size or len(data)) > options.max_bytes:
        raise IngestError(
            f"{name} is larger than the {options.max_bytes:,}-byte limit: no news article is "
            "that big. Check the input, or raise the limit with --max-bytes."
        )
    return data


def _read_file(
    path: Path, options: Options, url: str | None, published: str | datetime | None
) -> _Item:
    if not path.exists():
        raise IngestError(f"{path}: no such file. Check the path (or give a full http(s) URL).")
    if not path.is_file():
        raise IngestError(f"{path} is not a regular file.")
    size = path.stat().st_size
    if size == 0:
        raise IngestError(f"{path} is empty: there is nothing to brief.")
    _capped(b"", str(path), options, size)
    with path.open("rb") as fh:
        data = fh.read(options.max_bytes + 1)
    if path.suffix.lower() == ".gz" or data[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as fh:
                data = fh.read(options.max_bytes + 1)
        except (OSError, EOFError) as e:
            raise IngestError(f"{path} is not a readable gzip file ({e}).") from e
    data = _capped(data, str(path), options)
    stem = path.name.lower().removesuffix(".gz")
    fmt = "html" if stem.endswith((".html", ".htm", ".xhtml")) else None
    return _Item(str(path), data, url, published, fmt=fmt)


def _fetch(url: str, options: Options, published: str | datetime | None) -> _Item:
    fetched = fetch(url, FetchOptions(
        connect_timeout=min(options.timeout, 10.0), read_timeout=options.timeout,
        max_bytes=options.max_bytes, allow_private=options.allow_private,
    ))
    fmt = "html" if "html" in fetched.content_type else None
    return _Item(url, fetched.content, fetched.url, published, fetched.charset, fmt)


def _split(item: _Item, options: Options) -> Iterator[_Item]:
    """JSON and JSONL content holds records, one article each; anything else is one item."""
    text = item.data if isinstance(item.data, str) else None
    head = (item.data[:64] if isinstance(item.data, bytes) else item.data[:64].encode()).lstrip()
    if item.fmt or not head.startswith((b"{", b"[")):
        yield item
        return
    if text is None:
        text = decode(item.data, name=item.name, declared=item.charset)  # type: ignore[arg-type]  # data is bytes when text is None
    yield from _records(item.name, text, options)


def _records(name: str, text: str, options: Options) -> Iterator[_Item]:
    """Records `{"url", "html"|"text", "published"}`, from JSON (one or a list) or JSONL."""
    try:
        whole = json.loads(text)
        rows: list[tuple[str, object]] = [
            (f"{name}:{i + 1}", r) for i, r in enumerate(whole if isinstance(whole, list) else [whole])
        ]
    except json.JSONDecodeError:
        rows = []
        for i, line in enumerate(text.splitlines()):
            if not line.strip():
                continue
            try:
                rows.append((f"{name}:{i + 1}", json.loads(line)))
            except json.JSONDecodeError as e:
                rows.append((f"{name}:{i + 1}", f"line {i + 1} is not valid JSON ({e.msg})"))
    for row_name, row in rows:
        yield _record(row_name, row, options)


def _record(name: str, row: object, options: Options) -> _Item:
    if isinstance(row, str):
        return _Item(name, b"", error=IngestError(f"{name}: {row}."))
    if not isinstance(row, dict):
        return _Item(name, b"", error=IngestError(
            f"{name}: a record must be a JSON object with \"html\", \"text\" or \"url\"."
        ))
    url, published = row.get("url"), row.get("published")
    if isinstance(row.get("html"), str):
        return _Item(name, row["html"], url, published, fmt="html")
    if isinstance(row.get("text"), str):
        return _Item(name, row["text"], url, published, fmt="capture")
    if isinstance(url, str):
        try:
            return _fetch(url, options, published)
        except NewsbriefError as e:
            return _Item(name, b"", error=e)
    return _Item(name, b"", error=IngestError(
        f"{name}: the record has no \"html\", \"text\" or \"url\" field."
    ))


def count_words(text: str) -> int:
    """Words in `text`, in spaced scripts and in Chinese, Japanese and Korean alike."""
    cjk = len(_CJK.findall(text))
    return len(_CJK.sub(" ", text).split()) + cjk // 2


def _parse(item: _Item, options: Options) -> IngestResult:
    """Decode, read and check one item; never raises for bad input."""
    if item.error:
        return IngestResult(item.name, error=item.error)
    page: ParsedPage | None = None
    try:
        page, fmt = _page(item)
        return IngestResult(item.name, article=build_article(
            page, name=item.name, fmt=fmt, url=page.url, published=page.published))
    except NoArticle as e:
        logger.info("%s: %s", item.name, e)
        return IngestResult(item.name, error=e, page=page)
    except NewsbriefError as e:
        logger.info("%s: %s", item.name, e)
        return IngestResult(item.name, error=e)


def _page(item: _Item) -> tuple[ParsedPage, str]:
    """Decode and read one item: the page (with the URL and publication time its container
    gave, which override the page's own) and its format."""
    if isinstance(item.data, bytes):
        if not item.data.strip():
            raise IngestError(f"{item.name} is empty: there is nothing to brief.")
        text = decode(item.data, name=item.name, declared=item.charset)
    else:
        text = item.data
    if not text.strip():
        raise IngestError(f"{item.name} is empty: there is nothing to brief.")
    fmt = item.fmt or ("html" if _HTML.search(text[:4096].encode("utf-8", "ignore")) else "capture")
    page = read_html(text, url=item.url) if fmt == "html" else read_capture(text)
    published = item.published
    if isinstance(published, str):
        published = parse_dateline(published)
    return replace(page, url=item.url or page.url, published=published or page.published), fmt


def build_article(
    page: ParsedPage, *, name: str, fmt: str, url: str | None,
    published: datetime | None,
) -> Article:
    """Join a page's blocks into `Article.text`, noting its language.

    Raises:
        NoArticle: too little article text.
    """
    words = sum(count_words(b.text) for b in page.blocks if b.kind == "paragraph")
    if words < MIN_WORDS:
        raise NoArticle(
            f"{name}: no article found ({words} words of article text; at least {MIN_WORDS} "
            "are needed). The page may be an index, a paywall or need JavaScript; try the "
            "saved page of the article itself."
        )
    parts: list[str] = []
    paragraphs: list[Paragraph] = []
    offset = 0
    for block in page.blocks:
        if parts:
            offset += 2  # the blank line between blocks
        paragraphs.append(Paragraph(block.text, Span(offset, offset + len(block.text)), block.kind))
        parts.append(block.text)
        offset += len(block.text)
    text = "\n\n".join(parts)
    language = (detect_language(text) or page.language or "en").split("-")[0].lower()
    if language != "en":
        logger.warning(
            "%s is in %s (%s): its text, sections and lead summary are kept, but newsbrief's "
            "writing and facts are made for English and are left out or may be poor.",
            name, language_name(language), language,
        )
    outlet = page.outlet or (urlparse(url).hostname if url else None)
    digest = hashlib.sha1(f"{url or ''}\n{text}".encode()).hexdigest()[:16]
    return Article(
        id=digest, title=page.title, text=text, paragraphs=tuple(paragraphs),
        source=Source(url=url, outlet=outlet and outlet.removeprefix("www."), author=page.author,
                      language=language, format=fmt),
        published=published, dateline=page.dateline, related=page.related,
        lede_label=page.lede_label,
    )
