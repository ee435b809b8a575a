"""The timeline: the events an article mentions, dated against its dateline.

Dates come from `timex.find_timexes` (a rule-based TimeML normaliser), anchored at
`article.published`. Each dated expression in a body sentence becomes a `TimelineEvent`:
its ISO 8601 / TimeML value ("2025-10-18/2025-10-19", "2025-W44", "2025-11"), the words
as written, and a short event phrase cut from the same sentence — the clause around the date
with the date taken out, at most 12 words, never a word the sentence does not have.

Durations ("for three years"), recurrences ("every week") and vague references ("now",
"recently") date nothing and stay out. Upcoming events the article names without a date
("ahead of crucial peace talks in Turkey", "in the coming weeks") are kept with `date=None`.
Events are ordered by date, undated last.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from ..records import Article, Sentence, Span, TimelineEvent
from .timex import Timex, find_timexes

logger = logging.getLogger(__name__)

__all__ = ["Timex", "build_timeline", "find_timexes"]

MAX_EVENT_WORDS = 12
# Words before a date that change what it says about the event ("from October 25" is when
# something began): they belong in `as_written`. Plain "on"/"in" do not.
_SIGNAL = re.compile(r"\b(?:from|since|until|till|through|by|before|after|starting|beginning)"
                     r"\s+$", re.IGNORECASE)
_LONGEST_SIGNAL = len("beginning")
# Where a sentence divides into clauses: punctuation, and the words that open a new clause.
_CLAUSE_BREAK = re.compile(
    r"\s*[,;:()—–]\s*|\s+-\s+"
    r"|\s+(?=(?:after|before|following|followed\s+by|while|when|whereas|although|though"
    r"|because|but|which|who|where|as\s+well\s+as|until|since)\s)",
    re.IGNORECASE)
# Words that only link a clause to the rest: trimmed from the ends of an event phrase.
_LINK_WORDS = frozenset({
    "after", "before", "following", "followed", "by", "while", "when", "whereas", "although",
    "though", "because", "but", "which", "who", "where", "until", "since", "and", "or", "as",
    "at", "on", "in", "from", "to", "of", "for", "during", "with", "that"})
# An opening phrase that sets the time or place of the main clause after it.
_OPENING = re.compile(r"(?:at|in|on|during|speaking|addressing)\b", re.IGNORECASE)
# "ahead of crucial peace talks in Turkey": an upcoming event, named but not dated.
_AHEAD = re.compile(
    r"\b(?:ahead\s+of|in\s+the\s+run-up\s+to|upcoming|forthcoming)\s+"
    r"(?P<event>(?:[\w'’-]+\s+){0,7}"
    r"(?:talks|negotiations|meeting|meetings|summit|election|elections|vote|polls?|visit|trip"
    r"|conference|hearing|trial|referendum|ceremony|session|debate|rally|launch|deadline"
    r"|inauguration|match|final|games|tournament|festival|celebrations?|budget|speech"
    r"|announcement|decision|ruling|verdict|review|round)\b(?:\s+(?:in|at|on|with|between"
    r"|of)\s+(?:the\s+)?(?-i:[A-Z][\w'’-]*)(?:\s+(?-i:[A-Z][\w'’-]*))*)?)",
    re.IGNORECASE)
_PART_OF_DAY = re.compile(r"T(?:MO|AF|EV|NI|DT)$")
_SEASON_MONTH = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def build_timeline(article: Article, sentences: Sequence[Sentence]) -> tuple[TimelineEvent, ...]:
    """The events `sentences` of `article` mention, with dates resolved against its dateline.

    Args:
        article: the article; `article.published` anchors "last week" and "on Friday".
        sentences: its body sentences (`segment.split_sentences`); dates outside them
            (labels, takeaways, headings) are not events.

    Returns:
        Events ordered by date (then by where the text mentions them), undated ones last.
    """
    if article.published is None:
        logger.debug("article %s has no dateline: relative dates stay unresolved", article.id)
    starts = [s.span.start for s in sentences]
    events: list[TimelineEvent] = []
    clauses: dict[int, list[tuple[int, int]]] = {}  # by sentence start: a sentence's dates share
    for timex in find_timexes(article.text, article.published):
        sentence = _sentence_of(sentences, starts, timex.span)
        if sentence is None:
            continue
        day = _timeline_date(timex)
        if day is None and timex.value != "FUTURE_REF":
            continue
        span = _with_signal(article.text, sentence, timex.span)
        if sentence.span.start not in clauses:
            clauses[sentence.span.start] = _clauses(sentence.text)
        event = _event_phrase(sentence, span, clauses[sentence.span.start])
        if event:
            events.append(TimelineEvent(day, article.text[span.start:span.end], event, span))
    events += _upcoming(article, sentences, events)
    return tuple(_ordered(events))


def _sentence_of(sentences: Sequence[Sentence], starts: list[int],
                 span: Span) -> Sentence | None:
    i = bisect_right(starts, span.start) - 1
    if i >= 0 and span.end <= sentences[i].span.end:
        return sentences[i]
    return None


def _timeline_date(timex: Timex) -> str | None:
    """The value a timeline shows: a date, week, month, quarter, season, year or decade,
    without a part of the day ("2025-11-05TNI" → 2025-11-05); None if it dates nothing."""
    if timex.type not in ("DATE", "TIME") or not timex.value:
        return None
    value = _PART_OF_DAY.sub("", timex.value)
    return value if value[:1].isdigit() and "X" not in value else None


def _with_signal(text: str, sentence: Sentence, span: Span) -> Span:
    """Take in a preceding "from", "since", "until"... : they change what the date says."""
    # The signal word ends where the blanks before the date begin: search from just before
    # it, not from the sentence's start (a long sentence with many dates was quadratic).
    lo = sentence.span.start
    blank = span.start
    while blank > lo and text[blank - 1].isspace():
        blank -= 1
    m = _SIGNAL.search(text, max(lo, blank - _LONGEST_SIGNAL), span.start)
    return Span(m.start(), span.end) if m else span


def _event_phrase(sentence: Sentence, span: Span,
                  clauses: list[tuple[int, int]] | None = None) -> str:
    """The clause around a date with the date taken out, trimmed to at most 12 words.

    An opening phrase of time or place ("At a weekly press briefing last week, ...") dates the
    main clause after it, so that clause is the event; a clause too short to say anything
    ("agreed on Oct. 30") is read with the clause before it ("The ceasefire agreed").
    `clauses` are `_clauses(sentence.text)`, when the caller has them.
    """
    text = sentence.text
    lo, hi = span.start - sentence.span.start, span.end - sentence.span.start
    if clauses is None:
        clauses = _clauses(text)
    index = next((i for i, (a, b) in enumerate(clauses) if a <= lo < b), 0)
    a, b = clauses[index]
    left = _TRAILING_PREPOSITION.sub("", text[a:lo])
    left_words, right_words = _words(left), _words(text[min(hi, b):b])
    words = _trim_links(left_words + right_words)
    if index == 0 and len(clauses) > 1 and (len(words) < 2 or _OPENING.match(text, a)):
        main = _trim_links(_words(text[clauses[1][0]:clauses[1][1]]))
        cut = next((i for i, w in enumerate(main) if w.lower() in ("and", "but")), len(main))
        if cut >= 2:
            return " ".join(main[:cut][:MAX_EVENT_WORDS])
    elif len(words) < 2 and index > 0:
        before = _words(text[clauses[index - 1][0]:clauses[index - 1][1]])
        left_words = before + left_words
        words = _trim_links(left_words + right_words)
    if len(words) < 2:
        return ""
    if len(words) > MAX_EVENT_WORDS:  # keep the words nearest the date, more of them before
        kept_left = _trim_links(left_words)
        n_left = max(min(len(kept_left), 8), MAX_EVENT_WORDS - len(right_words))
        words = _trim_links((kept_left[-n_left:] + right_words)[:MAX_EVENT_WORDS])
    return " ".join(words)


_TRAILING_PREPOSITION = re.compile(r"\b(?:on|in|at|of|during|for)\s*$", re.IGNORECASE)


def _clauses(text: str) -> list[tuple[int, int]]:
    """Offsets of the clauses of a sentence (see `_CLAUSE_BREAK`)."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in _CLAUSE_BREAK.finditer(text):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out or [(0, len(text))]


