"""Find and parse the dateline of a news page: "Nov 06, 2025 10:27 am", "Updated 3:45 PM EST, ...".

Datelines are found with our own regular expressions, not by handing every line to
`dateparser`: it is slow (milliseconds a call, and a page has hundreds of lines), it misses
common page forms ("Updated 3:45 PM EST, Tue November 19, 2019", "Nov 20 20194:29 AM EST" where
a renderer glued the year to the time) and it reads junk such as "5 Min Read" as a date. A date
is recognised by its core (a month name with day and year, in English or in the other languages
of European and Latin American news: "1. Februar 2022", "7 de mayo de 2022"; a numeric date,
day first or month first as the page's convention says; or ISO 8601); a time
and a time zone are then looked for right after the core, or right before it ("Published 7:07
PM EST Nov 19, 2019"). `dateparser` is only the last resort of `parse_dateline` for forms the
patterns do not know, and only on short texts that name a month or a relative day.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

logger = logging.getLogger(__name__)

# Month names as news pages write them, in English and in the other languages of European
# and Latin American news (German, French, Spanish, Italian, Portuguese, Dutch), with their
# common abbreviations. Each name maps to its month; the regex below tries longer names first.
_MONTH_NAMES = {
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    # German (Austrian "Jänner")
    "januar": 1, "jänner": 1, "jän": 1, "februar": 2, "märz": 3, "maerz": 3, "mär": 3,
    "mai": 5, "juni": 6, "juli": 7, "oktober": 10, "okt": 10, "dezember": 12, "dez": 12,
    # French
    "janvier": 1, "février": 2, "fevrier": 2, "févr": 2, "mars": 3, "avril": 4, "juin": 6,
    "juillet": 7, "juil": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10,
    "novembre": 11, "décembre": 12, "decembre": 12, "déc": 12,
    # Spanish
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12, "ene": 1, "abr": 4, "ago": 8, "dic": 12,
    # Italian
    "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
    "settembre": 9, "ottobre": 10, "dicembre": 12,
    # Portuguese
    "janeiro": 1, "fevereiro": 2, "março": 3, "maio": 5, "junho": 6, "julho": 7,
    "setembro": 9, "outubro": 10, "novembro": 11, "dezembro": 12,
    # Dutch
    "januari": 1, "februari": 2, "maart": 3, "mei": 5, "augustus": 8,
}  # fmt: skip
_MONTH_ALTERNATION = "|".join(sorted(map(re.escape, _MONTH_NAMES), key=len, reverse=True))
# A month name ends where the word ends: "mar" is not the start of "market".
_MONTH = rf"(?P<month>(?:{_MONTH_ALTERNATION}))(?!\w)"
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|rsday|urday|sday)?"
# Years outside this range are page furniture (prices, phone numbers), not datelines.
_MIN_YEAR, _MAX_YEAR = 1990, 2100
# A year may be glued to the time that follows it ("Nov 20 20194:29 AM"): w3m drops the
# space between two inline elements, so the year ends where a time starts.
_YEAR = r"(?P<year>(?:19|20)\d\d)(?=\d{1,2}:\d\d|\D|$)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"

_CORES = (
    # 2019-11-19, 2019-11-19T10:00:00Z, 2019-11-19 10:00:00+01:00
    re.compile(
        r"(?<!\d)(?P<year>(?:19|20)\d\d)-(?P<mon>[01]?\d)-(?P<day>[0-3]?\d)"
        r"(?:[T ](?P<hour>[0-2]\d):(?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d)(?:\.\d+)?)?"
        r"(?P<tz>Z|[+-][01]\d:?\d\d)?)?(?![\d-])",
        re.IGNORECASE,
    ),
    # Tue November 19, 2019 / Nov. 19 2019 / Nov 06, 2025
    re.compile(rf"(?:\b{_WEEKDAY}\.?,?\s+)?\b{_MONTH}\.?\s+{_DAY},?\s+{_YEAR}", re.IGNORECASE),
    # Tuesday 19 November 2019 / 19 Nov 2019 / 25. September 2018 / 19th of November, 2019
    re.compile(
        rf"(?:\b{_WEEKDAY}\.?,?\s+)?(?<!\d){_DAY}\.?\s+(?:(?:of|de)\s+)?{_MONTH}\.?,?\s+"
        rf"(?:(?:de|del)\s+)?{_YEAR}",
        re.IGNORECASE,
    ),
    # 2019/11/19
    re.compile(r"(?<![\d/.])(?P<year>(?:19|20)\d\d)/(?P<mon>[01]?\d)/(?P<day>[0-3]?\d)(?![\d/])"),
    # 11/19/2019, 19.11.2019 (which of day and month comes first is settled in _date_of)
    re.compile(
        r"(?<![\d/.])(?P<a>[0-3]?\d)(?P<sep>[/.])(?P<b>[0-3]?\d)(?P=sep)(?P<year>(?:19|20)\d\d)(?![\d/])"
    ),
    # 4. 2. 2022 (German, day first, spaced)
    re.compile(r"(?<![\d/.])(?P<a>[0-3]?\d)(?P<sep>\.)\s(?P<b>[01]?\d)\.\s?(?P<year>(?:19|20)\d\d)(?![\d/])"),
    # 06.11.23 (day first, two-digit year)
    re.compile(r"(?<![\d/.])(?P<a>[0-3]?\d)(?P<sep>\.)(?P<b>[01]?\d)\.(?P<yy>\d\d)(?![\d.])"),
)

_AMPM = r"(?P<ampm>[ap]\.?\s?m\b\.?)"
_TZ = (
    r"(?P<tzname>\b(?-i:ET|EST|EDT|CT|CST|CDT|MT|MST|MDT|PT|PST|PDT|AKST|AKDT|HST|GMT|UTC|BST|IST"
    r"|CET|CEST|EET|EEST|WET|WEST|MSK|JST|KST|HKT|SGT|AEST|AEDT|AWST|NZST|NZDT|WAT)"
    # a zone may be glued to the next word by the renderer: "4:29 AM ESTUpdated an hour ago"
    r"(?-i:(?![a-z]|[A-Z](?![a-z])))"
    r"(?:\s*(?P<tzsign2>[+-])(?P<tzh2>\d{1,2}):?(?P<tzm2>\d\d)?)?"
    r"|(?P<tzsign>[+-])(?P<tzh>[01]\d):?(?P<tzm>\d\d)\b)"
)
# 10:27 am / 8:22AM EST / 10.02 GMT / 21:17 / 4 pm / 1909 GMT (CNN's military time)
_TIME = (
    r"(?:(?P<hour>[0-2]?\d)[:.](?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d))?\s*" + _AMPM + "?"
    r"|(?P<hour2>[01]?\d)\s*(?P<ampm2>[ap]\.?\s?m\b\.?)"
    r"|(?P<hour3>[0-2]\d)(?P<minute3>[0-5]\d)(?=\s+(?:GMT|UTC)\b))"
    r"(?:\s*" + _TZ + ")?"
)
_SEP = r"[\s,|/@•·–—-]*"
_TIME_AFTER = re.compile(rf"^{_SEP}(?:at\s+|um\s+|às\s+)?(?<![\d:.]){_TIME}", re.IGNORECASE)
_TIME_BEFORE = re.compile(
    rf"(?<![\d:.]){_TIME}(?:\s*\([^)]{{0,12}}\))?{_SEP}(?:{_WEEKDAY}\.?,?\s*)?$", re.IGNORECASE
)
_TIME_ONLY = re.compile(rf"^\s*{_TIME}\s*$", re.IGNORECASE)
# How far around a date core a time may sit: "Updated 1909 GMT (0309 HKT) November 18, 2019".
_TIME_WINDOW = 32
_RELATIVE = re.compile(
    r"\b(?P<n>\d+|an?|one)\s+(?P<unit>sec|second|min|minute|hr|hour|day|week)s?\s+ago\b",
    re.IGNORECASE,
)
_UNIT_SECONDS = {"sec": 1, "second": 1, "min": 60, "minute": 60, "hr": 3600, "hour": 3600,
                 "day": 86400, "week": 604800}  # fmt: skip
# A dateline is a short line; a longer one with a date is a sentence or a caption
# ("... on Capitol Hill in Washington, DC on November 19, 2019").
_MAX_DATELINE_WORDS = 16
# dateparser resolves what is missing (a year, a relative day) against now, which would make
# ingest depend on the day it runs: without `relative_to` it only sees texts with a year.
# (`dateparser` is asked in English only, so only English month names send a text there.)
_ANY_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
              r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_FALLBACK_HINT = re.compile(rf"\b{_ANY_MONTH}\b(?=.*\b(?:19|20)\d\d\b)", re.IGNORECASE)
_RELATIVE_HINT = re.compile(rf"\b{_ANY_MONTH}\b|\bago\b|\byesterday\b|\btoday\b", re.IGNORECASE)

# Fixed offsets for zone abbreviations that name one offset; the US "ET/CT/MT/PT" follow
# daylight saving, so they resolve through the tz database on the date they qualify. "IST" is
# read as India Standard Time, the most common on English-language news pages.
_FIXED_ZONES = {
    "GMT": 0, "UTC": 0, "Z": 0, "WET": 0, "BST": 60, "CET": 60, "WAT": 60, "WEST": 60,
    "CEST": 120, "EET": 120, "EEST": 180, "MSK": 180, "IST": 330, "HKT": 480, "SGT": 480,
    "AWST": 480, "JST": 540, "KST": 540, "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780,
    "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360,
    "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600,
}  # fmt: skip
_DST_ZONES = {
    "ET": ("America/New_York", -300),
    "CT": ("America/Chicago", -360),
    "MT": ("America/Denver", -420),
    "PT": ("America/Los_Angeles", -480),
}


def parse_dateline(
    text: str, *, relative_to: datetime | None = None, day_first: bool | None = None
) -> datetime | None:
    """Parse the first date (with its time and zone, if stated) in `text`.

    Args:
        text: a dateline as written ("Updated 3:45 PM EST, Tue November 19, 2019").
        relative_to: the moment relative datelines ("2 hours ago") count back from; without
            it they are not parsed.
        day_first: how to read a numeric date whose order its numbers leave open ("03/05/2022"):
            True for day first (most of the world), False for month first (the US); None reads
            slashes month first and dots day first.

    Returns:
        A datetime, timezone-aware when the text states a zone; None when `text` holds no
        date. Never raises.
    """
    try:
        found = _first_date(text, day_first)
        if found is not None:
            return found[2]
        if relative_to is not None and (m := _RELATIVE.search(text)):
            count = 1 if m["n"].lower() in {"a", "an", "one"} else int(m["n"])
            return relative_to - timedelta(seconds=count * _UNIT_SECONDS[m["unit"].lower()])
        hint = _RELATIVE_HINT if relative_to is not None else _FALLBACK_HINT
        if len(text) <= 80 and hint.search(text):
            return _dateparser_fallback(text, relative_to)
    except (ValueError, OverflowError) as exc:  # e.g. "Feb 30, 2019": a date-like non-date
        logger.debug("not a dateline: %r (%s)", text[:80], exc)
    return None


def find_dateline(
    lines: Sequence[str], *, day_first: bool | None = None
) -> tuple[int, str, datetime] | None:
    """Find the first dateline among `lines`.

    A dateline is a short line holding a date. When its time sits alone on the next line (the
    seed writes "Nov 06, 2025" then "10:27 am"), the two are joined with a space.

    Returns:
        (index of the line, the dateline as written, its datetime), or None.
    """
    for i, line in enumerate(lines):
        if not any(ch.isdigit() for ch in line) or len(line.split()) > _MAX_DATELINE_WORDS:
            continue
        try:
            found = _first_date(line, day_first)
            if found is None:
                continue
            start, end, when = found
            written = line[start:end].strip()
            if (when.hour, when.minute) == (0, 0) and i + 1 < len(lines):
                nxt = lines[i + 1].strip()
                if _TIME_ONLY.match(nxt) and (joined := _first_date(f"{written} {nxt}", day_first)):
                    return i, f"{written} {nxt}", joined[2]
        except (ValueError, OverflowError) as exc:
            logger.debug("not a dateline: %r (%s)", line[:80], exc)
            continue
        return i, written, when
    return None


def _first_date(text: str, day_first: bool | None = None) -> tuple[int, int, datetime] | None:
    """The earliest date core in `text` with its time and zone: (start, end, datetime)."""
    earliest: tuple[re.Match[str], tuple[int, int, int]] | None = None
    for pattern in _CORES:
        for m in pattern.finditer(text):
            if earliest is not None and m.start() >= earliest[0].start():
                break
            if (day := _date_of(m, day_first)) is not None:
                earliest = m, day
                break
    return None if earliest is None else _with_time(text, *earliest)


def _date_of(m: re.Match[str], day_first: bool | None = None) -> tuple[int, int, int] | None:
    """(year, month, day) of a core match, or None when it is not a real calendar date."""
    groups = m.groupdict()
    if groups.get("yy"):  # a two-digit year: 70-99 are the 1900s
        year = int(groups["yy"]) + (1900 if int(groups["yy"]) >= 70 else 2000)
    else:
        year = int(groups["year"])
    if groups.get("month"):
        month = _MONTH_NAMES[groups["month"].lower()]
        day = int(groups["day"])
    elif groups.get("mon"):
        month, day = int(groups["mon"]), int(groups["day"])
    else:
        a, b = int(groups["a"]), int(groups["b"])
        # A value above 12 settles the order; otherwise dots read day first ("18.11.2019"),
        # and slashes as the page's convention says, month first (US pages) if it says none.
        if groups["sep"] == ".":
            day_first = True
        if a > 12 or (b <= 12 and day_first):
            day, month = a, b
        else:
            month, day = a, b
    if not (_MIN_YEAR <= year <= _MAX_YEAR and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    try:
        datetime(year, month, day)
    except ValueError:
        return None
    return year, month, day


def _with_time(text: str, m: re.Match[str], day: tuple[int, int, int]) -> tuple[int, int, datetime]:
    """Attach the time and zone stated inside, after or before the date core."""
    start, end = m.span()
    groups = m.groupdict()
    if groups.get("hour"):  # ISO 8601 carries its own time and zone
        when = datetime(
            *day, int(groups["hour"]), int(groups["minute"]), int(groups["second"] or 0)
        )
        return start, end, _localize(when, groups.get("tz"), None)
    after = _TIME_AFTER.match(text[end : end + _TIME_WINDOW])
    if after and (hm := _hour_minute(after)) is not None:
        return start, end + after.end(), _localize(datetime(*day, *hm), None, after)
    window_start = max(0, start - _TIME_WINDOW)
    before = _TIME_BEFORE.search(text[window_start:start])
    if before and (hm := _hour_minute(before)) is not None:
        return window_start + before.start(), end, _localize(datetime(*day, *hm), None, before)
    return start, end, datetime(*day)


def _hour_minute(m: re.Match[str]) -> tuple[int, int] | None:
    """Hour and minute of a time match in 24-hour form, or None if out of range."""
    g = m.groupdict()
    if g["hour"] is not None:
        hour, minute, ampm = int(g["hour"]), int(g["minute"]), g["ampm"]
    elif g["hour2"] is not None:
        hour, minute, ampm = int(g["hour2"]), 0, g["ampm2"]
    else:
        hour, minute, ampm = int(g["hour3"]), int(g["minute3"]), None
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm[0].lower() == "p" else 0)
    if hour > 23:
        return None
    return hour, minute


def _localize(when: datetime, iso_tz: str | None, m: re.Match[str] | None) -> datetime:
    """Attach the zone the text states (ISO suffix, abbreviation or numeric offset), if any."""
    if iso_tz:
        return when.replace(tzinfo=_offset_zone(iso_tz))
    if m is None:
        return when
    g = m.groupdict()
    if g.get("tzsign"):  # a numeric offset: "-0600" (the tzname group spans it too)
        return when.replace(tzinfo=_offset_zone(f"{g['tzsign']}{g['tzh']}{g['tzm']}"))
    if g.get("tzname"):
        name = g["tzname"].upper()
        if g.get("tzsign2"):  # "GMT+1", "UTC-05:00": the offset is what counts
            return when.replace(
                tzinfo=_offset_zone(f"{g['tzsign2']}{int(g['tzh2']):02d}{g['tzm2'] or '00'}")
            )
        return when.replace(tzinfo=_named_zone(name))
    return when


def _offset_zone(text: str) -> tzinfo:
    """'Z', '+0100', '-05:00' as a fixed zone."""
    if text.upper() == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))


@lru_cache(maxsize=64)
def _named_zone(name: str) -> tzinfo:
    """A zone abbreviation as a tzinfo; DST-following US zones come from the tz database."""
    if name in _DST_ZONES:
        key, standard = _DST_ZONES[name]
        try:
            return ZoneInfo(key)
        except ZoneInfoNotFoundError:  # no tz database installed: standard time is the best guess
            return timezone(timedelta(minutes=standard), name)
    return timezone(timedelta(minutes=_FIXED_ZONES[name]), name)


def _dateparser_fallback(text: str, relative_to: datetime | None) -> datetime | None:
    """Ask `dateparser` about a short text the patterns do not know; English only, offline."""
    import dateparser  # slow to import, and only needed for forms the patterns miss

    settings: dict[str, object] = {"PREFER_DATES_FROM": "past", "STRICT_PARSING": False}
    if relative_to is not None:
        settings["RELATIVE_BASE"] = relative_to
    try:
        return dateparser.parse(text, languages=["en"], settings=settings)
    except Exception as exc:  # noqa: BLE001  (it raises assorted errors on odd input; junk is not a date)
        logger.debug("dateparser gave up on %r (%s)", text[:80], exc)
        return None
