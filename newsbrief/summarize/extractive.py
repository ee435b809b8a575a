"""Extractive summary with compression: the article's own sentences, chosen, then cut down.

How the bullets are chosen, and why this beats Lead-3 on news (`newsbrief eval summary` measures it):

1. Candidates are the body's sentences, with the fragments of a quotation that the sentence
   splitter cut apart put back together (`merge_quote_fragments`), page boilerplate dropped,
   and each sentence compressed the way an editor would (`compress.py`).
2. Every word of the article gets a *salience*: the probability that an editor's highlights
   use it, estimated from where and how often the article uses it (first sentence it appears
   in, how often, in how many sentences, stopword or not, digit, length) by a logistic model
   whose weights (`WORD_WEIGHTS`) were fitted on CNN/DailyMail dev documents — see
   `python -m newsbrief.evaluate.summary --fit`. The news lead's importance comes in through these words.
3. A set of bullets scores the expected ROUGE-1 F1 it would get against highlights of the
   expected length: `2 · Σ salience(distinct words covered) / (its words + expected words)`.
   Counting each word once is the redundancy control; the denominator is the length prior,
   so a long sentence must bring new salient words to earn its place.
4. The best set among the first `POOL` candidates is found by trying them all, and shown in
   article order. An article with fewer candidates than bullets gets them all. A candidate
   that leans on the sentence before ("They are…") or is shorter than any highlight is a
   bullet of last resort: the score would take it as a cheap extra of a few new words.

So the news-lead position prior works through the words (a word the lead uses is salient),
centrality through how often and how widely a word recurs, and redundancy control and the
length prior through the score itself: there are no hand-set weights between them. (Tried
and left out: a ROUGE-2 term from a fitted bigram model, and crediting a word's repeats as
ROUGE counts them; both ranked sets better on average, but the best-scoring set they chose
lost ROUGE-2 on realsumm. An explicit position prior, either way, lost on both sets.)

The short summary is built by the same score, greedily, from whole compressed sentences that
fit in the word budget — so it never ends mid-sentence, and how many sentences it has
depends on their length.
"""

from __future__ import annotations

import bisect
import itertools
import math
import operator
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..records import Article, Sentence, Snippet, Span, Summary
from ..registry import summarizers
from .base import Summarizer
from .compress import compress, join_spans, quoted_regions

# A candidate opening with one of these leans on the sentence before it ("They are only a
# side effect…") and reads as a non sequitur on its own; it is a bullet of last resort. "He"
# and "She" are not here: news names its subject first, and they rarely dangle. Measured on
# CNN/DailyMail: +0.5 ROUGE-1, +0.3 ROUGE-2.
_DANGLING = re.compile(r"(?:It|Its|They|Their|This|These|That|Those)\b")
# A candidate shorter than this is a bullet of last resort too: an editor's highlight almost
# never is (2 of the 467 CNN/DailyMail dev highlight sentences), and the body's short
# sentences are quotation fragments ("I just want to get it over with."), captions and
# asides. The score would otherwise take one as a cheap third bullet: few words, each new.
# Measured on CNN/DailyMail: +0.4 ROUGE-2 on realsumm; -0.1 ROUGE-2 and -0.3 ROUGE-1 on
# summeval, where the short sentences it passed over happened to score.
SHORT_WORDS = 8
# Subtracted from a set's score per bullet of last resort: more than any set can score, so
# such a candidate is chosen only when there are not enough others.
LAST_RESORT_PENALTY = 1.0
# Candidates are sought among the first POOL sentences: news puts what matters first, and
# on CNN/DailyMail a wider pool (16) chose no better while costing time.
POOL = 12
# The length of a bullet the score expects, in tokens (CNN/DailyMail highlights average
# ~15 tokens a sentence); a set of k bullets is scored against k times this.
BULLET_TOKENS = 15
# A candidate must have at least this many words: shorter "sentences" are captions,
# interjections ("'Very lucky'.") or splitter debris.
MIN_WORDS = 4
# A quotation spanning more sentences than this is taken for a stray mark paired with a
# later one (the one-paragraph texts of some sources hold many), and nothing is merged.
MAX_MERGE = 8

# Logistic weights of the word salience model, in the order of `word_features`. Fitted
# with `python -m newsbrief.evaluate.summary --fit` on summeval + realsumm dev (134 CNN/DailyMail
# documents; label: the word occurs in the reference highlights).
WORD_WEIGHTS = (-0.37, 0.96, -1.1, -0.73, -0.36, 0.46, -0.11, 0.92, -0.21)

