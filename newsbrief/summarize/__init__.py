"""Summarizers: what the Summarize button shows. One module per algorithm."""

from .base import Summarizer
from . import extractive as _extractive  # noqa: F401  (registers extractive.v1)
from . import lead as _lead  # noqa: F401  (registers lead.v1)

__all__ = ["Summarizer"]
