"""Temporal expressions (TimeML TIMEX3): found by a regex grammar, normalised against an anchor.

Off-the-shelf parsers read news dates poorly (dateparser scores about 0.34 value F1 on
TempEval-3), so newsbrief has its own rule-based normaliser in the manner of HeidelTime
(Strötgen & Gertz 2013): each rule pairs a pattern with a resolver that turns what it matched
into a TimeML value, using the anchor (the dateline) for anything relative.

Values follow the TIMEX3 conventions of the TempEval-3 gold: `2025-10-18`, `2025-W44`,
`2025-11`, `2025-Q3`, `2025-H1`, `2025-SU`, `199` (the 1990s), `20` (the 21st century),
`2025-11-06TNI` (tonight), `2025-11-06T17:00`, durations `P3Y`/`PT5H`/`PXD`, sets `P1W` and
`XXXX-WXX-1`, and `PRESENT_REF`/`PAST_REF`/`FUTURE_REF`. A range the text writes as one
expression ("October 18-19") is an ISO 8601 interval, `2025-10-18/2025-10-19`. Without an
anchor, relative expressions keep `value=None` and yearless dates read `XXXX-10-18`.

Extents follow TimeML too: determiners and modifiers are inside ("the past two months",
"earlier this month", "more than four years"), prepositions are not ("on Friday").

Bare weekdays and months depend on tense: "on Friday" in a past-tense sentence is the Friday
before the dateline, in a future-tense one the Friday after.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal, TypeAlias

from ..records import Span

logger = logging.getLogger(__name__)

__all__ = ["Timex", "TimexType", "find_timexes"]

TimexType = Literal["DATE", "TIME", "DURATION", "SET"]
Tense = Literal["past", "future"]


@dataclass(frozen=True, slots=True)
class Timex:
    """A temporal expression in a text, with its TimeML type and normalised value.

    `as_written == text[span.start:span.end]`. `value` is None when it depends on an anchor
    that was not given. `mod` is TimeML's modifier ("START" for "earlier this month").
    """

    span: Span
    as_written: str
    value: str | None
    type: TimexType
    mod: str | None = None


def _kind(kind: str, words: str) -> dict[str, str]:
    return dict.fromkeys(words.split(), kind)


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# --------------------------------------------------------------------------------------------
# Vocabulary. Month and weekday names must be capitalised: "may", "march" and "sun" are words.

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_FULL = (r"(?-i:January|February|March|April|May|June|July|August|September|October"
               r"|November|December)")
_MONTH = (r"(?-i:(?:January|February|March|April|May|June|July|August|September|October"
          r"|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?"
          r"|Sep\.?|Oct\.?|Nov\.?|Dec\.?))(?![A-Za-z])")
_WEEKDAYS = {"mo": 0, "tu": 1, "we": 2, "th": 3, "fr": 4, "sa": 5, "su": 6}
_WEEKDAY = r"(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_WEEKDAY_ANY = (r"(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
                r"|(?:Mon|Tues?|Wed|Thur?s?|Fri|Sat|Sun)\.?)")
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\d%])"
_YEAR = r"(?<![\d,.$£€/])(?<!\d-)(?:1[5-9]\d\d|20\d\d)(?![\d%]|[A-Za-z])"
_SMALL = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "dozen": 12, "hundred": 100, "couple": 2,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_NUM_WORD = (r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
             r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
             r"|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
             r"|one|two|three|four|five|six|seven|eight|nine|ten|a\s+dozen|a\s+hundred"
             r"|a\s+couple\s+of|a|an)")
_TWO_DIGITS = (r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
               r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|ten|eleven|twelve"
               r"|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|one|two|three"
               r"|four|five|six|seven|eight|nine)")
_NUM = rf"(?:\d+(?:\.\d+)?(?:\s+1/2)?|{_NUM_WORD}(?:\s+and\s+a\s+half)?)"
_VAGUE = (r"(?:several|a\s+few|few|many|some|a\s+number\s+of|a\s+couple\s+of|couple\s+of"
          r"|numerous|countless)")
_VAGUE_WORDS = frozenset(("few", "several", "many", "some", "number", "numerous", "countless"))
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17,
    "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "twenty-first": 21,
}
_ORDINAL = (r"(?:\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth"
            r"|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth"
            r"|seventeenth|eighteenth|nineteenth|twentieth|twenty-first)")
# Duration units: the TimeML letter and how many of it one unit is.
_UNITS = {
    "second": ("S", 1), "minute": ("M", 1), "hour": ("H", 1), "day": ("D", 1),
    "week": ("W", 1), "fortnight": ("W", 2), "month": ("M", 1), "quarter": ("Q", 1),
    "year": ("Y", 1), "decade": ("Y", 10), "centur": ("Y", 100),
}
_UNIT = (r"(?:seconds?|minutes?|hours?|days?|weeks?|fortnights?|months?|quarters?|years?"
         r"|decades?|century|centuries)")
_PART_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}
_SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
_SEASON_ORDER = ("SP", "SU", "FA", "WI")
_DECADE_WORDS = {
    "twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
    "eighties": 8, "nineties": 9,
}
_MODS = {
    "more than": "MORE_THAN", "over": "MORE_THAN", "at least": "EQUAL_OR_MORE",
    "less than": "LESS_THAN", "under": "LESS_THAN", "fewer than": "LESS_THAN",
    "up to": "EQUAL_OR_LESS", "no more than": "EQUAL_OR_LESS", "nearly": "EQUAL_OR_LESS",
    "almost": "EQUAL_OR_LESS", "about": "APPROX", "around": "APPROX", "roughly": "APPROX",
    "approximately": "APPROX", "some": "APPROX", "just over": "MORE_THAN",
    "just under": "LESS_THAN", "well over": "MORE_THAN",
}
_MOD = (r"(?:(?P<qmod>more\s+than|less\s+than|fewer\s+than|at\s+least|up\s+to|no\s+more\s+than"
        r"|just\s+over|just\s+under|well\s+over|nearly|almost|about|around|roughly"
        r"|approximately|some|over|under)\s+(?!the\b))?")
_EDGE = {"early": "START", "earlier": "START", "beginning": "START", "start": "START",
         "late": "END", "later": "END", "end": "END", "mid": "MID", "middle": "MID"}


def _edge_re(group: str = "edge") -> str:
    """An optional "early", "late", "mid-", "the end of"... before an expression."""
    return (rf"(?:(?P<{group}>early|earlier|late|later|mid-?"
            r"|the\s+(?:beginning|start|end|middle)\s+of)\s*)?")


_EDGE_RE = _edge_re()
_HOLIDAYS = {
    "new year's day": (1, 1), "new year's eve": (12, 31), "valentine's day": (2, 14),
    "halloween": (10, 31), "christmas eve": (12, 24), "christmas day": (12, 25),
    "christmas": (12, 25), "boxing day": (12, 26),
}


# --------------------------------------------------------------------------------------------
# Calendar arithmetic.

def _fmt_day(d: date) -> str:
    return d.isoformat()


def _fmt_week(d: date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def _fmt_month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + n
    return index // 12, index % 12 + 1


def _quarter(d: date) -> int:
    return (d.month - 1) // 3 + 1


def _season(d: date) -> tuple[int, str]:
    """The season a day falls in; a winter belongs to the year it begins in (December)."""
    if d.month == 12:
        return d.year, "WI"
    if d.month <= 2:
        return d.year - 1, "WI"
    return d.year, _SEASON_ORDER[(d.month - 3) // 3]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _easter(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    return date(year, month, (h + l_ - 7 * m + 114) % 31 + 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th `weekday` of a month (n=-1: the last)."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    y, m = _add_months(year, month, 1)
    last = date(y, m, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _number(text: str) -> float | None:
    """The number a numeral spells ("twenty-five", "5 1/2", "a couple of"); None if vague."""
    words = text.lower().replace("-", " ").split()
    if not words or _VAGUE_WORDS.intersection(words):
        return None
    half = 0.5 if text.lower().endswith("and a half") or text.endswith("1/2") else 0.0
    head = words[0]
    if re.fullmatch(r"\d+(\.\d+)?", head):
        return float(head) + half
    if head in ("a", "an") and len(words) > 1 and words[1] in ("dozen", "hundred", "couple"):
        head = words[1]
    if head in _TENS:
        unit = _SMALL.get(words[1], 0) if len(words) > 1 and words[1] in _SMALL else 0
        return _TENS[head] + (unit if unit < 10 else 0) + half
    if head in _SMALL:
        return _SMALL[head] + half
    return None


def _duration(n: float | None, unit: str) -> str:
    """A TimeML duration: P3Y, PT5H, PXD when vague; a half goes one unit down (PT5H30M)."""
    key = _unit_key(unit)
    letter, size = _UNITS[key]
    t = "T" if key in ("second", "minute", "hour") else ""
    if n is None:
        return f"P{t}X{letter}"
    amount = n * size
    if amount == int(amount):
        return f"P{t}{int(amount)}{letter}"
    if key == "quarter":
        return _duration(amount * 3, "month")
    whole = int(amount)
    down = {"Y": ("M", 12, ""), "M": ("D", 30, ""), "W": ("D", 7, ""), "D": ("H", 24, "T"),
            "H": ("M", 60, ""), "S": ("S", 1, "")}
    if key == "minute":
        small, factor, t2 = "S", 60, ""
    else:
        small, factor, t2 = down[letter]
    rest = round((amount - whole) * factor)
    if not whole:
        return f"P{t or t2}{rest}{small}"
    return f"P{t}{whole}{letter}{t2}{rest}{small}"


def _unit_key(unit: str) -> str:
    unit = unit.lower()
    if unit.startswith("centur"):
        return "centur"
    return unit.removesuffix("s")


# --------------------------------------------------------------------------------------------
# Tense: which way a bare "Friday" or "May" points from the dateline.

# Only the ends count: the stop is matched, not looked behind for, which lets sre skip to it.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"'“‘(]?[A-Z])|\n\s*\n")
_TOKEN = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
_FUTURE_WORDS = _wordset(
    "will shall won't won’t would might may should must plan plans planned planning scheduled"
    " slated upcoming tomorrow payable effective")
# Two-word future cues: "going to", "expected to", "as soon (as)", "is to" ...
_FUTURE_PAIRS = frozenset({("going", "to"), ("as", "soon"), *((w, "to") for w in (
    "expect", "expects", "expected", "set", "intend", "intends", "is", "are", "due"))})
_PAST_WORDS = _wordset(
    "said told was were had did ago met held made took came went gave got began saw found fell"
    " rose won lost left sent spent paid brought became ran led built bought sold struck kept"
    " felt stood wrote spoke broke chose drove flew grew threw fought caught sought heard knew"
    " thought meant shot last yesterday earlier agreed freed")


@dataclass(slots=True)
class _Context:
    """What resolvers need beyond the match: the text, the anchor and the tense of sentences."""

    text: str
    anchor: date | None
    anchor_time: datetime | None
    _bounds: list[int] = field(default_factory=list)
    _cues: dict[int, list[tuple[int, Tense]]] = field(default_factory=dict)
    finance: bool | None = None  # is the text about money? (see `_finance`)

    def __post_init__(self) -> None:
        self._bounds = [m.end() for m in _SENTENCE_END.finditer(self.text)]

    def sentence(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self._bounds, pos)
        start = self._bounds[i - 1] if i else 0
        end = self._bounds[i] if i < len(self._bounds) else len(self.text)
        return start, end

    def tense(self, start: int, end: int) -> Tense | None:
        """The tense marked nearest the expression within its sentence, or None if none is."""
        s_start, s_end = self.sentence(start)
        cues = self._cues.get(s_start)
        if cues is None:
            cues = self._cues[s_start] = _tense_cues(self.text, s_start, s_end)
        best: tuple[int, Tense] | None = None
        for pos, kind in cues:
            if start <= pos < end:
                continue
            distance = start - pos if pos < start else pos - end
            if best is None or distance < best[0]:
                best = (distance, kind)
        return best[1] if best else None


def _tense_cues(text: str, start: int, end: int) -> list[tuple[int, Tense]]:
    """Words that mark tense in a sentence: modals and plans point ahead, past forms back."""
    cues: list[tuple[int, Tense]] = []
    previous = ""
    for m in _TOKEN.finditer(text, start, end):
        word = m.group()
        lower = word.lower()
        if (lower in _FUTURE_WORDS or lower.endswith(("'ll", "’ll"))
                or (previous, lower) in _FUTURE_PAIRS):
            cues.append((m.start(), "future"))
        elif lower in _PAST_WORDS or (
                word.islower() and len(word) > 4 and word.endswith("ed")
                and not word.endswith("eed")):
            cues.append((m.start(), "past"))
        previous = lower
    return cues


@dataclass(frozen=True, slots=True)
class _Reading:
    value: str | None
    type: TimexType = "DATE"
    mod: str | None = None
    # "the next day": days from the last full date mentioned before it;
    # `value` then holds only the time-of-day suffix ("TMO" for "the next morning", or "").
    ref_days: int | None = None
    # "a year earlier": a year before the period its sentence compares (a quarter, say).
    year_back: bool = False


_Resolver = Callable[[re.Match[str], _Context], _Reading | None]


@dataclass(frozen=True, slots=True)
class _Rule:
    pattern: re.Pattern[str]
    resolve: _Resolver
    needs: frozenset[str]  # trigger kinds, one of which every match of the pattern contains


_RULES: list[_Rule] = []


def _rule(pattern: str, *needs: str) -> Callable[[_Resolver], _Resolver]:
    """Register a resolver for a pattern; earlier rules win ties between equally long matches.

    `needs` names the trigger kinds (see `_TRIGGER_WORDS`) a match always contains: the
    pattern only runs near those, which keeps a 700-word article within a few milliseconds.
    """
    unknown = set(needs) - _TRIGGER_KINDS
    if unknown or not needs:
        raise ValueError(f"rule needs unknown trigger kinds {sorted(unknown)}")

    def register(resolver: _Resolver) -> _Resolver:
        # `(?<!\w)`: an expression starts a word, and the scan skips mid-word positions fast
        compiled = re.compile(rf"(?<!\w)(?:{pattern})", re.IGNORECASE)
        _RULES.append(_Rule(compiled, resolver, frozenset(needs)))
        return resolver

    return register


# Trigger words by kind. Month and weekday names count only when capitalised.
_TRIGGER_WORDS: dict[str, str] = {
    **_kind("month", "january february march april may june july august september october"
                     " november december jan feb mar apr jun jul aug sep sept oct nov dec"),
    **_kind("weekday", "monday tuesday wednesday thursday friday saturday sunday mon tue tues"
                       " wed thu thur thurs fri sat sun mondays tuesdays wednesdays thursdays"
                       " fridays saturdays sundays"),
    **_kind("unit", "second seconds minute minutes hour hours days weeks weekends fortnights"
                    " months quarters years decades centuries"),
    **_kind("period", "week weekend fortnight month year decade"),
    "day": "day", "quarter": "quarter", "century": "century",
    **_kind("pod", "morning afternoon evening night nights overnight"),
    **_kind("deictic", "yesterday today tonight tomorrow"),
    **_kind("ref", "now current currently presently nowadays present recent recently lately past"
                   " future term later ahead"),
    **_kind("season", "spring summer fall autumn winter"),
    **_kind("half", "half q1 q2 q3 q4 h1 h2"),
    **_kind("every", "every each once twice times"),
    **_kind("spelled", "nineteen thousand twenties thirties forties fifties sixties seventies"
                       " eighties nineties"),
    **_kind("holiday", "christmas easter thanksgiving halloween valentine boxing labor labour"
                       " memorial black cyber"),
    **_kind("clock", "noon midday midnight"),
    **_kind("setadv", "daily weekly monthly yearly hourly nightly biweekly"),
}
_CAPITALISED_KINDS = frozenset(("month", "weekday", "holiday"))
_TRIGGER_KINDS = frozenset(_TRIGGER_WORDS.values()) | {"year", "clock", "numdate", "decade"}
_UNIT_KINDS = ("unit", "period", "day", "quarter", "century")
# How far an expression reaches before and after its trigger word ("at least the first two
# quarters of 2025").
_REACH_BEFORE, _REACH_AFTER = 40, 24


# A character → the trie of the words' rest; the key "" marks the end of a word.
_Trie: TypeAlias = dict[str, "_Trie"]


def _alternation(words: list[str]) -> str:
    """A regex alternation of `words` shaped as a trie: sre tries a flat alternation of 120
    words one by one at every word start, which is ten times slower."""
    tree: _Trie = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: _Trie) -> str:
        branches = [re.escape(c) + emit(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(tree)


_TRIGGER = re.compile(rf"\b{_alternation(sorted(_TRIGGER_WORDS))}\b", re.IGNORECASE)
# The same, run on the lower-cased text: sre reads a case-blind pattern three times slower.
# Lower-casing keeps every offset when it keeps the length, and keeps \b (checked over all
# of Unicode); it only misses "ı" and "ſ" for "i" and "s", where the table lookup failed.
_TRIGGER_LOWER = re.compile(rf"\b{_alternation(sorted(_TRIGGER_WORDS))}\b")
_DIGITS = re.compile(r"\d+")
_DIGIT_KINDS = (
    ("clock", re.compile(r":\d\d|\s*[ap]\.?m\b", re.IGNORECASE)),
    ("numdate", re.compile(r"/\d|-\d\d-\d")),
    ("decade", re.compile(r"['’]?s\b")),
)


def _triggers(text: str) -> dict[str, list[tuple[int, int]]]:
    """Where each kind of trigger occurs in `text`."""
    found: dict[str, list[tuple[int, int]]] = {}
    lowered = text.lower()
    if len(lowered) == len(text):
        matches = _TRIGGER_LOWER.finditer(lowered)
    else:  # a letter that lower-cases to two ("İ") would shift the offsets
        lowered, matches = "", _TRIGGER.finditer(text)
    for m in matches:
        start, end = m.span()
        kind = _TRIGGER_WORDS.get(lowered[start:end] if lowered else m.group().lower())
        if kind is None:  # "ſunday": the case-blind pattern took "ſ" for "s"
            continue
        if kind not in _CAPITALISED_KINDS or text[start].isupper():
            found.setdefault(kind, []).append((start, end))
    for m in _DIGITS.finditer(text):
        digits, end = m.group(), m.end()
        if len(digits) == 4 and "15" <= digits[:2] <= "20":
            found.setdefault("year", []).append(m.span())
        for kind, after in _DIGIT_KINDS:
            if after.match(text, end) and (kind != "decade" or digits.endswith("0")):
                found.setdefault(kind, []).append(m.span())
    return found


def _windows(spans: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """The stretches of text within reach of the given triggers, merged."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        lo, hi = max(0, start - _REACH_BEFORE), min(size, end + _REACH_AFTER)
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _mod(m: re.Match[str]) -> str | None:
    groups = m.groupdict()
    qmod = groups.get("qmod") or groups.get("qmod2")
    if qmod:
        return _MODS.get(re.sub(r"\s+", " ", qmod.lower()))
    edge = groups.get("edge") or groups.get("edge2") or groups.get("edge3")
    if edge:
        key = re.sub(r"^the\s+|\s+of$|-$", "", edge.lower().strip())
        return _EDGE.get(key)
    return None