_WORD = re.compile(r"[a-z0-9]+")
# Function words (and reporting verbs): they say nothing about what a story is about.
_STOPWORDS = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just me more most my myself no nor not now of off on once only or other our ours
ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself
yourselves said says say one two new mr mrs ms s t
"""
_STOP = frozenset(_STOPWORDS.split())
# Page furniture that survives extraction as a "sentence" of its own.
_JUNK = re.compile(
    r"\A(?:By\s+(?:[A-Z][\w'’.-]*\s*){0,4}\.?|(?:PUBLISHED|UPDATED|Last updated)\b.*"
    r"|\d{1,2}:\d{2}\b.{0,40}\d{4}\s*\.?)\Z"
    r"|Share this article|All rights reserved|Follow @|Sign up for|Click here|Scroll down for",
    re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class Unit:
    """A candidate bullet: one sentence of the article (quotation fragments merged), compressed."""

    index: int  # position among the candidates
    span: Span  # the whole sentence
    pieces: tuple[Span, ...]  # what compression keeps of it
    text: str  # `join_spans(article.text, pieces)`
    terms: tuple[str, ...]  # its tokens, as the salience model counts them
    vocabulary: frozenset[str]  # its distinct terms
    last_resort: bool  # leans on the sentence before, or is shorter than `SHORT_WORDS`

    @property
    def words(self) -> int:
        return len(self.text.split())


def merge_quote_fragments(article: Article, sentences: Sequence[Sentence]) -> list[Sentence]:
    """Sentences with a quotation that the splitter cut apart made whole again.

    nupunkt splits `"If the talks fail, it will get worse. We have options," he said.` after
    "worse.": a bullet must not start or end inside a quotation. Quotations are found in the
    whole paragraph (`compress.quoted_regions`), and sentences are merged until no break
    between them falls inside one. A quotation left open at the end of its paragraph runs on
    into the next (a convention of news copy) and merges nothing; a "quotation" longer than
    `MAX_MERGE` sentences is a stray mark paired with a later one, and merges nothing either.
    """
    starts = [p.span.start for p in article.paragraphs]
    regions: dict[int, list[tuple[int, int]]] = {}  # by paragraph index

    def paragraph(sent: Sentence) -> int:
        k = bisect.bisect_right(starts, sent.span.start) - 1
        if k not in regions:
            para = article.paragraphs[k]
            closed, _ = quoted_regions(para.text)
            regions[k] = [(para.span.start + s, para.span.start + e) for s, e in closed]
        return k

    out: list[Sentence] = []
    i, n = 0, len(sentences)
    while i < n:
        sent = sentences[i]
        k = paragraph(sent)
        j, end = i, sent.span.end
        while (j + 1 < n and j - i < MAX_MERGE and _inside(end, regions[k])
               and paragraph(sentences[j + 1]) == k):
            j += 1
            end = sentences[j].span.end
        if _inside(end, regions[k]):
            j, end = i, sent.span.end
        out.append(sent if j == i else Sentence(article.text[sent.span.start : end],
                                                Span(sent.span.start, end)))
        i = j + 1
    return out


def _inside(offset: int, regions: Sequence[tuple[int, int]]) -> bool:
    return any(s < offset < e for s, e in regions)


def terms(text: str) -> tuple[str, ...]:
    """Lower-cased word tokens, a plural "s" stripped: the salience model's unit."""
    return tuple(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
        for w in _WORD.findall(text.lower())
    )


def extract_units(article: Article, sentences: Sequence[Sentence]) -> list[Unit]:
    """The candidate bullets of an article, compressed, in article order."""
    units: list[Unit] = []
    for sent in merge_quote_fragments(article, sentences):
        base = sent.span.start
        pieces = tuple(Span(base + s, base + e) for s, e in compress(sent.text))
        text = join_spans(article.text, pieces)
        if len(text.split()) < MIN_WORDS or _JUNK.search(text):
            continue
        tokens = terms(text)
        last_resort = bool(_DANGLING.match(text)) or len(text.split()) < SHORT_WORDS
        units.append(Unit(len(units), sent.span, pieces, text, tokens, frozenset(tokens),
                          last_resort))
    return units


