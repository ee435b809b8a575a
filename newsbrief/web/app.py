"""The web reader and the REST API: one FastAPI app over the pipeline and the store.

`create_app()` builds it; `newsbrief serve` runs it under uvicorn. Pages are server-side
Jinja templates (autoescaped: article text is untrusted) plus one static script; the API
serves the same dicts as the CLI's JSON (`Brief.to_dict()`), documents itself at
/openapi.json and /docs, and answers every error in one JSON shape (see `errors.py`).

DOCS: docs/SERVE.md
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from ..errors import NewsbriefError
from ..version import __version__
from . import api, pages
from .errors import (
    HTTPError,
    ServerError,
    Unprocessable,
    error_body,
    from_core,
    from_status,
    validation_errors,
)
from .guard import Guard
from .server import MAX_BODY, Server, Settings, server_of

logger = logging.getLogger(__name__)

_SCHEMA = json.loads(files("newsbrief").joinpath("schema/brief.schema.json").read_text())
_STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    """The ASGI app: pages, API, static files, OpenAPI, error handlers and the body guard.

    Opens the store at once, so that a bad `--db` fails before the server listens.
    """
    server = Server(settings or Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        server.close()

    app = FastAPI(
        title="newsbrief",
        version=__version__,
        description="Faithful, skimmable briefs of news articles, and the stories they form. "
        "Every line of a brief carries the spans `[start, end)` of `article.text` it rests "
        "on. Every error has one shape: `ErrorBody`.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.server = server
    app.add_middleware(Guard, max_body=server.settings.max_body)
    _add_error_handlers(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=_STATIC), name="static")
    app.mount("/docs/assets", StaticFiles(packages=[("fastapi_offline", "static")]), name="docs")
    app.openapi = functools.partial(_openapi, app)  # type: ignore[method-assign]  # FastAPI's documented override
    return app


# --- errors ------------------------------------------------------------------------------


def _wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path == "/openapi.json":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _respond(request: Request, error: HTTPError) -> Response:
    body = error_body(error)
    if _wants_json(request):
        return JSONResponse(body, status_code=error.status, headers=error.headers)
    response = server_of(request).page("error.html", error.status, error=body)
    response.headers.update(error.headers)
    return response


def _add_error_handlers(app: FastAPI) -> None:
    """One handler per kind of exception, all answering through `_respond`."""

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPError)
        return _respond(request, exc)

    async def core_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, NewsbriefError)
        logger.info("%s %s: %s", request.method, request.url.path, exc)
        return _respond(request, from_core(exc))

    async def starlette_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        message = None if exc.detail == HTTPStatus(exc.status_code).phrase else str(exc.detail)
        if exc.status_code == 404 and message is None:
            message = f"Nothing at {request.url.path}: see /docs for the API, / for the reader."
        if exc.status_code == 405 and message is None:
            message = f"{request.method} is not allowed on {request.url.path}."
        error = from_status(exc.status_code, message)
        error.headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # Starlette names only the first route on the path; GET and POST /api/articles
            # are two routes, so list the methods of every route that matches the path.
            methods = {m for m in ("GET", "POST", "PUT", "PATCH", "DELETE")
                       for route in request.app.router.routes
                       if route.matches({**request.scope, "method": m})[0] == Match.FULL}
            if methods:
                error.headers["Allow"] = ", ".join(sorted(methods))
        return _respond(request, error)

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return _respond(request, Unprocessable(
            "Invalid request: see \"errors\" for each field.",
            errors=validation_errors(list(exc.errors())),
        ))

    async def crash(request: Request, exc: Exception) -> Response:
        logger.exception("%s %s failed", request.method, request.url.path)
        return _respond(request, ServerError(
            f"Internal error ({type(exc).__name__}); the server log has the details. "
            "Please report it."
        ))

    app.add_exception_handler(HTTPError, http_error)
    app.add_exception_handler(NewsbriefError, core_error)
    app.add_exception_handler(StarletteHTTPException, starlette_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(Exception, crash)


# --- OpenAPI -----------------------------------------------------------------------------


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, plus the Brief schema from newsbrief/schema (one source of truth).

    The bearer token appears only when the server was started with one.
    """
    if app.openapi_schema is None:
        doc = get_openapi(title=app.title, version=app.version, description=app.description,
                          routes=app.routes)
        doc.setdefault("components", {}).setdefault("schemas", {}).update(_brief_components())
        if app.state.server.settings.token is None:  # say what this server asks, no more
            doc["components"].pop("securitySchemes", None)
            for operation in (op for path in doc["paths"].values() for op in path.values()):
                operation.pop("security", None)
        app.openapi_schema = doc
    return app.openapi_schema


def _brief_components() -> dict[str, Any]:
    """brief.schema.json as OpenAPI components: its `$defs` become `Brief_<name>`."""

    def move(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: ("#/components/schemas/Brief_" + v.removeprefix("#/$defs/")
                    if k == "$ref" and isinstance(v, str) else move(v))
                for k, v in node.items() if k not in ("$schema", "$id", "$defs")
            }
        if isinstance(node, list):
            return [move(v) for v in node]
        return node

    defs = {f"Brief_{name}": move(schema) for name, schema in _SCHEMA.get("$defs", {}).items()}
    return {"Brief": move(_SCHEMA), **defs}


__all__ = ["MAX_BODY", "Settings", "create_app"]
