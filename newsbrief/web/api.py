"""The REST API: the same dicts as the CLI's JSON, lists paginated with `next` links.

Responses are returned as the store and `Brief.to_dict()` make them; the models here only
document them in OpenAPI (and let schemathesis check the answers against the document).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from ..store import StoreError
from .errors import ERROR_RESPONSES, NotFound, Unprocessable
from .server import FORM_SCHEMA, BriefRequest, Server, server_of

logger = logging.getLogger(__name__)

ServerDep = Annotated[Server, Depends(server_of)]
Limit = Annotated[int, Query(ge=1, le=100, description="How many to return.")]
Offset = Annotated[int, Query(ge=0, le=10_000, description="How many to skip.")]

_bearer = HTTPBearer(
    auto_error=False, description="The server's API token, when it was started with one."
)


def require_token(
    server: ServerDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """Writes need the server's token, when it has one."""
    server.check_token(credentials.credentials if credentials else None)


router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)
_writes = [Depends(require_token)]
_BRIEF_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": BriefRequest.model_json_schema()},
            "multipart/form-data": {"schema": FORM_SCHEMA},
        },
    }
}
_BRIEF = {"$ref": "#/components/schemas/Brief"}


# --- documented shapes ----------------------------------------------------------------------


class StorySummary(BaseModel):
    id: int
    title: str | None
    first_seen: str
    last_seen: str
    article_count: int = Field(description="Articles (copies of one article count once).")
    source_count: int = Field(description="Versions: copies, re-publications, updates.")
    outlet_count: int


class RelatedStory(StorySummary):
    score: float
    shared: list[str] = Field(description="People, organisations and places in common.")


class Page(BaseModel):
    ok: bool = True
    limit: int
    offset: int
    next: str | None = Field(description="The URL of the next page; null on the last.")


class StoriesPage(Page):
    stories: list[StorySummary]


class RelatedPage(Page):
    related: list[RelatedStory]


class ArticleSummary(BaseModel):
    id: int
    story: int
    headline: str | None
    published: str | None
    outlet: str | None
    source_count: int = Field(description="Copies and versions seen of this article.")


class ArticlesPage(Page):
    articles: list[ArticleSummary]


class SearchHit(BaseModel):
    article: int
    story: int
    headline: str | None
    published: str | None
    outlet: str | None
    snippet: str = Field(description="Matches wrapped in [ and ].")
    score: float


class SearchPage(Page):
    results: list[SearchHit]


class Story(StorySummary):
    why: dict[str, list[str]] = Field(description="What the articles share.")
    articles: list[dict[str, Any]] = Field(description="By time, each with its sources.")
    timeline: list[dict[str, Any]] = Field(description="Merged: each event once.")
    quotes: list[dict[str, Any]] = Field(description="By speaker.")
    people: list[dict[str, Any]]
    related: list[RelatedStory]


class StoredArticle(BaseModel):
    id: int
    headline: str | None
    published: str | None
    outlet: str | None
    summary: str | None
    sources: list[dict[str, Any]]
    story: int
    brief: dict[str, Any] = Field(description="Brief.to_dict() (see the Brief schema).")


class Added(BaseModel):
    ok: bool = True
    article: int
    story: int
    status: str = Field(description="new, version (a copy or update) or known.")
    brief_id: str
    headline: str | None
    moved: int = Field(description="Earlier articles whose story changed because of this one.")
    url: str = Field(description="The article's page in the reader.")


def _ok(model: type[BaseModel], description: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"model": model, "description": description}}


def _paged(request: Request, key: str, rows: list[Any], limit: int, offset: int
           ) -> JSONResponse:
    """One page of `rows` (fetched with one extra, to know whether there is a next page)."""
    more = len(rows) > offset + limit
    following = str(request.url.include_query_params(limit=limit, offset=offset + limit))
    return JSONResponse({"ok": True, key: rows[offset:offset + limit], "limit": limit,
                         "offset": offset, "next": following if more else None})


# ISO 8601 as Python reads it; a query string, not a number (pydantic would take 0.5 as a
# Unix time).
_ISO = r"^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$"


def _moment(since: str | None) -> datetime | None:
    if since is None:
        return None
    try:
        return datetime.fromisoformat(since)
    except ValueError as e:
        raise Unprocessable(f"since={since!r} is not a date: give ISO 8601, e.g. 2025-11-01.",
                            errors=[{"loc": ["query", "since"], "msg": str(e),
                                     "type": "datetime_parsing"}]) from e


def _missing(e: StoreError, what: str, listing: str) -> NotFound:
    return NotFound(f"No such {what}: {listing} lists what there is.", code=e.code)


# --- routes ---------------------------------------------------------------------------------


