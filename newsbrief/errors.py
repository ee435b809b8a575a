"""The exception hierarchy, with short codes users can search for.

Every message says what happened, where, and what to try. "This page has no article" is an
expected outcome: ingest returns it as a reason (`IngestResult.reason`) and the CLI reports it;
callers who want an exception get `NoArticle`.
"""

from __future__ import annotations


class NewsbriefError(Exception):
    """Base class of every error newsbrief raises on purpose."""

    code = "NB000"

    def __init__(self, message: str) -> None:
        super().__init__(f"[{self.code}] {message}")


class IngestError(NewsbriefError):
    """The input could not be read: missing, empty, binary, undecodable, too large."""

    code = "NB010"


class FetchError(IngestError):
    """A URL could not be fetched: refused, unreachable, too slow, too big or not a page."""

    code = "NB011"


class NoArticle(NewsbriefError):
    """The input was read, but holds no article."""

    code = "NB020"


class PipelineError(NewsbriefError):
    """A pipeline was assembled wrongly (a stage requires what no earlier stage assigns)."""

    code = "NB030"


class StageError(NewsbriefError):
    """A stage failed on an article; the message names the stage and the article."""

    code = "NB031"


class StoreError(NewsbriefError):
    """The store cannot be opened, read or written, or was written by a newer newsbrief."""

    code = "NB050"


class UnknownBackend(NewsbriefError):
    """A backend name is not registered."""

    code = "NB040"


class MissingDependency(NewsbriefError):
    """A backend needs an optional extra that is not installed."""

    code = "NB041"
