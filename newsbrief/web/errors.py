"""HTTP errors: status on the class, one JSON shape for every error, one handler.

The shape is Datasette's: `{"ok": false, "error": "...", "status": 404, "title": "Not Found"}`,
plus `errors` (the field-by-field list of a 422) and `code` (newsbrief's searchable `[NB0xx]`)
when there are any. API paths get it as JSON; pages get the same message as an HTML page.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, Field

from ..errors import FetchError, IngestError, NewsbriefError, NoArticle

logger = logging.getLogger(__name__)


class HTTPError(Exception):
    """Base class: an error that has an HTTP status. Raise a subclass."""

    status = 500

    def __init__(self, message: str, *, errors: list[dict[str, Any]] | None = None,
                 code: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or []
        self.code = code
        self.headers = headers or {}


class BadRequest(HTTPError):
    """The input is unusable: empty, binary, undecodable, or a refused URL."""

    status = 400


class Unauthorized(HTTPError):
    """A write endpoint was called without the server's API token."""

    status = 401


class NotFound(HTTPError):
    """No such page, article or story."""

    status = 404


class MethodNotAllowed(HTTPError):
    """The path exists, but not for this method."""

    status = 405


class PayloadTooLarge(HTTPError):
    """The request body is above the server's limit."""

    status = 413


class UnsupportedMediaType(HTTPError):
    """The body is neither JSON nor a form."""

    status = 415


class Unprocessable(HTTPError):
    """The request is well-formed, but holds no article or fails validation."""

    status = 422


class ServerError(HTTPError):
    """An unexpected failure; the log has the traceback."""

    status = 500


# newsbrief's own errors, by what the client can do about them. Most specific class first.
_CORE: tuple[tuple[type[NewsbriefError], type[HTTPError]], ...] = (
    (FetchError, BadRequest),  # refused or unreachable URL: the client must give another
    (IngestError, BadRequest),
    (NoArticle, Unprocessable),
)


def from_core(error: NewsbriefError) -> HTTPError:
    """The HTTP error for a library error, keeping its message and `[NB0xx]` code."""
    kind = next((web for core, web in _CORE if isinstance(error, core)), ServerError)
    return kind(str(error), code=error.code)


def from_status(status: int, message: str | None = None) -> HTTPError:
    """The HTTP error for a bare status (Starlette's own 404 and 405)."""
    kind = next((c for c in _ALL if c.status == status), None)
    error = (kind or HTTPError)(message or _title(status))
    if kind is None:
        error.status = status
    return error


_ALL: tuple[type[HTTPError], ...] = (
    BadRequest, Unauthorized, NotFound, MethodNotAllowed, PayloadTooLarge,
    UnsupportedMediaType, Unprocessable, ServerError,
)


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class ErrorBody(BaseModel):
    """The one JSON shape of every error response."""

    ok: bool = Field(False, description="Always false on an error.")
    error: str = Field(description="What went wrong and what to try.")
    status: int = Field(description="The HTTP status, repeated for clients that lose it.")
    title: str = Field(description="The status phrase, e.g. \"Not Found\".")
    code: str | None = Field(None, description="newsbrief's error code, e.g. NB020.")
    errors: list[dict[str, Any]] = Field(
        default_factory=list, description="One entry per invalid field (422 only)."
    )


def error_body(error: HTTPError) -> dict[str, Any]:
    """The JSON of `error`, in the shape of `ErrorBody`."""
    return ErrorBody(
        ok=False, error=error.message, status=error.status, title=_title(error.status),
        code=error.code, errors=error.errors,
    ).model_dump()


def validation_errors(raw: list[Any]) -> list[dict[str, Any]]:
    """Pydantic's error list, cut to what a client needs (and JSON-safe: no exception objects)."""
    return [
        {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")),
         "type": str(e.get("type", ""))}
        for e in raw
    ]


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": _title(status)}
    for status in (400, 401, 404, 413, 415, 422)
}
