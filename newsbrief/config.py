"""Options for one run, grouped in one object instead of long parameter lists."""

from __future__ import annotations

from dataclasses import dataclass

# Inputs above this size are refused: no news article is near it, and parsing a page
# costs time and memory roughly in proportion to its size. Change with --max-bytes.
MAX_BYTES = 10_000_000


@dataclass(frozen=True, slots=True)
class Options:
    """How to ingest and brief. Every field has an offline default.

    Args:
        segmenter: registered name of the section segmenter (`newsbrief.registry.segmenters`).
        summarizer: registered name of the summarizer (`newsbrief.registry.summarizers`).
        bullets: how many bullets the Summarize view shows (3–5).
        words: the most words in the short summary.
        allow_private: allow fetching URLs that resolve to loopback/private/link-local addresses.
        max_bytes: refuse inputs (files, pages, records) larger than this.
        timeout: seconds allowed to connect to and to read a URL.
    """

    segmenter: str = "topics.v1"
    summarizer: str = "extractive.v1"
    bullets: int = 3
    words: int = 60
    allow_private: bool = False
    max_bytes: int = MAX_BYTES
    timeout: float = 15.0