def word_features(
    units: Sequence[Unit], title: str | None = None
) -> dict[str, tuple[float, ...]]:
    """The salience model's features of each distinct term of `units` (see `WORD_WEIGHTS`).

    bias, log count, log(1 + first candidate it occurs in), occurs in the first, stopword,
    digits, length (capped at 12 letters, /12), share of candidates holding it, occurs in the
    first three. A body term the `title` uses counts as one more use in the first candidate:
    the headline is the lead's lead. (CNN/DailyMail items have no title, so this is judgement,
    not measurement; title words the body never uses, such as the site's name, change nothing.)
    """
    first: dict[str, int] = {}
    count: Counter[str] = Counter()
    spread: Counter[str] = Counter()
    for unit in units:
        count.update(unit.terms)
        spread.update(unit.vocabulary)
        for term in unit.terms:
            first.setdefault(term, unit.index)
    for term in set(terms(title or "")) & count.keys():
        count[term] += 1
        first[term] = 0
    n = max(1, len(units))
    return {
        term: (
            1.0, math.log(c), math.log1p(first[term]), float(first[term] == 0),
            float(term in _STOP), float(term.isdigit()), min(len(term), 12) / 12,
            spread[term] / n, float(first[term] <= 2),
        )
        for term, c in count.items()
    }


def salience(units: Sequence[Unit], title: str | None = None) -> dict[str, float]:
    """The probability that highlights of the article use each term."""
    return {
        term: 1.0 / (1.0 + math.exp(-sum(map(operator.mul, WORD_WEIGHTS, f))))
        for term, f in word_features(units, title).items()
    }


def _score(chosen: Sequence[Unit], weight: dict[str, float], length: float) -> float:
    """Expected ROUGE-1 F1 of `chosen` against highlights of `length` tokens (module docstring)."""
    covered = frozenset().union(*(u.vocabulary for u in chosen))
    tokens = sum(len(u.terms) for u in chosen)
    gain = 2.0 * sum(map(weight.__getitem__, covered)) / (tokens + length)
    return gain - LAST_RESORT_PENALTY * sum(u.last_resort for u in chosen)


def choose_bullets(units: Sequence[Unit], weight: dict[str, float], k: int) -> list[Unit]:
    """The best `k` candidates among the first `POOL`, in article order."""
    pool = units[:POOL]
    if len(pool) <= k or k <= 0:
        return list(pool[: max(k, 0)])
    length = float(BULLET_TOKENS * k)
    best = max(itertools.combinations(pool, k), key=lambda c: _score(c, weight, length))
    return sorted(best, key=lambda u: u.index)


def choose_short(units: Sequence[Unit], weight: dict[str, float], words: int) -> list[Unit]:
    """Whole candidates, at most `words` words in all, added while the score rises."""
    # Scored against highlights of three quarters of the budget: 45 tokens for the default
    # 60 words, as three bullets are, so the summary stops growing when it stops paying.
    length = words * 0.75
    chosen: list[Unit] = []
    used = 0
    score = 0.0
    pool = list(units[:POOL])
    while True:
        fitting = [u for u in pool if used + u.words <= words]
        if not fitting:
            break
        best = max(fitting, key=lambda u: _score([*chosen, u], weight, length))
        best_score = _score([*chosen, best], weight, length)
        if chosen and best_score <= score:
            break
        chosen.append(best)
        pool.remove(best)
        used += best.words
        score = best_score
    return sorted(chosen, key=lambda u: u.index)


def _snippet(units: Sequence[Unit]) -> Snippet:
    return Snippet(" ".join(u.text for u in units), tuple(s for u in units for s in u.pieces))


@summarizers.register("extractive.v1")
def make_extractive() -> Summarizer:
    """Bullets and a short summary from the article's own sentences, compressed.

    Every bullet is one compressed sentence: its text is `compress.join_spans` of its spans,
    which `compress.rests_on` checks. The short summary is whole compressed sentences in
    article order, at most `words` words; it is None when no sentence is that short.
    """

    def summarize(
        article: Article, sentences: Sequence[Sentence], *, bullets: int, words: int
    ) -> Summary:
        units = extract_units(article, sentences)
        weight = salience(units, article.title)
        chosen = choose_bullets(units, weight, bullets)
        short = choose_short(units, weight, words)
        return Summary(
            bullets=tuple(Snippet(u.text, u.pieces) for u in chosen),
            short=_snippet(short) if short else None,
        )

    return summarize