def _year_for(ctx: _Context, month: int, day: int, start: int, end: int) -> int | None:
    """The year of a yearless date: the occurrence on the sentence's side of the anchor, unless
    the other side is much nearer ("payable Dec. 7" in a past-tense sentence is next month)."""
    a = ctx.anchor
    if a is None:
        return None
    day = min(day, 28) if month == 2 else day
    this_year = _safe_date(a.year, month, day)
    if this_year is None:
        return a.year
    if this_year == a:
        return a.year
    if this_year < a:
        past, future = this_year, _safe_date(a.year + 1, month, day) or this_year
    else:
        past, future = _safe_date(a.year - 1, month, day) or this_year, this_year
    return _pick_side(ctx.tense(start, end), (a - past).days, (future - a).days,
                      past.year, future.year)


def _pick_side(tense: Tense | None, back: int, ahead: int, past: int, future: int) -> int:
    """Tense decides which way a yearless date points. Past-tense reports often name what is
    coming ("declared a dividend payable Dec. 7"), so there a much nearer future date wins."""
    if tense == "past":
        return future if ahead * _SIDE_RATIO <= back else past
    if tense == "future":
        return future
    return past if back <= ahead else future


def _weekday_date(ctx: _Context, weekday: int, start: int, end: int,
                  relation: str | None) -> date | None:
    a = ctx.anchor
    if a is None:
        return None
    back = (a.weekday() - weekday) % 7
    ahead = (weekday - a.weekday()) % 7
    if relation in ("last", "past", "previous", "this past"):
        return a - timedelta(days=back or 7)
    if relation in ("next", "coming", "this coming"):
        return a + timedelta(days=ahead or 7)
    if back == 0:
        return a
    if relation == "this":
        tense = ctx.tense(start, end)
        return a - timedelta(days=back) if tense == "past" else a + timedelta(days=ahead)
    tense = ctx.tense(start, end)
    if tense == "future" or (tense is None and ahead < back):
        return a + timedelta(days=ahead)
    return a - timedelta(days=back)


