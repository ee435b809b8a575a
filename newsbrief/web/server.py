"""What every route shares: settings, pipelines, templates, the store and the page cache.

The store's sqlite3 connection belongs to the thread that opened it, so the store lives on
one thread of its own and every store call goes there (`Server.store_call`); briefing, which
is CPU work, runs in the usual thread pool. One store thread also serialises this process's
writes, which SQLite would serialise anyway.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import hmac
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from ..config import Options
from ..ingest.fetch import FetchOptions
from ..pipeline import Pipeline
from ..store import Added, Store
from ..version import __version__
from .errors import BadRequest, Unauthorized, Unprocessable, UnsupportedMediaType, validation_errors
from .reading import read_article, submission
from .source import first_start, span_attr

logger = logging.getLogger(__name__)

# Request bodies above this are refused with 413: a saved news page is rarely above 2 MB.
MAX_BODY = 5_000_000
_TEMPLATES = Path(__file__).parent / "templates"
_PAGE_CACHE_SIZE = 512


@dataclass(frozen=True, slots=True)
class Settings:
    """How the server behaves; `newsbrief serve` fills it from its options.

    Args:
        db: the store's SQLite file; ":memory:" (the default, for tests) keeps nothing.
        token: the API token every POST needs, or None for none.
        max_body: request bodies above this many bytes get a 413.
        cache_seconds: how long a rendered article or story page is reused. Other
            processes may add to the store, so a page can be this much behind; this
            server's own writes empty the cache at once.
        options: how to brief (segmenter, summarizer, limits).
        fetch: the URL policy. `newsbrief serve` never allows private addresses; tests pass
            `allowed_endpoints` to let exactly one local test server through.
    """

    db: str | Path = ":memory:"
    token: str | None = None
    max_body: int = MAX_BODY
    cache_seconds: float = 10.0
    options: Options = field(default_factory=Options)
    fetch: FetchOptions = field(
        default_factory=lambda: FetchOptions(connect_timeout=5.0, read_timeout=10.0)
    )


class Server:
    """The state behind the routes (one per app)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pipeline = functools.lru_cache(maxsize=16)(self._pipeline)
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(_TEMPLATES),
            autoescape=True,  # article text is untrusted: everything is escaped
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )
        self.templates.filters.update(spans=span_attr, anchor=first_start, http_url=http_url,
                                      marks=_marks)
        self.templates.globals.update(
            version=__version__, static=_static_url, token_required=settings.token is not None
        )
        self._store_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        self._store: Store | None = None
        self._store_thread.submit(self._open).result()  # a bad --db fails before serving
        self._pages: OrderedDict[str, tuple[float, str]] = OrderedDict()

    def _open(self) -> Store:
        """The store, opened on first use after start-up or a `close` (on the store thread)."""
        if self._store is None:
            self._store = Store(self.settings.db)
        return self._store

    def close(self) -> None:
        """Close the store (at server shutdown); the next store call would open it again."""

        def shut() -> None:
            if self._store is not None:
                self._store.close()
                self._store = None

        self._store_thread.submit(shut).result()

    async def store_call(self, method: str, /, *args: Any, **kw: Any) -> Any:
        """Call `Store.<method>(*args, **kw)` on the store's thread."""

        def call() -> Any:
            return getattr(self._open(), method)(*args, **kw)

        return await asyncio.get_running_loop().run_in_executor(self._store_thread, call)

    # --- briefing -------------------------------------------------------------------------

    def _pipeline(self, bullets: int, words: int) -> Pipeline:
        return Pipeline.default(dataclasses.replace(self.settings.options, bullets=bullets,
                                                    words=words))

    async def brief(self, request: Request) -> dict[str, Any]:
        """Brief what the request carries (JSON or a form): `Brief.to_dict()`."""
        req, upload, upload_name = await _read_brief_request(request, self.settings.max_body)
        sub = submission(text=req.text, html=upload if upload is not None else req.html,
                         url=req.url, name=upload_name, page_url=req.page_url,
                         published=req.published)
        pipeline = self.pipeline(req.bullets, req.words)

        def work() -> dict[str, Any]:
            return pipeline(read_article(sub, fetch_options=self.settings.fetch)).to_dict()

        return await run_in_threadpool(work)

    async def add(self, card: dict[str, Any]) -> dict[str, Any]:
        """Store a brief; the pages cached so far may now be out of date."""
        added: list[Added] = await self.store_call("add", card)
        self._pages.clear()
        return added[0].to_dict()

    # --- pages ----------------------------------------------------------------------------

    def page(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(self.render(name, **context), status_code=status)

    def render(self, name: str, **context: Any) -> str:
        return self.templates.get_template(name).render(**context)

    async def cached_page(self, key: str, render: Callable[[], Awaitable[str]]) -> HTMLResponse:
        """The page at `key`, rendered at most once per `cache_seconds`."""
        now = time.monotonic()
        hit = self._pages.get(key)
        if hit is not None and hit[0] > now:
            self._pages.move_to_end(key)
            return HTMLResponse(hit[1])
        html = await render()
        self._pages[key] = (now + self.settings.cache_seconds, html)
        if len(self._pages) > _PAGE_CACHE_SIZE:
            self._pages.popitem(last=False)
        return HTMLResponse(html)

    # --- the token ------------------------------------------------------------------------

    def check_token(self, given: str | None) -> None:
        """Raise 401 unless the server has no token or `given` is it."""
        expected = self.settings.token
        if expected is None:
            return
        if given is None or not hmac.compare_digest(given.encode(), expected.encode()):
            raise Unauthorized(
                "This server needs its API token for writes: send the header "
                "\"Authorization: Bearer <token>\" (the token given to --token or "
                "NEWSBRIEF_TOKEN).",
                headers={"WWW-Authenticate": "Bearer"},
            )


def http_url(url: str | None) -> bool:
    """Only http(s) URLs become links: a `javascript:` URL in an article is never clickable."""
    return bool(url) and str(url).lower().startswith(("http://", "https://"))


@functools.cache
def _static_url(name: str) -> str:
    """A static file's URL, versioned so browsers refetch it after an upgrade."""
    return f"/static/{name}?v={__version__}"


def _marks(snippet: str) -> list[tuple[bool, str]]:
    """A search snippet, whose matches the store wraps in [ and ], as (is_match, text) runs.

    The template marks the matches; the text stays escaped, so a stray bracket in an
    article can at worst mark the wrong words.
    """
    runs: list[tuple[bool, str]] = []
    for part in snippet.split("["):
        match, sep, rest = part.partition("]")
        if sep:
            runs += [(True, match), (False, rest)]
        else:
            runs.append((False, part))
    return [run for run in runs if run[1]]


# --- the brief request --------------------------------------------------------------------


class BriefRequest(BaseModel):
    """What to brief: exactly one of `text`, `html` or `url`; and how long a summary."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="The article's text, e.g. a page capture.")
    html: str | None = Field(None, description="A saved HTML page.")
    url: str | None = Field(
        None, description="An http(s) page to fetch. Loopback, private and link-local "
        "addresses are refused, after DNS resolution and on every redirect."
    )
    page_url: str | None = Field(None, description="Where `text` or `html` came from.")
    published: str | None = Field(
        None, description="Publication time (ISO 8601), overriding what the page states."
    )
    bullets: int = Field(3, ge=1, le=10, description="Bullets in the summary.")
    words: int = Field(60, ge=10, le=500, description="Most words in the short summary.")


FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "text": {"type": "string"},
        "html": {"type": "string", "format": "binary", "description": "An uploaded page."},
        "url": {"type": "string"},
        "page_url": {"type": "string"},
        "published": {"type": "string"},
        "bullets": {"type": "integer", "minimum": 1, "maximum": 10},
        "words": {"type": "integer", "minimum": 10, "maximum": 500},
    },
}


async def read_form(request: Request, max_body: int) -> Any:
    """The request's form, with limits; a malformed form is a 400."""
    try:
        return await request.form(max_files=1, max_fields=16, max_part_size=max_body)
    except MultiPartException as e:
        raise BadRequest(f"The form could not be read: {e.message}") from e


async def _read_brief_request(request: Request, max_body: int
                              ) -> tuple[BriefRequest, bytes | None, str | None]:
    """The request, whether JSON or a form, plus an uploaded file and its name.

    By hand rather than with FastAPI parameters: one endpoint takes both JSON and forms, and
    a blank form field (as browsers send them) must mean "not given".
    """
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind == "application/json":
        try:
            return BriefRequest.model_validate_json(await request.body()), None, None
        except ValidationError as e:
            raise Unprocessable(
                "Invalid JSON body for a brief request: see \"errors\" for each field.",
                errors=validation_errors(e.errors()),
            ) from e
    if kind not in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raise UnsupportedMediaType(
            "Send JSON (application/json) or a form (multipart/form-data), not "
            f"{kind or 'no Content-Type'}."
        )
    form = await read_form(request, max_body)
    upload, upload_name, blank = None, None, []
    fields: dict[str, str] = {}
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            data = await value.read()
            if data or value.filename:
                upload, upload_name = data, value.filename or "upload"
        elif value.strip():
            fields[key] = value
        else:
            blank.append(key)
    fields.pop("token", None)  # the HTML form's way to send the token
    if upload is None and not fields.keys() & {"text", "html", "url"} and blank:
        raise BadRequest(f"The {blank[0]} is empty: there is nothing to brief.")
    if upload is not None and "html" in fields:
        raise BadRequest("Send the page as an uploaded file or as the html field, not both.")
    try:
        return BriefRequest.model_validate(fields), upload, upload_name
    except ValidationError as e:
        raise Unprocessable(
            "Invalid form for a brief request: see \"errors\" for each field.",
            errors=validation_errors(e.errors()),
        ) from e


def server_of(request: Request) -> Server:
    """The `Server` of the app handling `request` (a FastAPI dependency)."""
    server: Server = request.app.state.server
    return server
