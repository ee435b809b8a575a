"""Topical sections for any article: the `topics.v1` segmenter.

Pages that already have sections keep them (story-card labels and takeaways, or
subheadings, read by `source.v1`); only a long run of paragraphs before the first heading is
split further. Every other body is cut into topical sections between paragraphs, never inside
one, TextTiling-style (Hearst 1997): each gap between paragraphs gets a lexical-cohesion
score (TF-IDF cosine of the lemmas on either side, names weighted up for entity continuity),
its depth against the neighbouring peaks says how much the topic shifts there, and a small
dynamic programme picks the deepest gaps that also keep sections near an even length for the
target count. Labels and takeaways are then written from each section's words (`labels.py`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from .labels import IS_WORD, LOWER, fill_sections, sentence_tokens, terms, tokenize
from .records import LEDE_LABEL, Article, Lede, Paragraph, Section, Sentence, Span
from .registry import segmenters
from .segment import Segmenter, make_source_segmenter

logger = logging.getLogger(__name__)

# The card's shape (PRODUCT.md): 3–6 sections for an article, 1–2 for a short one. About 180
# words a section scored best on eval/sections.py (150 and 230 did worse).
SHORT_ARTICLE_WORDS = 250
WORDS_PER_SECTION = 180
MIN_SECTIONS, MAX_SECTIONS = 3, 6
# A lede is the first paragraph, plus the next ones while it is still shorter than this
# (wire stories open on a one-line paragraph), up to three paragraphs.
LEDE_WORDS, LEDE_PARAGRAPHS = 35, 3
# Only a source lede longer than this many paragraphs and words is split into sections.
LONG_LEDE_PARAGRAPHS, LONG_LEDE_WORDS = 3, 150
# Blocks compared across a gap: two paragraphs a side (three scored the same or worse).
BLOCK_PARAGRAPHS = 2
# Gaps are scored this many at a time (a news page has fewer), so the cost stays linear.
WINDOW_GAPS = 128
# Weight of evenness against cohesion in the choice of boundaries (0.25 and 1.0 did worse).
BALANCE = 0.5
# Names count more than common words: a section keeps talking about the same people.
NAME_WEIGHT = 1.5
# A paragraph opening on a pronoun or a connective leans on the one before it, so a boundary
# before it costs this much depth.
LEAN_PENALTY = 0.15
_LEANS_BACK = frozenset({
    "he", "she", "it", "they", "this", "that", "these", "those", "his", "her", "their", "its",
    "but", "and", "also", "however", "still", "yet", "so", "meanwhile", "then", "there", "such",
})


def section_count(article_words: int, body_words: int, paragraphs: int,
                  minimum: int = MIN_SECTIONS) -> int:
    """How many sections a body of `body_words` words in `paragraphs` paragraphs gets."""
    if paragraphs == 0:
        return 0
    if article_words < SHORT_ARTICLE_WORDS:
        wanted = 1 if body_words < 120 else 2
    else:
        wanted = max(minimum, min(MAX_SECTIONS, round(body_words / WORDS_PER_SECTION)))
    return min(wanted, paragraphs)


def split_lede(paragraphs: Sequence[Paragraph]) -> int:
    """How many opening paragraphs form the lede (at least one; some left for sections)."""
    count, words = 1, len(paragraphs[0].text.split()) if paragraphs else 0
    while (words < LEDE_WORDS and count < LEDE_PARAGRAPHS and count + 1 < len(paragraphs)):
        words += len(paragraphs[count].text.split())
        count += 1
    return min(count, len(paragraphs))


def boundaries(paragraphs: Sequence[Paragraph], sentences: Sequence[Sentence],
               count: int) -> list[int]:
    """Where `count` topical sections of `paragraphs` start: indices 0 < i < len, ascending.

    Args:
        paragraphs: consecutive body paragraphs.
        sentences: the article's sentences (those inside `paragraphs` are used).
        count: how many sections to make (the result has `count - 1` indices).
    """
    m = len(paragraphs)
    if count <= 1 or m <= 1:
        return []
    if count >= m:
        return list(range(1, m))
    gaps = _gap_scores(paragraphs, sentences)
    words = np.cumsum([0] + [len(p.text.split()) for p in paragraphs])
    return _choose(gaps, words, count)


def _paragraph_terms(paragraphs: Sequence[Paragraph],
                     sentences: Sequence[Sentence]) -> list[list[tuple[str, bool]]]:
    out: list[list[tuple[str, bool]]] = [[] for _ in paragraphs]
    i = 0
    for sent in sentences:  # both are in reading order
        while i < len(paragraphs) and paragraphs[i].span.end < sent.span.start:
            i += 1
        if i == len(paragraphs):
            break
        if paragraphs[i].span.start <= sent.span.start:
            out[i].extend(terms(sentence_tokens(sent)))
    return out


def _gap_scores(paragraphs: Sequence[Paragraph], sentences: Sequence[Sentence]) -> np.ndarray:
    """Depth of the cohesion valley at each gap; gap g lies before paragraph g + 1."""
    m = len(paragraphs)
    leans = np.array([
        _first_word(paragraphs[i + 1].text) in _LEANS_BACK for i in range(m - 1)
    ], dtype=float)
    return _depths(_cohesion(paragraphs, sentences)) - LEAN_PENALTY * leans


def _cohesion(paragraphs: Sequence[Paragraph], sentences: Sequence[Sentence]) -> np.ndarray:
    """Lexical cohesion across each gap: the cosine of the blocks of paragraphs either side."""
    m = len(paragraphs)
    counts: list[dict[str, float]] = []
    df: dict[str, int] = {}  # in order of first use, the columns of the term matrix
    for row in _paragraph_terms(paragraphs, sentences):
        count: dict[str, float] = {}
        for word, is_name in row:
            count[word] = count.get(word, 0.0) + (NAME_WEIGHT if is_name else 1.0)
        counts.append(count)
        for word in count:
            df[word] = df.get(word, 0) + 1
    if m < 2:
        return np.zeros(0)
    column = {word: j for j, word in enumerate(df)}
    idf = np.log1p(m / np.fromiter(df.values(), float, len(df)))
    return np.concatenate([
        _similarities(counts, idf, column, g, min(g + WINDOW_GAPS, m - 1))
        for g in range(0, m - 1, WINDOW_GAPS)
    ])


def _similarities(counts: Sequence[dict[str, float]], idf: np.ndarray, column: dict[str, int],
                  first: int, end: int) -> np.ndarray:
    """Cosine of the blocks either side of gaps `first` to `end` - 1 (TF-IDF, names up).

    A dense matrix of only the terms of the paragraphs these gaps compare: one matrix of the
    whole page's terms grew as paragraphs times vocabulary, quadratic on long articles.
    """
    k, m = BLOCK_PARAGRAPHS, len(counts)
    top, bottom = max(first + 1 - k, 0), min(end + k, m)
    rows = counts[top:bottom]
    local: dict[str, int] = {}
    for count in rows:
        for word in count:
            local.setdefault(word, len(local))
    matrix = np.zeros((len(rows), max(len(local), 1)))
    for i, count in enumerate(rows):
        for word, value in count.items():
            matrix[i, local[word]] = value
    if local:
        matrix *= idf[[column[word] for word in local]]
    # Block sums for every gap at once, from running totals of the rows.
    cum = np.vstack([np.zeros(matrix.shape[1]), np.cumsum(matrix, axis=0)])
    g = np.arange(first, end)
    left = cum[g + 1 - top] - cum[np.maximum(g + 1 - k, 0) - top]
    right = cum[np.minimum(g + 1 + k, m) - top] - cum[g + 1 - top]
    norms = np.linalg.norm(left, axis=1) * np.linalg.norm(right, axis=1)
    return np.where(norms > 0, (left * right).sum(axis=1) / np.where(norms > 0, norms, 1), 0.0)


def _first_word(text: str) -> str:
    for tok in tokenize(text[:40]):
        if tok[IS_WORD]:
            return tok[LOWER]
    return ""


def _depths(sims: np.ndarray) -> np.ndarray:
    """TextTiling depth: how far the similarity at each gap lies below the peaks either side.

    The peak on the left of gap i is where the similarity stops rising going left: the one
    of gap i - 1 when that is at least as high, else gap i's own (one pass each way).
    """
    n = len(sims)
    values = sims.tolist()
    left, right = values[:], values[:]
    for i in range(1, n):
        if values[i - 1] >= values[i]:
            left[i] = left[i - 1]
    for i in range(n - 2, -1, -1):
        if values[i + 1] >= values[i]:
            right[i] = right[i + 1]
    return np.array([a + b - 2 * s for a, b, s in zip(left, right, values, strict=True)],
                    dtype=float)


def _choose(gaps: np.ndarray, words: np.ndarray, count: int) -> list[int]:
    """The `count - 1` gaps with the best depth, less a penalty for uneven sections."""
    m = len(gaps) + 1
    ideal = words[-1] / count
    # Long pages: only the deepest gaps are worth considering, which keeps this loop tiny.
    limit = max(4 * count, 24)
    order = np.argsort(-gaps, kind="stable")[:limit] if len(gaps) > limit else range(len(gaps))
    starts = sorted(int(g) + 1 for g in order)  # a boundary before paragraph `start`

    def uneven(a: int, b: int) -> float:
        return float(BALANCE * ((words[b] - words[a] - ideal) / ideal) ** 2)

    need = count - 1
    if len(starts) < need:
        starts = list(range(1, m))
    # best[k][j]: score of k boundaries, the last at starts[j]; back[k][j]: the one before it.
    best = [[-math.inf] * len(starts) for _ in range(need + 1)]
    back = [[-1] * len(starts) for _ in range(need + 1)]
    for j, b in enumerate(starts):
        best[1][j] = gaps[b - 1] - uneven(0, b)
    for k in range(2, need + 1):
        for j, b in enumerate(starts):
            for i in range(j):
                if best[k - 1][i] == -math.inf:
                    continue
                score = best[k - 1][i] + gaps[b - 1] - uneven(starts[i], b)
                if score > best[k][j]:
                    best[k][j], back[k][j] = score, i
    finals = [best[need][j] - uneven(b, m) for j, b in enumerate(starts)]
    j = int(np.argmax(finals))
    chosen: list[int] = []
    for k in range(need, 0, -1):
        chosen.append(starts[j])
        j = back[k][j]
    return sorted(chosen)


def _lede(article: Article, paragraphs: Sequence[Paragraph]) -> Lede | None:
    if not paragraphs:
        return None
    span = Span(paragraphs[0].span.start, paragraphs[-1].span.end)
    return Lede(article.lede_label or LEDE_LABEL, article.text[span.start : span.end], (span,))


def _sections(article: Article, paragraphs: Sequence[Paragraph], sentences: Sequence[Sentence],
              minimum: int) -> list[Section]:
    body_words = sum(len(p.text.split()) for p in paragraphs)
    count = section_count(article.word_count, body_words, len(paragraphs), minimum)
    cuts = [0, *boundaries(paragraphs, sentences, count), len(paragraphs)]
    out: list[Section] = []
    for a, b in pairwise(cuts):
        if a < b:
            span = Span(paragraphs[a].span.start, paragraphs[b - 1].span.end)
            out.append(Section(None, None, article.text[span.start : span.end], span))
    return out


@segmenters.register("topics.v1")
def make_topic_segmenter() -> Segmenter:
    """The source's own sections where it has them; otherwise topical sections, labelled."""
    source = make_source_segmenter()

    def segment(
        article: Article, sentences: Sequence[Sentence]
    ) -> tuple[Lede | None, tuple[Section, ...]]:
        body = [p for p in article.paragraphs if p.kind == "paragraph"]
        if len(body) < len(article.paragraphs):
            lede, kept = source(article, sentences)
            found = list(kept)
            opening = [p for p in body if lede and lede.spans[0].start <= p.span.start
                       < lede.spans[0].end]
            words = sum(len(p.text.split()) for p in opening)
            if len(opening) > LONG_LEDE_PARAGRAPHS and words > LONG_LEDE_WORDS:
                n = split_lede(opening)
                lede = _lede(article, opening[:n])
                found = _sections(article, opening[n:], sentences, minimum=1) + found
        else:
            n = split_lede(body)
            lede = _lede(article, body[:n])
            found = _sections(article, body[n:], sentences, minimum=MIN_SECTIONS)
        logger.debug("article %s: lede of %d chars, %d sections", article.id,
                     len(lede.text) if lede else 0, len(found))
        return lede, fill_sections(article, sentences, lede, found)

    return segment
