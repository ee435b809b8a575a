"""Summarizers: what the Summarize button shows. One module per algorithm."""

from .base import Summarizer
from . import lead as _lead  # noqa: F401  (registers the built-in backend)

__all__ = ["Summarizer"]
