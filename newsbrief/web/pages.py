"""The reader's pages: latest stories, the story card, a story, search, and the brief form.

Server-side templates only; `static/newsbrief.js` adds the Summarize toggle and source
highlighting, and every page works without it.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..errors import NewsbriefError
from ..store import StoreError
from .errors import HTTPError, NotFound, Unauthorized, error_body, from_core
from .server import Server, read_form, server_of
from .source import source_blocks

logger = logging.getLogger(__name__)

ServerDep = Annotated[Server, Depends(server_of)]
router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
PER_PAGE = 20


Offset = Annotated[int, Query(ge=0, le=10_000)]


def _pager(request: Request, offset: int, total_seen: int) -> dict[str, str | None]:
    """Links to the previous and next pages (rows were fetched with one extra)."""
    def at(start: int) -> str:
        return str(request.url.include_query_params(offset=start).replace(scheme="", netloc=""))

    return {"newer": at(max(offset - PER_PAGE, 0)) if offset else None,
            "older": at(offset + PER_PAGE) if total_seen > offset + PER_PAGE else None}


@router.get("/")
async def home(request: Request, server: ServerDep, offset: Offset = 0) -> HTMLResponse:
    """The latest stories."""
    rows = await server.store_call("stories", limit=offset + PER_PAGE + 1)
    return server.page("home.html", stories=rows[offset:offset + PER_PAGE], offset=offset,
                       pager=_pager(request, offset, len(rows)))


@router.get("/brief")
async def brief_form(server: ServerDep) -> HTMLResponse:
    return server.page("form.html", error=None, text="")


@router.post("/brief")
async def brief_page(request: Request, server: ServerDep) -> Response:
    """The form's target: brief, store, and go to the article's card; or show the form
    again with the error and the pasted text."""
    text = ""
    try:
        form = await read_form(request, server.settings.max_body)
        text = str(form.get("text") or "")
        header = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        token = form.get("token")
        try:
            server.check_token(header or (token if isinstance(token, str) else None))
        except Unauthorized as e:
            raise Unauthorized("This server needs its API token to brief: enter it in the "
                               "API token field.") from e
        added = await server.add(await server.brief(request))
    except HTTPError as e:
        return _form_error(server, e, text)
    except NewsbriefError as e:
        return _form_error(server, from_core(e), text)
    return RedirectResponse(f"/articles/{added['article']}", status_code=303)


def _form_error(server: Server, error: HTTPError, text: str) -> HTMLResponse:
    logger.info("brief form refused: %s", error.message)
    response = server.page("form.html", error.status, error=error_body(error), text=text)
    response.headers.update(error.headers)
    return response


@router.get("/articles/{article_id:int}")
async def article(article_id: int, server: ServerDep) -> HTMLResponse:
    """The story card of a stored article, with its story and related stories."""

    async def render() -> str:
        try:
            stored = await server.store_call("article", article_id)
            story = await server.store_call("story", stored["story"])
        except StoreError as e:
            raise NotFound(f"No article {article_id}: search for it, or brief it.",
                           code=e.code) from e
        return card_html(server, stored["brief"], story=story,
                         permalink=f"/articles/{article_id}", article_id=article_id)

    return await server.cached_page(f"article:{article_id}", render)


def card_html(server: Server, card: dict[str, Any], *, story: dict[str, Any] | None = None,
              permalink: str | None = None, article_id: int | None = None) -> str:
    """The story card of `card` (a `Brief.to_dict()`), with the original text in pieces."""
    return server.render("card.html", card=card, blocks=source_blocks(card),
                         lang=card["source"]["language"] or "en", story=story,
                         permalink=permalink, article_id=article_id)


@router.get("/stories/{story_id:int}")
async def story(story_id: int, server: ServerDep) -> HTMLResponse:
    """A story: its articles, merged timeline, quotes by speaker, people, related stories."""

    async def render() -> str:
        try:
            found = await server.store_call("story", story_id)
        except StoreError as e:
            raise NotFound(f"No story {story_id}: the home page lists the latest.",
                           code=e.code) from e
        return server.render("story.html", story=found)

    return await server.cached_page(f"story:{story_id}", render)


@router.get("/search")
async def search(request: Request, server: ServerDep,
                 q: Annotated[str, Query(max_length=500)] = "", offset: Offset = 0
                 ) -> HTMLResponse:
    """Full-text search; the box in every page's header comes here."""
    rows = (await server.store_call("search", q, limit=offset + PER_PAGE + 1)
            if q.strip() else [])
    return server.page("search.html", query=q, results=rows[offset:offset + PER_PAGE],
                       offset=offset, pager=_pager(request, offset, len(rows)))


@router.get("/docs")
async def docs(server: ServerDep) -> HTMLResponse:
    """Swagger UI for /openapi.json, from local files (see docs.js)."""
    return server.page("docs.html")