def _words(text: str) -> list[str]:
    """The words of a stretch of a sentence, without the punctuation around them."""
    return [w for w in (t.strip(".,;:!?\"'“”‘’()[]") for t in text.split()) if w]


def _trim_links(words: list[str]) -> list[str]:
    """Drop linking words ("followed by", "and", "at") from both ends."""
    start, end = 0, len(words)
    while start < end and words[start].lower() in _LINK_WORDS:
        start += 1
    while end > start and words[end - 1].lower() in _LINK_WORDS:
        end -= 1
    return words[start:end]


def _upcoming(article: Article, sentences: Sequence[Sentence],
              dated: list[TimelineEvent]) -> list[TimelineEvent]:
    """Events the article names as coming without dating them ("ahead of crucial talks")."""
    taken = _Spans(e.span for e in dated)
    out: list[TimelineEvent] = []
    for sentence in sentences:
        for m in _AHEAD.finditer(article.text, sentence.span.start, sentence.span.end):
            span = Span(m.start(), m.end())
            if taken.overlaps(span):
                continue  # "ahead of Sunday's vote": the date is already an event
            event = " ".join(_trim_links(_words(m.group("event")))[:MAX_EVENT_WORDS])
            if event:
                out.append(TimelineEvent(None, m.group(), event, span))
                taken.add(span)
    return out