def _month_year(ctx: _Context, month: int, start: int, end: int,
                relation: str | None) -> int | None:
    a = ctx.anchor
    if a is None:
        return None
    if relation in ("last", "past", "this past", "previous"):
        return a.year if month < a.month else a.year - 1
    if relation in ("next", "coming", "this coming"):
        return a.year if month > a.month else a.year + 1
    if relation == "this" or month == a.month:
        return a.year
    back = (a.month - month) % 12
    ahead = 12 - back
    past = a.year if month < a.month else a.year - 1
    return _pick_side(ctx.tense(start, end), back, ahead, past, past + 1)


# How much nearer the other side of the anchor must be to overrule tense (tuned on TimeBank).
_SIDE_RATIO = 3


_FINANCE = re.compile(
    r"\b(?:profits?|earnings|revenues?|sales|results|growth|gdp|economy|economic|fiscal"
    r"|quarterly|income|loss(?:es)?|net|shares?|dividends?|percent|billion|million|output"
    r"|inflation|forecasts?|margins?|deliveries|shipments|orders|operating|year-earlier"
    r"|year-ago|analysts?)\b|[%$€£]", re.IGNORECASE)


_SPORT = re.compile(
    r"\b(?:game|games|match|points?|scored?|scoring|halftime|half-time|goals?|baskets?"
    r"|touchdowns?|innings|coach|minutes|seconds|lead|led|rebounds?|quarterback|players?"
    r"|team|season)\b", re.IGNORECASE)


def _finance(ctx: _Context, pos: int) -> bool:
    """Is this about money? Then a bare "third quarter" is a calendar quarter, where in a
    game it is a period of play: the sentence decides, else the whole text."""
    start, end = ctx.sentence(pos)
    if _FINANCE.search(ctx.text, start, end):
        return True
    if _SPORT.search(ctx.text, start, end):
        return False
    if ctx.finance is None:  # counting stops at 3: a long text need not be read to its end
        ctx.finance = _at_least(_FINANCE, ctx.text, 3) and not _at_least(_SPORT, ctx.text, 3)
    return ctx.finance


def _at_least(pattern: re.Pattern[str], text: str, n: int) -> bool:
    """Whether `pattern` matches `text` `n` times or more (as `len(findall) >= n`)."""
    for count, _ in enumerate(pattern.finditer(text), 1):
        if count >= n:
            return True
    return False


def _relation(text: str | None) -> str | None:
    return re.sub(r"\s+", " ", text.lower()) if text else None


# --------------------------------------------------------------------------------------------
# Rules: most specific first. Each resolver returns a reading, or None to reject the match.

@_rule(rf"(?:(?:around|about)\s+)?(?P<hour>[01]?\d|2[0-3])(?::(?P<min>[0-5]\d))?\s*"
       r"(?P<ampm>a\.m\.?|p\.m\.?|am\b|pm\b)"
       r"(?:\s+(?-i:[A-Z]{2,4}T|GMT|UTC)\b)?"
       rf"(?:,?\s+(?:on\s+)?(?:(?P<wd>{_WEEKDAY})|(?P<deictic>today|yesterday|tomorrow)"
       rf"|(?P<mon>{_MONTH})\s*(?P<day>{_DAY})))?"
       r"|(?:(?:around|about)\s+)?(?P<hour2>[01]?\d|2[0-3]):(?P<min2>[0-5]\d)"
       r"(?:\s+(?:(?-i:[A-Z]{2,4}T|GMT|UTC)\b|local\s+time))"
       r"|(?P<noon>noon|midday|midnight)(?:\s+(?P<wd2>" + _WEEKDAY + r"))?", "clock")
