"""The one call shape every summarizer has, as sumy's `summarizer(document, count)`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ..records import Article, Sentence, Snippet, Span, Summary


class Summarizer(Protocol):
    """Builds bullets and a short summary from an article's own sentences."""

    def __call__(
        self, article: Article, sentences: Sequence[Sentence], *, bullets: int, words: int
    ) -> Summary: ...


def short_from(sentences: Sequence[Sentence], words: int) -> Snippet | None:
    """Whole sentences, in order, up to `words` words: never cut mid-sentence.

    The first sentence is kept even when it alone is longer, so a summary is never empty.
    """
    chosen: list[Sentence] = []
    count = 0
    for sent in sentences:
        n = len(sent.text.split())
        if chosen and count + n > words:
            break
        chosen.append(sent)
        count += n
    if not chosen:
        return None
    return Snippet(" ".join(s.text for s in chosen), tuple(s.span for s in chosen))


def bullet(sentence: Sentence) -> Snippet:
    return Snippet(sentence.text, (Span(sentence.span.start, sentence.span.end),))