@router.post("/brief", tags=["brief"], dependencies=_writes, openapi_extra=_BRIEF_BODY,
             responses={200: {"description": "`Brief.to_dict()`: the JSON of "
                              "`newsbrief brief --json`.",
                              "content": {"application/json": {"schema": _BRIEF}}}})
async def brief(request: Request, server: ServerDep) -> JSONResponse:
    """Brief one article, without storing it: posted text, an HTML page (JSON or an
    upload), or a URL to fetch."""
    return JSONResponse(await server.brief(request))


@router.post("/articles", tags=["articles"], dependencies=_writes, openapi_extra=_BRIEF_BODY,
             status_code=201,
             responses={201: {"model": Added, "description": "Stored (new, or a version)."},
                        200: {"model": Added, "description": "Stored before: nothing new."}})
async def add_article(request: Request, server: ServerDep) -> JSONResponse:
    """Brief one article and store it: it joins (or starts) a story. Takes what
    POST /api/brief takes."""
    added = await server.add(await server.brief(request))
    url = f"/articles/{added['article']}"
    return JSONResponse({"ok": True, **added, "url": url},
                        status_code=200 if added["status"] == "known" else 201,
                        headers={"Location": f"/api/articles/{added['article']}"})


@router.get("/articles", tags=["articles"],
            responses=_ok(ArticlesPage, "Stored articles, the latest first."))
async def articles(request: Request, server: ServerDep, limit: Limit = 20,
                   offset: Offset = 0) -> JSONResponse:
    """Stored articles, the latest first, with their story and how many sources each has."""
    # The store pages in SQL, so only this page (and one more row, to know of a next) is read.
    rows = await server.store_call("articles", limit=limit + 1, offset=offset)
    following = str(request.url.include_query_params(limit=limit, offset=offset + limit))
    return JSONResponse({"ok": True, "articles": rows[:limit], "limit": limit, "offset": offset,
                         "next": following if len(rows) > limit else None})


@router.get("/articles/{article_id:int}", tags=["articles"],
            responses=_ok(StoredArticle, "The article, its brief, sources and story."))
async def article(article_id: int, server: ServerDep) -> JSONResponse:
    """One stored article: its brief, every source it was seen at, and its story."""
    try:
        return JSONResponse(await server.store_call("article", article_id))
    except StoreError as e:
        raise _missing(e, f"article {article_id}", "/api/search?q=") from e


@router.get("/articles/{article_id:int}/related", tags=["articles"],
            responses=_ok(RelatedPage, "Related stories, the most related first."))
async def related(article_id: int, request: Request, server: ServerDep,
                  limit: Limit = 10, offset: Offset = 0) -> JSONResponse:
    """Stories related to this article's story: the same people or places, another event."""
    try:
        rows = await server.store_call("related", article_id,
                                       limit=offset + limit + 1)
    except StoreError as e:
        raise _missing(e, f"article {article_id}", "/api/search?q=") from e
    return _paged(request, "related", rows, limit, offset)


@router.get("/stories", tags=["stories"],
            responses=_ok(StoriesPage, "Developing stories, the latest first."))
async def stories(request: Request, server: ServerDep, limit: Limit = 20, offset: Offset = 0,
                  since: Annotated[str | None, Query(
                      pattern=_ISO, examples=["2025-11-01", "2025-11-06T10:27:00+05:00"],
                      description="Only stories with an article after this time (ISO 8601).",
                  )] = None) -> JSONResponse:
    """Developing stories, the latest first: title, first and last seen, size."""
    rows = await server.store_call("stories", since=_moment(since), limit=offset + limit + 1)
    return _paged(request, "stories", rows, limit, offset)


@router.get("/stories/{story_id:int}", tags=["stories"],
            responses=_ok(Story, "The story, its articles, merged timeline and related."))
async def story(story_id: int, server: ServerDep) -> JSONResponse:
    """One story: its articles by time, why they belong together, the merged timeline,
    quotes by speaker, people, and related stories."""
    try:
        return JSONResponse(await server.store_call("story", story_id))
    except StoreError as e:
        raise _missing(e, f"story {story_id}", "/api/stories") from e


@router.get("/search", tags=["search"], responses=_ok(SearchPage, "Best match first."))
async def search(request: Request, server: ServerDep,
                 q: Annotated[str, Query(min_length=1, max_length=500,
                                         description="Words, \"a phrase\", word*, a OR b.")],
                 limit: Limit = 20, offset: Offset = 0) -> JSONResponse:
    """Full-text search of stored articles' headlines and text."""
    rows = await server.store_call("search", q, limit=offset + limit + 1)
    return _paged(request, "results", rows, limit, offset)
