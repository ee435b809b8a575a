"""Turn what a web client sends (pasted text, an uploaded page, a URL) into an `Article`.

Why not `newsbrief.ingest.ingest`: it reads a short string as a *file path* and JSON as
records that may name more URLs, which is right on the command line and wrong for text a
stranger posts. Here the client says what it sends, nothing touches the file system, and a
URL is fetched only through `fetch` with the server's own policy, which never allows
loopback, private or link-local addresses.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Literal

from ..errors import FetchError
from ..ingest import build_article
from ..ingest.capture import read_capture
from ..ingest.dateline import parse_dateline
from ..ingest.decode import decode
from ..ingest.fetch import FetchOptions, fetch
from ..ingest.html import read_html
from ..records import Article
from .errors import BadRequest

logger = logging.getLogger(__name__)

Kind = Literal["text", "html", "url"]
_MARKUP = re.compile(r"\s*<")


@dataclass(frozen=True, slots=True)
class Submission:
    """One article as a client sent it: exactly one of text, html or url."""

    kind: Kind
    content: str | bytes  # the text, the page, or the URL
    name: str  # for messages: "text", the uploaded file's name, or the URL
    page_url: str | None = None  # where the pasted or uploaded page came from
    published: str | None = None


def submission(*, text: str | None = None, html: str | bytes | None = None,
               url: str | None = None, name: str | None = None,
               page_url: str | None = None, published: str | None = None) -> Submission:
    """Check that exactly one input is given and is not blank.

    Raises:
        BadRequest: none, several, or an empty one.
    """
    inputs: tuple[tuple[Kind, str | bytes | None], ...] = (
        ("text", text), ("html", html), ("url", url)
    )
    given = [(k, v) for k, v in inputs if v is not None]
    if len(given) != 1:
        what = " and ".join(k for k, _ in given) or "none"
        raise BadRequest(
            f"Send exactly one of \"text\" (pasted article text), \"html\" (a saved page, or "
            f"an uploaded file) or \"url\" (a page to fetch); got {what}."
        )
    kind, content = given[0]
    if not content.strip():
        raise BadRequest(f"The {kind} is empty: there is nothing to brief.")
    if kind == "url":
        content = str(content).strip()
        name = content
    return Submission(kind, content, name or kind, page_url or None, published or None)


def read_article(sub: Submission, *, fetch_options: FetchOptions) -> Article:
    """Read the article of `sub`; fetch it first if it is a URL.

    Raises:
        BadRequest: binary or undecodable input, a refused or failed URL, a bad date.
        NoArticle: the input was read but holds no article.
    """
    published = None
    if sub.published:
        published = parse_dateline(sub.published)
        if published is None:
            raise BadRequest(
                f"Could not read a date in published={sub.published!r}: "
                "give ISO 8601, e.g. 2025-11-06T10:27."
            )
    url = sub.page_url
    if sub.kind == "url":
        try:
            fetched = fetch(str(sub.content), fetch_options)
        except FetchError as e:
            # fetch's refusal suggests a command-line flag that the server does not offer.
            message = str(e).replace(
                "; pass --allow-private to fetch private addresses",
                ": this server never fetches private addresses",
            )
            raise BadRequest(message, code=e.code) from e
        url = fetched.url
        text = decode(fetched.content, name=url, declared=fetched.charset)
        fmt = "html" if "html" in fetched.content_type or _MARKUP.match(text) else "capture"
    else:
        raw = sub.content.encode("utf-8") if isinstance(sub.content, str) else sub.content
        text = decode(raw, name=sub.name)  # refuses binary, as for files on the command line
        fmt = "html" if sub.kind == "html" or _MARKUP.match(text) else "capture"
        if sub.kind == "html" and sub.name.lower().endswith((".txt", ".text")):
            fmt = "capture"  # an uploaded text capture
    page = read_html(text, url=url) if fmt == "html" else read_capture(text)
    article = build_article(page, name=sub.name, fmt=fmt, url=url or page.url,
                            published=published or page.published)
    logger.info("read %s from %s (%s, %d words)", article.id, sub.name, fmt, article.word_count)
    return article

