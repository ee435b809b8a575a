"""Summarizers: what the Summarize button shows. One module per algorithm."""

from . import extractive as _extractive  # noqa: F401  (registers extractive.v1)
from . import lead as _lead  # noqa: F401  (registers lead.v1)
from .base import Summarizer

__all__ = ["Summarizer"]