class _Spans:
    """Spans sorted by start, asked whether any overlaps a given one without reading them all:
    none longer than the longest can reach back further than its length."""

    def __init__(self, spans: Iterable[Span]) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.longest = 0
        for span in spans:
            self.add(span)

    def add(self, span: Span) -> None:
        k = bisect_right(self.starts, span.start)
        self.starts.insert(k, span.start)
        self.ends.insert(k, span.end)
        self.longest = max(self.longest, span.end - span.start)

    def overlaps(self, span: Span) -> bool:
        """Whether some `s` has `s.start < span.end and span.start < s.end`."""
        first = bisect_right(self.starts, span.start - self.longest)
        last = bisect_left(self.starts, span.end)
        return any(self.ends[k] > span.start for k in range(first, last))


def _ordered(events: list[TimelineEvent]) -> list[TimelineEvent]:
    """By date (start, then end), then by position; undated last; repeats dropped."""
    seen: set[tuple[str | None, str]] = set()
    unique = []
    for e in sorted(events, key=lambda e: e.span.start):
        if (e.date, e.event) not in seen:
            seen.add((e.date, e.event))
            unique.append(e)
    dated = [(b, e) for e in unique if e.date and (b := _bounds(e.date))]
    undated = [e for e in unique if not (e.date and _bounds(e.date))]
    dated.sort(key=lambda pair: (pair[0], pair[1].span.start))
    return [e for _, e in dated] + undated


_VALUE = re.compile(r"(\d{2,4})(?:-(?:(\d\d)(?:-(\d\d))?|W(\d\d)(-WE)?|Q([1-4])|H([12])"
                    r"|(SP|SU|FA|WI)))?(?:T.*)?")


def _bounds(value: str) -> tuple[date, date] | None:
    """First and last day a timeline value covers, for ordering; None if it is not a date."""
    if "/" in value:
        first, last = (_bounds(part) for part in value.split("/", 1))
        return (first[0], last[1]) if first and last else None
    m = _VALUE.fullmatch(value)
    if not m:
        return None
    digits, month, day, week, weekend, quarter, half, season = m.groups()
    try:
        if len(digits) < 4:  # a decade ("199") or a century ("20")
            span = 10 ** (4 - len(digits))
            first_year = int(digits) * span
            return date(first_year, 1, 1), date(first_year + span - 1, 12, 31)
        year = int(digits)
        if day:
            d = date(year, int(month), int(day))
            return d, d
        if week:
            monday = date.fromisocalendar(year, int(week), 1)
            if weekend:
                return monday + timedelta(days=5), monday + timedelta(days=6)
            return monday, monday + timedelta(days=6)
        if month or quarter or half or season:
            first_month = (int(month) if month else 3 * int(quarter) - 2 if quarter
                           else 6 * int(half) - 5 if half else _SEASON_MONTH[season])
            months = 1 if month else 3 if quarter or season else 6
            end_year, end_month = divmod(year * 12 + first_month - 1 + months, 12)
            return date(year, first_month, 1), date(end_year, end_month + 1, 1) - timedelta(
                days=1)
        return date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        return None
