"""Lead: the article's first sentences — the classic news baseline (Lead-3)."""

from __future__ import annotations

from collections.abc import Sequence

from ..records import Article, Sentence, Summary
from ..registry import summarizers
from .base import Summarizer, bullet, short_from


@summarizers.register("lead.v1")
def make_lead() -> Summarizer:
    """Bullets are the first sentences; the short summary is the lead, up to `words` words."""

    def summarize(
        article: Article, sentences: Sequence[Sentence], *, bullets: int, words: int
    ) -> Summary:
        return Summary(
            bullets=tuple(bullet(s) for s in sentences[:bullets]),
            short=short_from(sentences, words),
        )

    return summarize