def _clock(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """Clock times: "5 p.m. EST Nov. 9", "around 7:15 p.m.", "noon Thursday"."""
    if m.group("noon"):
        hour, minute = (24, 0) if m.group("noon").lower() == "midnight" else (12, 0)
    elif m.group("hour2"):
        hour, minute = int(m.group("hour2")), int(m.group("min2"))
    else:
        hour, minute = int(m.group("hour")), int(m.group("min") or 0)
        if hour > 12 or hour == 0:
            return None
        pm = m.group("ampm").lower().startswith("p")
        hour = (hour % 12) + (12 if pm else 0)
    day: date | None = ctx.anchor
    wd = m.group("wd") or m.group("wd2")
    if wd:
        day = _weekday_date(ctx, _WEEKDAYS[wd[:2].lower()], m.start(), m.end(), None)
    elif m.group("deictic") and ctx.anchor:
        shift = {"today": 0, "yesterday": -1, "tomorrow": 1}[m.group("deictic").lower()]
        day = ctx.anchor + timedelta(days=shift)
    elif m.group("mon"):
        month, dnum = _MONTHS[m.group("mon")[:3].lower()], int(re.sub(r"\D", "", m.group("day")))
        year = _year_for(ctx, month, dnum, m.start(), m.end())
        day = _safe_date(year, month, dnum) if year else None
    elif m.group("noon") and not wd:
        return None  # "noon" alone is rarely a point in the story
    mod = "APPROX" if re.match(r"(?:around|about)\b", m.group(0), re.IGNORECASE) else None
    if day is None:
        return _Reading(None, "TIME", mod)
    return _Reading(f"{_fmt_day(day)}T{hour:02d}:{minute:02d}", "TIME", mod)


@_rule(rf"(?:(?P<wd>{_WEEKDAY_ANY}),?\s+)?(?P<mon>{_MONTH})\s*(?P<d1>{_DAY})"
       rf"(?:\s*(?:-|–|—)\s*(?:(?P<mon2>{_MONTH})\s*)?(?P<d2>{_DAY}))?"
       rf"(?:(?:,\s*|\s+)(?P<year>{_YEAR}))?", "month")
def _month_day(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """"Oct. 23", "Friday, Oct. 23, 1998", "October 18-19", "Oct. 30 - Nov. 2"."""
    return _calendar_date(m, ctx)


@_rule(rf"(?:(?P<wd>{_WEEKDAY_ANY}),?\s+)?(?:the\s+)?(?P<d1>{_DAY})"
       rf"(?:\s*(?:-|–|—)\s*(?P<d2>{_DAY}))?(?:\s+of)?\s+(?P<mon>{_MONTH})"
       rf"(?:,?\s+(?P<year>{_YEAR}))?", "month")
def _day_month(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """"18 October 2025", "the 18th of October", "18-19 October"."""
    return _calendar_date(m, ctx)


def _calendar_date(m: re.Match[str], ctx: _Context) -> _Reading | None:
    month = _MONTHS[m.group("mon")[:3].lower()]
    d1 = int(re.sub(r"\D", "", m.group("d1")))
    month2 = _MONTHS[m.group("mon2")[:3].lower()] if m.groupdict().get("mon2") else month
    d2 = int(re.sub(r"\D", "", m.group("d2"))) if m.group("d2") else None
    if m.group("year"):
        year: int | None = int(m.group("year"))
    else:
        year = _year_for(ctx, month, d1, m.start(), m.end())
    if year is None:
        if _safe_date(2000, month, d1) is None:  # 2000 is a leap year: Feb 29 is fine
            return None
        return _Reading(f"XXXX-{month:02d}-{d1:02d}")
    first = _safe_date(year, month, d1)
    if first is None:
        return None
    if d2 is None:
        return _Reading(_fmt_day(first))
    last = _safe_date(year + 1 if month2 < month else year, month2, d2)
    if last is None:  # "October 30-32": keep the day that exists
        return _Reading(_fmt_day(first))
    if last <= first:
        return None
    return _Reading(f"{_fmt_day(first)}/{_fmt_day(last)}")


@_rule(r"(?<![\d/.-])(?P<y>(?:1[0-9]|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)"
       r"(?:T(?P<hh>\d\d):(?P<mm>\d\d))?(?![\d-])"
       r"|(?<![\d/.-])(?P<m2>1[0-2]|0?[1-9])/(?P<d2>3[01]|[12]\d|0?[1-9])/(?P<y2>\d{4}|\d\d)"
       r"(?![\d/])", "numdate")
def _numeric_date(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """ISO "2025-10-18" and US "10/18/2025"; impossible dates ("2019-99-99") are not dates."""
    if m.group("y"):
        day = _safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        if day is None:
            return None
        if m.group("hh"):
            return _Reading(f"{_fmt_day(day)}T{m.group('hh')}:{m.group('mm')}", "TIME")
        return _Reading(_fmt_day(day))
    year = int(m.group("y2"))
    if year < 100:  # "10/18/25": the latest such year no later than next year
        now = ctx.anchor.year if ctx.anchor else date.today().year
        year += now // 100 * 100
        if year > now + 1:
            year -= 100
    day = _safe_date(year, int(m.group("m2")), int(m.group("d2")))
    return _Reading(_fmt_day(day)) if day else None


@_rule(rf"{_EDGE_RE}(?:(?P<rel>this|last|next|this\s+past|this\s+coming)\s+)?"
       rf"(?P<mon>{_MONTH_FULL}|(?-i:Jan|Feb|Aug|Sept|Sep|Oct|Nov|Dec)\.)"
       rf"(?:(?:\s+of|,)?\s+(?P<year>{_YEAR})|\s+(?P<ryear>this|last|next)\s+year\b)?"
       r"(?![\w-]|\s*\d)", "month")
def _month_name(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """"March 2024", "last November", "mid-November", "in May" (but not "may" or "Theresa May")."""
    name = m.group("mon")
    month = _MONTHS[name[:3].lower()]
    rel = _relation(m.group("rel"))
    if m.group("year"):
        return _Reading(_fmt_month(int(m.group("year")), month), mod=_mod(m))
    if m.group("ryear"):
        if ctx.anchor is None:
            return _Reading(None, mod=_mod(m))
        shift = {"last": -1, "next": 1}.get(m.group("ryear").lower(), 0)
        return _Reading(_fmt_month(ctx.anchor.year + shift, month), mod=_mod(m))
    if not (m.group("edge") or rel) and not _bare_month_ok(ctx.text, m.start(), m.end(), name):
        return None
    year = _month_year(ctx, month, m.start(), m.end(), rel)
    if year is None:
        return _Reading(None if rel else f"XXXX-{month:02d}", mod=_mod(m))
    return _Reading(_fmt_month(year, month), mod=_mod(m))


_BEFORE_MONTH = re.compile(
    r"(?:\b(?:in|since|until|till|by|during|through|throughout|from|before|after|between|and"
    r"|or|to|of|early|late|mid|last|next|this|each|every|for|on|around|about|end|as|past"
    r"|that|starting|beginning|ending)|[,(])\s*$", re.IGNORECASE)


def _bare_month_ok(text: str, start: int, end: int, name: str) -> bool:
    """A month name with no day or year is a month after a preposition ("in May"); otherwise
    "May" and "March" are a verb and a noun, and a name after a name is a person (Theresa May)."""
    before = text[max(0, start - 24):start]
    if _BEFORE_MONTH.search(before):
        return True
    if name in ("May", "March"):
        return False
    if re.search(r"\bthe\s+$", before, re.IGNORECASE):  # "the October slaying", not "the June of"
        return bool(re.match(r"\s+[a-z]+\b(?<!\bof)", text[end:end + 20]))
    return not re.search(r"[A-Z][\w'’]*\s+$", before) and not re.match(
        r"\s+(?-i:[A-Z])", text[end:end + 2])


@_rule(r"(?:the\s+)?(?P<edge>early|mid|late)?[- ]?(?<![\d,.$])(?P<cent>1\d|20)(?P<dec>\d)0"
       r"['’]?s\b"
       r"|(?:the\s+)?(?P<edge2>early|mid|late)?[- ]?['’](?P<short>\d)0s\b"
       r"|the\s+(?:(?P<edge3>early|mid|late)[- ])?(?P<word>twenties|thirties|forties|fifties"
       r"|sixties|seventies|eighties|nineties)\b", "decade", "spelled")
def _decade(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """"the 1990s" → 199, "the '90s" → 199, "the nineties" → 199 (TimeML decade values)."""
    mod = _mod(m)
    if m.group("cent"):
        return _Reading(f"{m.group('cent')}{m.group('dec')}", mod=mod)
    digit = int(m.group("short")) if m.group("short") else _DECADE_WORDS[m.group("word").lower()]
    this_year = ctx.anchor.year if ctx.anchor else 2000
    century = this_year // 100
    if century * 100 + digit * 10 > this_year:
        century -= 1
    return _Reading(f"{century}{digit}", mod=mod)


@_rule(rf"(?:the\s+)?(?P<edge>early|mid|late)?[- ]?(?P<ord>{_ORDINAL})[- ]century\b"
       r"|(?P<rel>this|the\s+last|last|the\s+past|next|the\s+next|the\s+current)\s+century\b",
       "century")
def _century(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """"the 20th century" → 19; "this century" → the anchor's century."""
    if m.group("ord"):
        key = m.group("ord").lower()
        n = _ORDINALS.get(key) or int(re.sub(r"\D", "", key))
        return _Reading(f"{n - 1:02d}", mod=_EDGE.get((m.group("edge") or "").lower()))
    if ctx.anchor is None:
        return _Reading(None)
    rel = _relation(m.group("rel")) or ""
    if "past" in rel or "last" in rel:
        return _Reading("P100Y", "DURATION") if rel.startswith("the") else _Reading(
            f"{ctx.anchor.year // 100 - 1:02d}")
    shift = 1 if "next" in rel else 0
    return _Reading(f"{ctx.anchor.year // 100 + shift:02d}")


@_rule(rf"{_EDGE_RE}(?:(?P<rel>this\s+past|this\s+coming|this|last|next|the|past|coming)\s+)"
       r"(?P<season>spring|summer|fall|autumn|winter)"
       rf"(?:(?:\s+of|,)?\s+(?P<year>{_YEAR}))?(?!\s+of\s+(?!\d))"
       rf"|{_edge_re('edge2')}(?P<season2>spring|summer|fall|autumn|winter)"
       rf"(?:\s+of)?\s+(?P<year2>{_YEAR})", "season")
def _season_rule(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """"last fall" → 2024-FA, "the summer of 2024" → 2024-SU; not "the fall of Rome"."""
    season = _SEASONS[(m.group("season") or m.group("season2")).lower()]
    mod = _mod(m)
    year_text = m.group("year") or m.group("year2")
    if year_text:
        return _Reading(f"{year_text}-{season}", mod=mod)
    if ctx.anchor is None:
        return _Reading(None, mod=mod)
    now_year, now_season = _season(ctx.anchor)
    order = _SEASON_ORDER.index
    rel = _relation(m.group("rel")) or "the"
    if rel in ("last", "past", "this past"):
        year = now_year if order(season) < order(now_season) else now_year - 1
    elif rel in ("next", "coming", "this coming"):
        year = now_year if order(season) > order(now_season) else now_year + 1
    elif rel == "this":
        year = now_year
    else:
        tense = ctx.tense(m.start(), m.end())
        year = now_year
        if tense == "past" and order(season) > order(now_season):
            year -= 1
        elif tense == "future" and order(season) < order(now_season):
            year += 1
    return _Reading(f"{year}-{season}", mod=mod)


@_rule(rf"(?:(?P<det>the|its|this\s+year['’]s|last\s+year['’]s|next\s+year['’]s"
       rf"|the\s+(?P<pyear>{_YEAR}))\s+)?(?:(?:fiscal|calendar)[- ])?"
       r"(?P<ord>first|second|third|fourth|final|1st|2nd|3rd|4th)[- ](?:fiscal[- ])?"
       r"(?P<part>quarter|half)(?!\s+(?:of\s+a|century))"
       rf"(?:\s+(?:of|in)\s+(?:(?:fiscal\s+)?(?P<year>{_YEAR})|the\s+(?P<rel>year|fiscal\s+year)"
       r"|(?P<rel2>this|last|next)\s+year))?"
       rf"|(?P<q>Q[1-4])(?:\s+(?P<qyear>{_YEAR}))?\b|(?P<qyear2>{_YEAR})\s+(?P<q2>Q[1-4])\b"
       rf"|(?P<h>H[12])\s+(?P<hyear>{_YEAR})\b", "quarter", "half")
def _quarter_rule(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """"the third quarter" → 2025-Q3 (the reported one), "the first half of 2024" → 2024-H1."""
    if m.group("q") or m.group("q2"):
        n, part = int((m.group("q") or m.group("q2"))[1]), "Q"
        year_text = m.group("qyear") or m.group("qyear2")
    elif m.group("h"):
        n, part, year_text = int(m.group("h")[1]), "H", m.group("hyear")
    else:
        key = m.group("ord").lower()
        part = "Q" if m.group("part").lower() == "quarter" else "H"
        n = {"final": 4 if part == "Q" else 2}.get(key) or _ORDINALS.get(key) or int(key[0])
        if n > (4 if part == "Q" else 2):
            return None
        year_text = m.group("year") or m.group("pyear")
    if year_text:
        return _Reading(f"{year_text}-{part}{n}")
    det = (m.group("det") or "").lower()
    rel = (m.group("rel2") or "").lower()
    bare = not (det or rel or m.group("rel")) or det in ("the", "its")
    if bare and not _finance(ctx, m.start()):
        return None  # "the first half" of a match, "the third quarter" of a game
    if ctx.anchor is None:
        return _Reading(None)
    a = ctx.anchor
    if det.startswith("last") or rel == "last":
        return _Reading(f"{a.year - 1}-{part}{n}")
    if det.startswith("next") or rel == "next":
        return _Reading(f"{a.year + 1}-{part}{n}")
    current = _quarter(a) if part == "Q" else (a.month - 1) // 6 + 1
    year = a.year
    if not (det.startswith("this") or rel == "this" or m.group("rel")):
        tense = ctx.tense(m.start(), m.end())
        if n > current and tense != "future":
            year -= 1  # results are reported for quarters that have ended
    return _Reading(f"{year}-{part}{n}")


@_rule(r"(?P<rel>this|the\s+current|the\s+latest|the\s+most\s+recent|last|the\s+last"
       r"|the\s+previous|the\s+prior|next|the\s+next|the\s+coming|the)\s+(?:fiscal\s+)?quarter\b"
       r"(?!\s+(?:of|century|mile|inch|point))", "quarter")
def _relative_quarter(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """"this quarter", "last quarter", "the latest quarter"; in news "the quarter" is the one
    being reported: the current one in future tense, else the last that has ended."""
    rel = _relation(m.group("rel")) or ""
    if rel == "the" and not _finance(ctx, m.start()):
        return None
    if ctx.anchor is None:
        return _Reading(None)
    shift = {"this": 0, "the current": 0, "next": 1, "the next": 1, "the coming": 1}.get(rel)
    if shift is None:
        shift = -1
        if rel == "the" and ctx.tense(m.start(), m.end()) == "future":
            shift = 0
    year, month = _add_months(ctx.anchor.year, ctx.anchor.month, 3 * shift)
    return _Reading(f"{year}-Q{(month - 1) // 3 + 1}")


@_rule(rf"(?:(?P<det>fiscal|calendar|the\s+year|the\s+fiscal\s+year|fiscal\s+year)\s+"
       rf"|(?P<edge>early|mid|late|the\s+(?:end|beginning|start|middle)\s+of)\s*-?\s*)?"
       rf"(?P<y1>{_YEAR})(?:\s*(?:-|–|—|/)\s*(?P<y2>{_YEAR}|\d\d)(?![\d-]))?"
       r"(?![-–/.]\d|\s*(?:%|percent))"
       rf"|(?P<spelled>nineteen[- ]{_TWO_DIGITS}|two\s+thousand(?:\s+and)?(?:\s+{_TWO_DIGITS})?)"
       r"\b(?!\s+(?:years?|months?|days?|[a-z]+s)\b)", "year", "spelled")
def _year(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """"1990", "fiscal 1989", "mid-2023", "2019-2021"; not "2,000" or "2019-99-99"."""
    if m.group("spelled"):  # "nineteen ninety-six", "two thousand and two" (broadcast text)
        words = m.group("spelled").lower().replace("-", " ").split()
        if words[0] == "nineteen":
            return _Reading(str(1900 + int(_number(" ".join(words[1:])) or 0)))
        return _Reading(str(2000 + int(_number(words[-1]) or 0) if words[-1] != "thousand"
                            else 2000))
    if not m.group("det") and _MODEL_BEFORE.search(ctx.text, max(0, m.start() - 16),
                                                    m.start()):
        return None  # "GTX 1660", "Boeing 7479", "Windows 2000": names, not years
    y1 = int(m.group("y1"))
    mod = _mod(m)
    if m.group("y2"):
        y2_text = m.group("y2")
        y2 = int(y2_text) if len(y2_text) == 4 else (y1 // 100) * 100 + int(y2_text)
        if not 0 < y2 - y1 <= 20:
            return None
        return _Reading(f"{y1}/{y2}", mod=mod)
    return _Reading(str(y1), mod=mod)


# A model or product name before a number: an all-caps or mixed token, or a capitalised word
# that is not a preposition ("In 2019" is a year; "Windows 2000", "GTX 1660" are not).
_MODEL_BEFORE = re.compile(
    r"(?:\b[A-Za-z]*[A-Z][A-Za-z]*[A-Z0-9][A-Za-z0-9]*|\b(?!(?:In|By|Since|Until|Till|From|Before"
    r"|After|During|Through|Of|And|Or|For|Between|To|At|On|Circa|Around|About|Early|Late|Mid"
    r"|The|That|This|These|Those|A|An|His|Her|Its|Their|Our|My|Your|Every|Each|Last|Next"
    r"|Spring|Summer|Autumn|Fall|Winter|Christmas|Easter|Fiscal|Calendar|Year|Class|Season"
    r"|Election|Census|Vintage|Budget|Expo|Olympics|Games|Cup)\b)[A-Z][a-z]+|[#№])\s+$")


@_rule(r"(?P<word>yesterday|today|tonight|tomorrow)"
       r"(?:\s+(?P<pod>morning|afternoon|evening|night))?"
       r"|(?:(?P<edge>early|late|earlier|later)\s+)(?P<word2>yesterday|today|tonight|tomorrow)"
       r"(?:\s+(?P<pod2>morning|afternoon|evening|night))?"
       r"|(?P<rel>this|last|tomorrow|yesterday)\s+(?P<pod3>morning|afternoon|evening|night)"
       r"|(?P<edge3>mid-?|late\s+|early\s+)(?P<pod4>morning|afternoon|evening)"
       r"(?:\s+(?P<word4>yesterday|today|tomorrow))?", "deictic", "pod")
def _deictic_day(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """"today", "yesterday afternoon", "last night", "tonight", "later today"."""
    word = (m.group("word") or m.group("word2") or m.group("rel") or m.group("word4")
            or "today").lower()
    pod = (m.group("pod") or m.group("pod2") or m.group("pod3") or m.group("pod4") or "").lower()
    if word == "tonight":
        pod = "night"
    edge = (m.group("edge") or m.group("edge3") or "").strip().rstrip("-").lower()
    mod = _EDGE.get(edge)
    if m.group("pod4") and not m.group("word4"):
        return None  # "late afternoon" alone: which day is anaphoric
    if ctx.anchor is None:
        return _Reading(None, "TIME" if pod else "DATE", mod)
    day = ctx.anchor + timedelta(days={"yesterday": -1, "last": -1, "tomorrow": 1}.get(word, 0))
    if pod:
        return _Reading(f"{_fmt_day(day)}T{_PART_OF_DAY[pod]}", "TIME", mod)
    return _Reading(_fmt_day(day), mod=mod)


@_rule(r"(?:the\s+)?day\s+(?P<which>before|after)\s+(?P<word>yesterday|tomorrow)", "deictic")
def _day_before(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """"the day before yesterday", "the day after tomorrow"."""
    if ctx.anchor is None:
        return _Reading(None)
    shift = {"yesterday": -1, "tomorrow": 1}[m.group("word").lower()]
    shift += -1 if m.group("which").lower() == "before" else 1
    return _Reading(_fmt_day(ctx.anchor + timedelta(days=shift)))


@_rule(r"(?:(?P<edge>earlier|later|early|late)\s+)?(?:that|the\s+same)\s+(?P<unit>day|morning"
       r"|afternoon|evening|night)"
       r"|the\s+(?P<rel>next|following|previous|preceding)\s+(?P<unit2>day|morning|afternoon"
       r"|evening|night)"
       r"|the\s+day\s+(?P<rel2>before|after)(?!\s+(?:yesterday|tomorrow))", "day", "pod")
def _anaphoric_day(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """"the next day", "earlier that day": relative to the last full date mentioned."""
    rel = (m.group("rel") or m.group("rel2") or "").lower()
    shift = {"next": 1, "following": 1, "after": 1, "previous": -1, "preceding": -1,
             "before": -1}.get(rel, 0)
    unit = (m.group("unit") or m.group("unit2") or "day").lower()
    mod = _EDGE.get((m.group("edge") or "").lower())
    if unit == "day":
        return _Reading("", mod=mod, ref_days=shift)
    return _Reading(f"T{_PART_OF_DAY[unit]}", "TIME", mod=mod, ref_days=shift)


_NAMED_AFTER_WEEKDAY = re.compile(
    r"\s+(?-i:Times|Telegraph|Express|Mirror|Post|Herald|Tribune|Independent|Star|Sport|People"
    r"|Mail|Agreement|Accord|Mass|Service|School|Night\s+Live|Night\s+Football|Edition"
    r"|Magazine|Show|Review|Session)\b")


@_rule(rf"(?:(?P<rel>last|next|this|this\s+coming|this\s+past|coming|past|previous"
       rf"|early|late|earlier|later)\s+)?(?P<wd>{_WEEKDAY})(?P<plural>s)?(?![\w-]|['’](?!s\b))"
       r"(?:\s+(?P<pod>morning|afternoon|evening|night)(?P<podplural>s)?\b)?", "weekday")
def _weekday(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """"Friday", "last Friday", "next Tuesday", "Sunday night"; not "the Sunday Times"."""
    weekday = _WEEKDAYS[m.group("wd")[:2].lower()]
    rel = _relation(m.group("rel"))
    pod = (m.group("pod") or "").lower()
    if m.group("plural") or m.group("podplural"):
        return _Reading(f"XXXX-WXX-{weekday + 1}" + (f"T{_PART_OF_DAY[pod]}" if pod else ""),
                        "SET")
    if _NAMED_AFTER_WEEKDAY.match(ctx.text, m.end()):
        return None  # the Sunday Times, Good Friday Agreement, Sunday Mass
    mod = None
    if rel in ("early", "late", "earlier", "later"):
        mod, rel = _EDGE[rel], None
    day = _weekday_date(ctx, weekday, m.start(), m.end(), rel)
    if day is None:
        return _Reading(None, "TIME" if pod else "DATE", mod)
    if pod:
        return _Reading(f"{_fmt_day(day)}T{_PART_OF_DAY[pod]}", "TIME", mod)
    return _Reading(_fmt_day(day), mod=mod)


@_rule(r"the\s+weekend\b(?!\s+(?:of|before|after)\b)", "period")
def _the_weekend(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """"the weekend": the one just gone in a past-tense sentence, else the coming one."""
    if ctx.anchor is None:
        return _Reading(None)
    a = ctx.anchor
    if a.weekday() < 5 and ctx.tense(m.start(), m.end()) != "future":
        return _Reading(_fmt_week(a - timedelta(weeks=1)) + "-WE")
    return _Reading(_fmt_week(a) + "-WE")


@_rule(rf"{_EDGE_RE}(?P<rel>this\s+past|this\s+coming|the\s+past|the\s+previous|the\s+coming"
       r"|the\s+current|the\s+following|the\s+last|the\s+next|the\s+same|this|last|next|past"
       r"|previous|coming|current|that|the)\s+(?P<unit>week|weekend|month|year|decade|fortnight)\b"
       r"(?P<tail>\s+or\s+so)?(?![-–]\w)", "period")
def _relative_unit(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """"last week" → 2025-W44, "earlier this month" → 2025-11, "next year", "this weekend"."""
    rel = _relation(m.group("rel")) or ""
    unit = m.group("unit").lower()
    mod = "APPROX" if m.group("tail") else _mod(m)
    if rel in ("that", "the same", "the following"):
        return None  # anaphoric: "that year" needs the story's own reference time
    if rel == "the":
        if unit not in ("year", "week") or m.group("edge") or re.match(
                r"\s+of\b", ctx.text[m.end():m.end() + 4]):
            return None  # "the decade" is anaphoric, "the year of the rat" is no year
        if re.match(r"\s+end(?:ed|ing)\b", ctx.text[m.end():m.end() + 8], re.IGNORECASE):
            return _Reading(_duration(1, unit), "DURATION")  # "the year ended March 31"
    if ctx.anchor is None:
        return _Reading(None, mod=mod)
    a = ctx.anchor
    shift = 0
    if rel in ("last", "past", "previous", "this past", "the past", "the previous",
               "the last"):
        shift = -1
    elif rel in ("next", "coming", "this coming", "the coming", "the next"):
        shift = 1
    if unit in ("week", "weekend", "fortnight"):
        day = a + timedelta(weeks=shift)
        return _Reading(_fmt_week(day) + ("-WE" if unit == "weekend" else ""), mod=mod)
    if unit == "month":
        return _Reading(_fmt_month(*_add_months(a.year, a.month, shift)), mod=mod)
    if unit == "decade":
        if rel.startswith("the ") and shift:
            return _Reading("P10Y", "DURATION", mod)
        return _Reading(str(a.year // 10 + shift), mod=mod)
    return _Reading(str(a.year + shift), mod=mod)


@_rule(r"(?:the\s+)?(?P<edge>end|beginning|start|middle)\s+of\s+(?P<which>the|this|last|next)"
       r"\s+(?P<unit>week|month|year|decade)\b"
       r"|(?P<yearend>year[- ]end|year['’]s\s+end|the\s+end\s+of\s+the\s+year)\b", "period")
def _edge_of_unit(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """"the end of the month", "the beginning of next year", "year-end"."""
    if ctx.anchor is None:
        return _Reading(None, mod="END" if m.group("yearend") else None)
    a = ctx.anchor
    if m.group("yearend"):
        return _Reading(str(a.year), mod="END")
    shift = {"last": -1, "next": 1}.get(m.group("which").lower(), 0)
    unit = m.group("unit").lower()
    mod = _EDGE[m.group("edge").lower()]
    if unit == "week":
        return _Reading(_fmt_week(a + timedelta(weeks=shift)), mod=mod)
    if unit == "month":
        return _Reading(_fmt_month(*_add_months(a.year, a.month, shift)), mod=mod)
    if unit == "decade":
        return _Reading(str(a.year // 10 + shift), mod=mod)
    return _Reading(str(a.year + shift), mod=mod)


@_rule(rf"{_MOD}(?P<num>{_NUM}|{_VAGUE})[\s-]+(?P<unit>{_UNIT})\s+"
       r"(?P<dir>ago|earlier|later|before|after|from\s+now|hence|back)\b"
       r"|(?:the\s+(?:comparable\s+|same\s+)?)?(?P<unit2>year|month|week|day)[- ]"
       r"(?P<dir2>earlier|ago)\b(?P<period>\s+(?:quarter|period))?", *_UNIT_KINDS)
def _offset(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """"two weeks ago" → 2025-W43, "a year earlier" → 2024, "three days later"."""
    if m.group("unit2"):
        n: float | None = 1.0
        unit, direction = m.group("unit2").lower(), -1
    else:
        direction = -1 if m.group("dir").lower() in ("ago", "earlier", "before", "back") else 1
        if m.group("dir").lower() in ("before", "after") and not re.match(
                r"\s*[,.;)]", ctx.text[m.end():m.end() + 2]):
            return None  # "two days before the vote": relative to an event, not the dateline
        n = _number(m.group("num"))
        unit = _unit_key(m.group("unit"))
        if m.group("dir").lower() in ("earlier", "later", "before", "after") and unit in (
                "second", "minute", "hour", "day", "week"):
            # "three days later" counts from the story's last event, not the dateline
            return _Reading(_duration(n, unit), "DURATION", _mod(m))
    mod = _mod(m)
    if n is None:
        return _Reading("PAST_REF" if direction < 0 else "FUTURE_REF", mod=mod)
    if ctx.anchor is None:
        return _Reading(None, mod=mod)
    a = ctx.anchor
    count = int(n) if n == int(n) else n
    if isinstance(count, float):
        return _Reading(_duration(n, unit), "DURATION", mod)
    step = direction * count
    if unit in ("second", "minute", "hour"):
        if ctx.anchor_time is None or unit != "hour":
            return _Reading(_fmt_day(a), mod=mod)
        moment = ctx.anchor_time + timedelta(hours=step)
        return _Reading(f"{moment:%Y-%m-%dT%H}", "TIME", mod)
    if unit == "day":
        return _Reading(_fmt_day(a + timedelta(days=step)), mod=mod)
    if unit in ("week", "fortnight"):
        weeks = step * (2 if unit == "fortnight" else 1)
        return _Reading(_fmt_week(a + timedelta(weeks=weeks)), mod=mod)
    if unit in ("month", "quarter"):
        months = step * (3 if unit == "quarter" else 1)
        y, mo = _add_months(a.year, a.month, months)
        if unit == "quarter":
            return _Reading(f"{y}-Q{(mo - 1) // 3 + 1}", mod=mod)
        return _Reading(_fmt_month(y, mo), mod=mod)
    if unit == "year":
        return _Reading(str(a.year + step), mod=mod, year_back=step == -1)
    if unit == "decade":
        return _Reading(str((a.year + 10 * step) // 10), mod=mod)
    return _Reading(f"{(a.year + 100 * step) // 100:02d}", mod=mod)


@_rule(r"(?P<word>now|right\s+now|currently|presently|nowadays|these\s+days|the\s+present"
       r"|current)\b(?![-–]\w)"
       r"|(?P<past>recently|more\s+recently|lately|the\s+past"
       r"|recent\s+(?:years|months|weeks|days|decades|times))\b"
       r"|(?P<future>the\s+near\s+future|the\s+future|future\s+(?:years|quarters|periods"
       r"|months|dates?)|the\s+coming\s+(?:years|months|weeks|days|decades)|the\s+near\s+term"
       r"|a\s+later\s+date|the\s+(?:years|months|weeks|days)\s+ahead)\b", "ref", "unit")
def _reference(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """"now" → PRESENT_REF, "recently" → PAST_REF, "the future" → FUTURE_REF."""
    if m.group("past"):
        return _Reading("PAST_REF")
    if m.group("future"):
        return _Reading("FUTURE_REF")
    word = m.group("word").lower()
    if word == "current" and re.match(
            r"\s+(?:account|affairs|events|law|rules|president|chair|chief|leader|members?"
            r"|owner|holders?|head|form|state|system|situation|crisis|government)\b",
            ctx.text[m.end():m.end() + 12], re.IGNORECASE):
        return None  # "the current account" is not a time
    return _Reading("PRESENT_REF")


@_rule(rf"(?P<holiday>New\s+Year['’]s\s+(?:Day|Eve)|Valentine['’]s\s+Day|Halloween"
       r"|Christmas(?:\s+(?:Eve|Day))?|Boxing\s+Day|Thanksgiving(?:\s+Day)?|Easter(?:\s+Sunday)?"
       rf"|Good\s+Friday|Easter\s+Monday|Labou?r\s+Day|Memorial\s+Day|Black\s+Friday"
       rf"|Cyber\s+Monday)"
       rf"\b(?:,?\s+(?P<year>{_YEAR}))?", "holiday", "weekday", "period")
def _holiday(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """Fixed and computed holidays: "Christmas Eve", "Thanksgiving", "Easter 2024"."""
    if not m.group("holiday")[0].isupper():
        return None
    name = re.sub(r"\s+", " ", m.group("holiday").lower()).replace("’", "'")
    year = int(m.group("year")) if m.group("year") else None
    fixed = _HOLIDAYS.get(name)

    def on(y: int) -> date:
        if fixed:
            return date(y, *fixed)
        if name.startswith("thanksgiving"):
            return _nth_weekday(y, 11, 3, 4)
        if name in ("black friday", "cyber monday"):
            return _nth_weekday(y, 11, 3, 4) + timedelta(days=1 if name[0] == "b" else 4)
        if name.startswith("labo"):
            return _nth_weekday(y, 9, 0, 1)
        if name == "memorial day":
            return _nth_weekday(y, 5, 0, -1)
        shift = {"good friday": -2, "easter monday": 1}.get(name, 0)
        return _easter(y) + timedelta(days=shift)

    if year is None:
        if ctx.anchor is None:
            return _Reading(None)
        guess = on(ctx.anchor.year)
        year = _year_for(ctx, guess.month, guess.day, m.start(), m.end()) or ctx.anchor.year
    return _Reading(_fmt_day(on(year)))


@_rule(rf"(?:every|each)\s+(?:other\s+)?(?P<unit>{_UNIT}|weekend|morning|afternoon|evening"
       rf"|night)\b|(?:every|each)\s+(?P<wd>{_WEEKDAY})|(?:every|each)\s+(?P<mon>{_MONTH_FULL})"
       r"|(?P<adv>daily|weekly|monthly|yearly|hourly|nightly|biweekly)\b"
       rf"|(?:once|twice|(?:{_NUM_WORD}|\d+)\s+times)\s+(?:a|an|per|each|every)\s+"
       r"(?P<unit2>second|minute|hour|day|week|month|quarter|year|decade)\b", "every", "setadv")
def _set(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """Recurrences: "every week" → P1W, "daily" → P1D, "each Thursday" → XXXX-WXX-4."""
    if m.group("wd"):
        return _Reading(f"XXXX-WXX-{_WEEKDAYS[m.group('wd')[:2].lower()] + 1}", "SET")
    if m.group("mon"):
        return _Reading(f"XXXX-{_MONTHS[m.group('mon')[:3].lower()]:02d}", "SET")
    if m.group("adv"):
        adv = m.group("adv").lower()
        if re.match(r"\s+(?:newspaper|paper|magazine|journal|news|show|mail|express|telegraph"
                    r"|star|record|post|beast)\b", ctx.text[m.end():m.end() + 14], re.IGNORECASE):
            return None  # a publication, not a recurrence
        unit = {"daily": "day", "nightly": "day", "weekly": "week", "biweekly": "fortnight",
                "monthly": "month", "hourly": "hour"}.get(adv, "year")
        return _Reading(_duration(1, unit), "SET")
    unit = (m.group("unit") or m.group("unit2")).lower()
    if unit in _PART_OF_DAY:
        return _Reading(f"XXXX-XX-XXT{_PART_OF_DAY[unit]}", "SET")
    if unit == "weekend":
        return _Reading("XXXX-WXX-WE", "SET")
    return _Reading(_duration(1, unit), "SET")


@_rule(r"(?P<per>an?|per)\s+(?P<unit>day|week|month|year|hour)\b"
       r"(?!\s+(?:ago|earlier|later|before|after|and|or|from)\b)", "period", "day", "unit")
def _rate(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """"$5 a year", "per hour": a rate recurs (SET); "a year" alone is a duration."""
    if m.group("per").lower() != "per" and not _BEFORE_RATE.search(
            ctx.text, max(0, m.start() - 14), m.start()):
        return None
    return _Reading(_duration(1, m.group("unit")), "SET")


_BEFORE_RATE = re.compile(r"(?:\d|%|million|billion|trillion|thousand|hundred|dollars?|cents?"
                          r"|pounds?|euros?|times|once|twice)\s*$", re.IGNORECASE)


@_rule(rf"{_MOD}(?:the\s+(?P<rel>past|last|next|first|previous|coming|following|final"
       r"|remaining|latest|same|full|entire|whole|initial|prior)\s+)?"
       rf"(?P<num>{_NUM}|{_VAGUE})[\s-]+(?:more\s+|additional\s+|full\s+|straight\s+"
       rf"|consecutive\s+|trading\s+|business\s+|working\s+)?(?P<unit>{_UNIT})(?![\w-])"
       r"(?P<tail>\s+or\s+so|\s+and\s+a\s+half)?"
       rf"|{_MOD.replace('qmod', 'qmod2')}(?P<num2>\d+|{_NUM_WORD})-"
       r"(?P<unit2>second|minute|hour|day|week|month|year"
       r"|decade)(?![\w-])"
       r"|(?P<half>half\s+an?|a\s+half)\s+(?P<unit3>hour|day|year|century|decade|month)\b"
       r"|(?:(?<=\bfor\s)|(?<=\bover\s)|(?<=\bwithin\s)|(?<=\bin\s))"
       r"(?P<plural>years|months|weeks|days|decades|hours|minutes)"
       r"(?!\s+(?:ago|earlier|later|to\s+come|of)\b)", *_UNIT_KINDS)
def _duration_rule(m: re.Match[str], ctx: _Context) -> _Reading | None:
    """"three years" → P3Y, "the past two months" → P2M, "a few days" → PXD, "16-hour" →
    PT16H; ages ("44-year-old") are not durations in TimeML."""
    if re.match(r"-old\b|\s+old\b", ctx.text[m.end():m.end() + 5]):
        return None
    unit_text = m.group("unit") or m.group("unit2") or m.group("unit3") or m.group("plural")
    if unit_text[0].isupper() or re.search(r"-quarters?$", m.group(0), re.IGNORECASE):
        return None  # "60 Minutes" (a title), "three-quarters" (a fraction)
    if m.group("plural"):
        return _Reading(_duration(None, m.group("plural")), "DURATION")
    if m.group("half"):
        return _Reading(_duration(0.5, m.group("unit3")), "DURATION")
    num = m.group("num") or m.group("num2")
    unit = _unit_key(m.group("unit") or m.group("unit2"))
    if unit in ("second", "quarter") and re.fullmatch(r"an?", num, re.IGNORECASE):
        return None  # "a second round", "a quarter of the vote"
    n = _number(num)
    mod = _mod(m)
    tail = (m.group("tail") or "").lower()
    if "or so" in tail or num.lower().startswith(("a couple", "couple")):
        mod = "APPROX"
    elif tail:
        n = (n or 0) + 0.5
    if n is not None and n > 1000:
        return None
    return _Reading(_duration(n, unit), "DURATION", mod)


# --------------------------------------------------------------------------------------------

def find_timexes(text: str, anchor: datetime | date | None) -> list[Timex]:
    """Every temporal expression in `text`, normalised against `anchor` (the dateline).

    Overlapping matches are settled leftmost-longest, as HeidelTime does; a rule that
    matched but whose resolver rejected the text ("may" the verb) leaves room for others.

    Args:
        text: the text, e.g. `Article.text`; spans index into it.
        anchor: the dateline; relative expressions ("last week") get `value=None` without it.

    Returns:
        The expressions in text order, durations and sets included.
    """
    anchor_time = anchor if isinstance(anchor, datetime) else None
    anchor_day = anchor.date() if isinstance(anchor, datetime) else anchor
    ctx = _Context(text, anchor_day, anchor_time)
    triggers = _triggers(text)
    found: list[tuple[int, int, int, _Reading]] = []
    windows: dict[frozenset[str], list[tuple[int, int]]] = {}  # rules that share needs share
    for index, rule in enumerate(_RULES):
        if rule.needs not in windows:
            spans = [span for kind in rule.needs for span in triggers.get(kind, ())]
            windows[rule.needs] = _windows(spans, len(text))
        for lo, hi in windows[rule.needs]:
            for m in rule.pattern.finditer(text, lo, hi):
                reading = rule.resolve(m, ctx)
                if reading is not None:
                    found.append((m.start(), m.end(), index, reading))
    found.sort(key=lambda f: (f[0] - f[1], f[2], f[0]))
    taken: list[tuple[int, int, int, _Reading]] = []
    occupied = bytearray(len(text))  # characters already inside a kept expression
    for cand in found:
        if occupied.find(1, cand[0], cand[1]) == -1:  # longest first, no overlaps
            taken.append(cand)
            occupied[cand[0] : cand[1]] = b"\x01" * (cand[1] - cand[0])
    taken.sort()
    readings = [(*_trim(text, start, end), reading) for start, end, _, reading in taken]
    values = _resolve_references(ctx, readings)
    return [
        Timex(Span(start, end), text[start:end], value, reading.type, reading.mod)
        for (start, end, reading), value in zip(readings, values, strict=True)
    ]


def _resolve_references(ctx: _Context, readings: list[tuple[int, int, _Reading]]
                        ) -> list[str | None]:
    """Values of expressions that lean on others: "the next day" on the last date mentioned,
    "a year earlier" on the quarter (or half) its sentence compares."""
    values: list[str | None] = []
    last_day: date | None = None  # "that day" with no day mentioned before it stays open
    starts = [start for start, _end, _reading in readings]  # in text order
    for start, _end, reading in readings:
        value = reading.value
        if reading.ref_days is not None:
            day = last_day + timedelta(days=reading.ref_days) if last_day else None
            value = _fmt_day(day) + (reading.value or "") if day else None
        elif reading.year_back:
            # the period this sentence compares, else the one the sentence before it was about
            sentence = ctx.sentence(start)
            before = ctx.sentence(max(0, sentence[0] - 1)) if sentence[0] else sentence
            near = readings[bisect_left(starts, before[0]) : bisect_left(starts, sentence[1])]
            periods = [
                (not sentence[0] <= s < sentence[1], abs(s - start), r.value)
                for s, _e, r in near
                if r.value and _PERIOD.fullmatch(r.value)
            ]
            if periods:
                period = min(periods)[2]
                value = f"{int(period[:4]) - 1}{period[4:]}"
        if value and _DAY_VALUE.fullmatch(value):
            last_day = date.fromisoformat(value)
        values.append(value)
    return values


_PERIOD = re.compile(r"\d{4}-[QH]\d")
_DAY_VALUE = re.compile(r"\d{4}-\d\d-\d\d")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim the spaces and commas that optional parts of a pattern may take along."""
    while end > start and text[end - 1] in " ,;:\t\n":
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end
