"""Read a text capture of a news page: the article body, headline, dateline and byline.

A text capture is a rendered page as a reader copies it (the seed, `data/page-captures`): the
article sits among menus, share buttons, teasers of other stories, comment threads, cookie
banners and footers, and w3m has hard-wrapped its paragraphs at 100 columns. There is no markup
left, so the reader works the way jusText and boilerpipe do on HTML blocks, on lines instead:

1. Lines become *units*: w3m's wrapped lines are joined back into paragraphs (a line is
   continued when the next line's first word would not have fit in 100 columns), list markers
   (`•`, `□`, `☆`, `1.`) and image placeholders (`[photo-name]`) are noted and removed.
2. Each unit is classed by length, sentence punctuation and the density of the page's own
   function words (learned from its longer lines, so it works in any language): `good`
   paragraphs, `near` (shorter sentences), `item` (sentence-like list items), `short` and `bad`
   lines. Teaser cards, cookie banners, author bios and echoed text (alt text repeated as a
   caption, a hidden copy of the article) are `bad`; photo captions are `short`; comment-section
   and copyright lines are `end` markers.
3. The body is the densest run of text (a maximum-sum subarray over per-unit scores, where a
   paragraph standing alone between non-text counts half), searched between barriers: a long
   run of menu-like lines and the end markers. The first end marker after a substantial run
   ends the article unless a later run reads like an article rather than a comment thread.
4. The run is trimmed and extended: it starts after a byline or dateline near its top (what
   precedes is the standfirst), and takes in a list it ends by introducing ("Tour dates:").
   Inside it, short lines are kept unless they are interface text, bylines, datelines, photo
   credits or the headlines of a "Related" box; a short line followed by text is an in-body
   `heading`. Story-card pages like the seed (a 1–3-word label line, a one-line takeaway, then
   a paragraph, repeated) get `label` and `takeaway` blocks.
5. The headline is the title-like line before the body that best matches the body's words (a
   repeated line, or one with a byline or dateline under it, gets a bonus); the dateline, the
   byline and the lede label are looked for between the headline and the body.

Scored by `eval/captures.py` (token F1 against the gold bodies of `data/page-captures`).
"""

from __future__ import annotations

import html
import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from ..records import Block, BlockKind, ParsedPage
from .dateline import find_dateline

logger = logging.getLogger(__name__)

UnitClass = Literal["good", "near", "item", "short", "bad", "end"]

# w3m renders at `-cols 100`: a wrapped line plus the next line's first word exceeds 99
# columns. Measured on the 121 captures: 99.9% of in-paragraph line pairs reach >= 100.
_WRAP_COLUMNS = 100
_LIST_MARKER = re.compile(r"^(?P<marker>[•□☆○◦▪■‣●*·]|\d{1,3}[.)](?=\s)|[-–](?=\s))\s*")
# w3m writes an image as its alt text or file name in brackets, and a form field as `[   ]`.
_PLACEHOLDER = re.compile(r"\[[^\]\s]{0,80}\]|\[\s+\]")
_WORD = re.compile(r"\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# East Asian Wide and Fullwidth characters (unicodedata.east_asian_width "W"/"F"), as ranges.
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U0001f300-\U0001f64f"
    "\U0001f900-\U0001f9ff\U00020000-\U0003fffd]"
)
_CJK_PUNCT = re.compile(r"[。、，！？]")
_SENTENCE_END = re.compile(r"[.!?。！？…:][\"'”’)\]]*$")
_SENTENCE_PUNCT = re.compile(r"[.!?。！？][\"'”’)\]]*(?:\s|$)")
_SPACES = re.compile(r"\s{2,}")

# Lines after which the article does not continue: a comment section or the page footer.
_END_MARKER = re.compile(
    r"^(?:\d+\s+|no\s+)?(?:(?:top rated |recent |latest |show |view |all |post a |add a |leave a |write a "
    r"|join the )?(?:comments?|responses?|replies|reply|discussion)\b.*"
    r"|leave a reply|you must (?:be logged in|log in)\b.*|(?:©|copyright\b).*)$",
    re.IGNORECASE,
)
_COMMENT_COUNT = re.compile(r"\b\d+\s+(?:comments?|responses?|replies)\b", re.IGNORECASE)
_COMMENT_COUNT_FIRST = re.compile(r"^\d+\s+(?:comments?|responses?|replies)\b", re.IGNORECASE)
# A cookie banner: sentences, but the site's, not the article's.
_COOKIE_NOTICE = re.compile(
    r"\bcookies?\b(?=.*\b(?:use|consent|accept|privacy|brows\w*|experience|settings|policy|website"
    r"|site)\b)|\b(?:use|consent|accept|privacy|brows\w*|experience|settings|policy|website|site)\b"
    r".*\bcookies?\b",
    re.IGNORECASE,
)
# Where w3m glued a teaser card's headline to its summary: "...Student-AthleteA 24-year-old".
# The glued word's left part has three letters at least, which spares "LeBron", "McDonald".
_GLUE = re.compile(r"(?:(?<=[a-z0-9]{3})|(?<=[.!?’'\")]))(?=[A-Z][a-z]|A\s)")
# Words of the page's interface: buttons, widgets, share bars ("Share this story", "Read more").
_INTERFACE_WORDS = (
    r"(?:advert\w*|sponsored|subscribe\w*|sign (?:in|up)|log ?in|newsletters?|share\w*|tweet"
    r"|facebook|twitter|instagram|linkedin|reddit|pinterest|whatsapp|e-?mail|print|comments?"
    r"|related|read more|view all|see all|more|next|previous|photos?|images?|video|gallery|getty"
    r"|credit|click|follow|loading|summarize|menu|search|close|back to top|skip|listen|watch"
    r"|download|buy|shop)\b"
)
# A short line that starts with one is interface text ("What happens next" is a heading).
_INTERFACE = re.compile(rf"^\W*{_INTERFACE_WORDS}", re.IGNORECASE)
# A short line that holds one anywhere counts toward a run of menu lines.
_INTERFACE_ANYWHERE = re.compile(rf"\b{_INTERFACE_WORDS}", re.IGNORECASE)
# A relative time stamp, as comment threads print them.
_AGO = re.compile(
    r"\b(?:\d+|an?)\s+(?:second|minute|hour|day|week|month|year)s?\s+ago\b", re.IGNORECASE
)
# The heading of a box of links to other stories set inside an article.
_BOX_HEADING = re.compile(
    r"^\W*(?:related|read (?:more|also|next)|more (?:from|on|in|about|stories|news)|see also|also read"
    r"|also on|recommended|you (?:may|might) (?:also )?like|trending|most (?:popular|read|viewed)"
    r"|don'?t miss|top stories|latest news|editor'?s picks)\b",
    re.IGNORECASE,
)
_BOX_HEADING_WORDS = 6
# A link to another story set in the text: "Related: ...", "READ MORE: ...".
_LINK_LINE = re.compile(
    r"^\W*(?:related|read (?:more|also)|see also|also read|more)\s*:", re.IGNORECASE
)
_CREDIT = re.compile(
    r"\b(?:photo|image|picture|credit|getty|reuters|shutterstock|afp|ap photo)\b|/\s*AP\b|, AP$|©",
    re.IGNORECASE,
)
# The author's bio under an article: "Meg James is a corporate media reporter for ...".
_AUTHOR_BIO = re.compile(
    r"^[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}(?: \(@\w+\))?,? (?:is|was) (?:a|an|the)\b.{0,100}?"
    r"\b(?:reporter|writer|editor|correspondent|contributor|columnist|journalist|author|producer"
    r"|host|freelancer?)\b"
)
# A photo caption or credit: "In this photo ...", "FILE PHOTO:", "1of4 ...", "(AP Photo/...)".
_CAPTION = re.compile(
    r"^(?:\d+\s?of\s?\d+\S|FILE PHOTO:|In this .{0,60}?photo|This .{0,60}?photo\b|Photo:|Image:)"
    r"|\((?:AP|Getty|Reuters|Photo|Photograph|Image)[^)]*\)\s*$|REUTERS/|AP Photo/|/\s?Getty Images"
    r"|Getty Images$|Photograph:|\(pictured\)|Credit:|/AFP\b|AFP via Getty|/AP\s*$|Photo by\b",
    re.IGNORECASE,
)
# "By Jane Doe", "BY: Staff", "by Regan", or "By" alone with the name on the next line; not
# "By the time police arrived, ..." (the name is capitalized).
_BYLINE = re.compile(r"^(?i:by|von|por|par)\b\s*:?\s*(?P<name>(?:[^\W\d_].*)?)$")
# Where a byline's name ends: a separator, a handle, a date, "Updated", "Published", "on".
_NAME_END = re.compile(
    r"\s*(?:[|•·,;/(@–—]|\s-\s|\b(?:updated|published|posted|on)\b|\d"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d).*$",
    re.IGNORECASE,
)
# A name glued to the title after it: "Meg JamesStaff Writer" (not "DeArdo", "McDonald").
_NAME_GLUE = re.compile(r"(?<=[a-z]{3})(?=[A-Z][a-z])")

# Unit scores for the densest-run search (jusText's classes, boilerpipe's word counts): text
# adds its words, a near-sentence half of them, a list item a fifth; a short line costs one
# word and a bad line half its words plus two, so menus and teaser headlines break runs.
_SCORE_NEAR, _SCORE_ITEM, _SCORE_SHORT, _SCORE_BAD = 0.5, 0.2, -1.0, 0.5
# A good paragraph with non-text on both sides (a teaser card's summary, a photo caption)
# counts half: an article's paragraphs follow one another.
_ISOLATED = 0.5
# Class thresholds, tuned on the page captures: a good paragraph has >= 20 words, sentence
# punctuation and >= 20% function words (jusText's STOPWORDS_LOW is 0.30 for full stoplists;
# ours are the page's 40 most frequent short words); a near-sentence >= 8 words and 15%.
_GOOD_WORDS, _GOOD_STOP = 20, 0.20
_NEAR_WORDS, _NEAR_STOP = 8, 0.15
_PAGE_STOPWORDS, _STOPWORD_MAX_LEN, _STOPWORD_SOURCE_WORDS = 40, 4, 12
# A list item with >= 30 words is a paragraph that happens to sit in a list.
_ITEM_MAX_WORDS = 30
# An echo is text printed twice within a few units (alt text + caption) or a long text printed
# twice anywhere (a hidden copy of the article); list items repeated anywhere are teasers.
_ECHO_DISTANCE, _ECHO_LONG = 3, 50
# Eight menu-like lines in a row end an article (a tag list, a "more stories" box): measured
# between 6 and 12 on the captures, 8 was best.
_MENU_RUN = 8
# Three time stamps make a run a thread (an article has one dateline).
_THREAD_STAMPS = 3
# The shortest run of text that counts as an article before a comment/copyright marker ends it,
# and how much heavier a later run must be to override that: comment threads measured at most
# 3.6 times the article they follow on the captures.
_MIN_BODY_SCORE, _MIN_BODY_PARAGRAPHS, _COMMENTS_OVERRIDE = 40, 2, 5.0
# A byline or dateline among the first 15 units of the body run, after at most 60 words (or a
# fifth of the run's text) of standfirst, captions or notices, marks where the article starts.
_STANDFIRST_UNITS, _STANDFIRST_WORDS, _STANDFIRST_SHARE, _MAX_META_WORDS = 15, 60, 0.2, 16
# A numbered list goes on if its next number comes within this many lines.
_LIST_LOOKAHEAD = 3
# Without a headline, the header (dateline, byline) is looked for in this many units above the
# body; with one, the dateline may also sit this many units above the headline.
_HEADER_UNITS = 8
# The headline is looked for this many units before the body.
_TITLE_WINDOW = 30
# Story cards: a 1–3-word label, a one-line takeaway of 4 to ~15 words (headline style), a
# paragraph (PRODUCT.md: "a label (1–3 words), a takeaway (one line, at most ~12 words)").
_LABEL_MAX_WORDS, _CARD_TEXT_MIN_WORDS = 3, 20
_TAKEAWAY_MIN_WORDS, _TAKEAWAY_MAX_WORDS = 4, 15


@dataclass(slots=True)
class _Unit:
    """One paragraph, list item or line of the capture, with what the classifier found."""

    text: str
    block: int  # index of the blank-line-separated block the unit sits in
    marker: str  # list marker, "" if none
    after_image: bool  # the line before it was an image placeholder
    key: str = ""  # lowercased words, to compare units
    words: int = 0
    stop: float = 0.0  # share of the page's function words among its tokens
    cls: UnitClass = "bad"
    score: float = 0.0
    repeats: int = 0  # how many other units have the same words
    echo: bool = False
    isolated: bool = False  # a good paragraph between two non-text lines


def read_capture(text: str) -> ParsedPage:
    """Recover the article of a text capture: its body blocks, headline, dateline and byline.

    Args:
        text: the page's text as rendered (w3m-style: wrapped at 100 columns, blank lines
            between blocks).

    Returns:
        A ParsedPage. `blocks` is empty when the capture holds no article (only menus, or
        nothing); the caller reports "no article". Never raises on odd input.
    """
    units = _split_units(text)
    _classify(units)
    span = _main_region(units)
    if span is None:
        logger.info("capture: no run of article text among %d lines", len(units))
        return ParsedPage(blocks=())
    lo, hi = _skip_standfirst(units, span[0], _extend_list(units, span[1]))
    title_at = _find_title(units, lo)
    blocks = _body_blocks(units[lo : hi + 1])
    top = title_at if title_at is not None else max(0, lo - _HEADER_UNITS)
    header = [u.text for u in units[top + 1 : lo]]
    # The dateline sits between the headline and the body, or just above the headline.
    dateline = find_dateline(header) or find_dateline(
        [u.text for u in units[max(0, top - _HEADER_UNITS) : top]]
    )
    card = any(b.kind == "label" for b in blocks)
    return ParsedPage(
        blocks=tuple(blocks),
        title=units[title_at].text if title_at is not None else None,
        dateline=dateline[1] if dateline else None,
        published=dateline[2] if dateline else None,
        related=_related(units, title_at),
        lede_label=_lede_label(units, lo, title_at) if card else None,
        author=_author(header),
    )


# --- units ---------------------------------------------------------------------------------


def _width(text: str) -> int:
    """Display columns: East Asian wide characters take two, as they do in w3m."""
    return len(text) + len(_WIDE.findall(text))


def _split_units(text: str) -> list[_Unit]:
    """Lines → units: wrapped lines joined, list markers and image placeholders taken out."""
    units: list[_Unit] = []
    block = 0
    prev: str | None = None  # the previous line of the current unit, as rendered
    current: _Unit | None = None
    after_image = False
    for raw in text.splitlines():
        line = raw.rstrip()
        stripped = line.lstrip()
        if not stripped:
            prev = current = None
            block += 1
            continue
        if not _PLACEHOLDER.sub("", stripped).strip():
            prev = current = None
            after_image = True
            continue
        marker = _LIST_MARKER.match(stripped)
        if (
            current is not None
            and prev is not None
            and marker is None
            and _width(prev) + 1 + _width(stripped.split()[0]) >= _WRAP_COLUMNS
        ):
            joint = "" if _CJK.match(stripped) and _CJK.match(prev[-1]) else " "
            current.text += joint + stripped
        else:
            body = stripped[marker.end() :] if marker else stripped
            current = _Unit(body, block, marker["marker"] if marker else "", after_image)
            units.append(current)
            after_image = False
        prev = line
    for u in units:
        u.text = html.unescape(_SPACES.sub(" ", _PLACEHOLDER.sub(" ", u.text)).strip())
    return [u for u in units if u.text]


# --- classification -----------------------------------------------------------------------


def _classify(units: list[_Unit]) -> None:
    """Class and score every unit (see the module docstring)."""
    freq: Counter[str] = Counter()
    tokens: list[list[str]] = []
    cjk: list[int] = []
    copies: Counter[str] = Counter()
    for i, u in enumerate(units):
        tokens.append(_WORD.findall(u.text.lower()))
        cjk.append(len(_CJK.findall(u.text)))
        u.key = " ".join(tokens[i])
        # Two CJK characters count as a word: their runs are single `\w+` tokens.
        u.words = len(tokens[i]) + cjk[i] // 2
        if u.words >= _STOPWORD_SOURCE_WORDS:
            freq.update(w for w in tokens[i] if len(w) <= _STOPWORD_MAX_LEN)
        copies[u.key] += 1
    stopwords = {w for w, _ in freq.most_common(_PAGE_STOPWORDS)}
    for i, u in enumerate(units):
        u.repeats = copies[u.key] - 1
        nearby = units[max(0, i - _ECHO_DISTANCE) : i + _ECHO_DISTANCE + 1]
        u.echo = u.repeats > 0 and (
            u.words >= _ECHO_LONG or bool(u.marker) or sum(v.key == u.key for v in nearby) > 1
        )
        if cjk[i] * 2 > len(u.text):
            # CJK runs are single `\w+` tokens: sentence marks stand in for function words.
            u.stop = 1.0 if _CJK_PUNCT.search(u.text) else 0.0
        else:
            u.stop = sum(t in stopwords for t in tokens[i]) / len(tokens[i]) if tokens[i] else 0.0
        u.cls = _unit_class(u)
        u.score = _unit_score(u)
    for i, u in enumerate(units):
        if u.cls == "good" and _is_gap(units, i - 1) and _is_gap(units, i + 1):
            u.isolated = True
            u.score *= _ISOLATED


def _unit_class(u: _Unit) -> UnitClass:
    if _is_end_marker(u):
        return "end"
    if (
        _is_teaser(u.text)
        or _COOKIE_NOTICE.search(u.text)
        or _AUTHOR_BIO.match(u.text)
        or (u.echo and u.words >= _NEAR_WORDS)
    ):
        return "bad"
    if _CAPTION.search(u.text):
        # Not the article's text, but not a break in it either: galleries sit mid-article.
        return "short"
    sentence_end = bool(_SENTENCE_END.search(u.text))
    cls: UnitClass
    if (
        u.words >= _GOOD_WORDS
        and (sentence_end or _SENTENCE_PUNCT.search(u.text))
        and u.stop >= _GOOD_STOP
    ):
        cls = "good"
    elif u.words >= _NEAR_WORDS and sentence_end and u.stop >= _NEAR_STOP:
        cls = "near"
    elif u.words < _NEAR_WORDS:
        cls = "short"
    else:
        cls = "bad"
    if u.marker and cls != "good":
        return "item" if cls == "near" else "bad"
    if u.marker and u.words < _ITEM_MAX_WORDS:
        return "item"
    return cls


def _unit_score(u: _Unit) -> float:
    if u.cls == "good":
        return float(u.words)
    if u.cls == "near":
        return u.words * _SCORE_NEAR
    if u.cls == "item":
        return u.words * _SCORE_ITEM
    if u.cls == "bad":
        return -(u.words * _SCORE_BAD + 2)
    return _SCORE_SHORT


def _is_gap(units: list[_Unit], i: int) -> bool:
    return not 0 <= i < len(units) or units[i].cls in ("short", "bad", "end")


def _is_end_marker(u: _Unit) -> bool:
    """A comment-section heading ("34 responses to ...", "Leave a Reply") or a copyright line.

    A comment count inside a byline ("October 12, 2018/0 Comments/in News") is not one.
    """
    if u.words <= 8 and _END_MARKER.match(u.text):
        return True
    if not _COMMENT_COUNT.search(u.text) or _is_dateline(u.text):
        return False
    return u.words <= 6 or (u.words <= 15 and bool(_COMMENT_COUNT_FIRST.match(u.text)))


def _is_teaser(text: str) -> bool:
    """A card of a story list: its headline glued to its summary ("...Student-AthleteA 24-year-old").

    w3m runs a card's headline and summary together when the page styles them inline; the
    glued headline is in title case, unlike a sentence with a brand name ("MacBook") in it.
    """
    for m in _GLUE.finditer(text, 0, 160):
        head = [w.lstrip("(\"'“‘") for w in text[: m.end()].split()]
        head = [w for w in head if w[:1].isalnum()]
        capitals = sum(w[:1].isupper() or w[:1].isdigit() for w in head)
        if 5 <= len(head) <= 20 and capitals >= 0.8 * len(head):
            return True
    return False


def _byline_name(text: str) -> str | None:
    """The name part of a byline line ("" when the name is on the next line), or None."""
    m = _BYLINE.match(text)
    if m is None or text.endswith(".") or (m["name"] and not m["name"][0].isupper()):
        return None
    return m["name"]


def _is_byline(text: str) -> bool:
    return _byline_name(text) is not None


def _is_dateline(text: str) -> bool:
    return any(c.isdigit() for c in text) and find_dateline([text]) is not None


def _menu_like(u: _Unit) -> bool:
    """A line of a menu, tag list or story list: a list item, a word or two, Title Case."""
    if u.marker or u.words <= 2:
        return True
    if all(w[:1].isupper() or not w[:1].isalnum() for w in u.text.split()):
        return True
    return u.words <= 5 and bool(_INTERFACE_ANYWHERE.search(u.text))


# --- the body -----------------------------------------------------------------------------


def _main_region(units: list[_Unit]) -> tuple[int, int] | None:
    """The densest run of text, as (first, last) unit index, or None if there is none.

    Barriers split the search: every comment/copyright marker and the end of a long run of
    menu-like lines. Once a run of real text (not a cookie banner) has been passed, the next
    comment marker ends the article: what follows is readers' text, and a comment thread can
    outweigh a short article. A later run overrides that when it reads like an article (its
    paragraphs follow one another) or is five times heavier, as when the "marker" was a
    comment-count link above the article.
    """
    barriers = {i for i, u in enumerate(units) if u.cls == "end"}
    run = 0
    for i, u in enumerate(units):
        if u.cls in ("short", "bad") and _menu_like(u):
            run += 1
            if run == _MENU_RUN:
                barriers.add(i)
        else:
            run = 0
    bounds = [0, *sorted(barriers), len(units)]
    best = (0.0, 0, -1)
    ended_at = 0.0  # the best score when a comment marker ended the article, 0 until then
    for a, b in pairwise(bounds):
        score, lo, hi = _best_run(units, a, b)
        if score > best[0] and (
            not ended_at or score > _COMMENTS_OVERRIDE * ended_at or not _thread_like(units, lo, hi)
        ):
            best, ended_at = (score, lo, hi), 0.0
        paragraphs = sum(u.cls == "good" and not u.marker for u in units[lo : hi + 1])
        if (
            not ended_at
            and score >= _MIN_BODY_SCORE
            and paragraphs >= _MIN_BODY_PARAGRAPHS
            and b < len(units)
            and units[b].cls == "end"
        ):
            ended_at = best[0]
    return (best[1], best[2]) if best[0] > 0 else None


def _thread_like(units: list[_Unit], lo: int, hi: int) -> bool:
    """A run that reads like a comment thread or a list of teasers, not an article.

    Its paragraphs mostly stand alone between short lines (user names, headlines), or it is
    punctuated by time stamps ("2 days ago at 07:52 am", "November 19, 2019 at 6:34 am").
    """
    run = units[lo : hi + 1]
    paragraphs = [u for u in run if u.cls == "good"]
    if sum(u.isolated for u in paragraphs) * 2 >= len(paragraphs):
        return True
    stamps = sum(
        u.cls == "short" and (bool(_AGO.search(u.text)) or _is_dateline(u.text)) for u in run
    )
    return stamps >= _THREAD_STAMPS


def _skip_standfirst(units: list[_Unit], lo: int, hi: int) -> tuple[int, int]:
    """Start the body after a byline or dateline found among its first lines.

    What comes before the byline is the standfirst, photo captions or a site notice, not the
    article (the gold bodies leave them out) — unless it is a good part of the run's text.
    """
    text_words = sum(u.words for u in units[lo : hi + 1] if u.cls == "good")
    limit = max(_STANDFIRST_WORDS, _STANDFIRST_SHARE * text_words)
    start, before = lo, 0
    for i in range(lo, min(hi, lo + _STANDFIRST_UNITS)):
        u = units[i]
        if before > limit:
            break
        if u.words <= _MAX_META_WORDS and (_is_byline(u.text) or _is_dateline(u.text)):
            if not u.text.startswith(("—", "–")):  # "— Name (@handle) Nov 1, 2019" ends a tweet
                start = i + 1
        elif u.cls == "good":
            before += u.words
    return start, hi


def _extend_list(units: list[_Unit], hi: int) -> int:
    """Take in a list the body ends by introducing ("Tour dates:", "Ecco le offerte:").

    Its items are short lines that would not count as text on their own. The list runs on
    while lines stay in one block, or carry the first item's list marker, or a numbered item
    continuing the count comes within a few lines.
    """
    if not units[hi].text.endswith(":"):
        return hi
    first_marker, number, end = None, 0, hi
    j = hi + 1
    while j < len(units) and units[j].cls != "end":
        u = units[j]
        if u.marker[:1].isdigit():
            if int(u.marker.rstrip(".)")) != number + 1:
                break
            number += 1
        elif u.marker and first_marker is None:
            first_marker = u.marker
        continues = (
            u.block == units[j - 1].block
            or (first_marker is not None and u.marker == first_marker)
            or (u.marker[:1].isdigit() and u.marker.rstrip(".)") == str(number))
            or _next_number_within(units, j, number + 1)
        )
        if not continues:
            break
        end = j
        j += 1
    return end


def _next_number_within(units: list[_Unit], j: int, number: int) -> bool:
    return any(v.marker.rstrip(".)") == str(number) for v in units[j : j + _LIST_LOOKAHEAD])


def _best_run(units: list[_Unit], lo: int, hi: int) -> tuple[float, int, int]:
    """Maximum-sum contiguous run of unit scores in units[lo:hi] (Kadane): (sum, first, last)."""
    best, span, total, start = 0.0, (lo, lo - 1), 0.0, lo
    for i in range(lo, hi):
        if total <= 0:
            total, start = 0.0, i
        total += units[i].score
        if total > best:
            best, span = total, (start, i)
    return best, span[0], span[1]


def _body_blocks(region: list[_Unit]) -> list[Block]:
    """The blocks of the body run: text kept, interface lines dropped, kinds assigned."""
    kept: list[_Unit] = []
    in_box = False  # inside a "Related" box: its story headlines are not the article's
    for u in region:
        if u.cls in ("good", "near") or (u.words >= _NEAR_WORDS and _SENTENCE_END.search(u.text)):
            in_box = False
        elif u.words <= _BOX_HEADING_WORDS and _BOX_HEADING.match(u.text):
            in_box = True
        if not in_box and _keep(u):
            kept.append(u)
    kinds: list[BlockKind] = ["paragraph"] * len(kept)
    for i, u in enumerate(kept):
        nxt = kept[i + 1] if i + 1 < len(kept) else None
        if (
            u.cls in ("short", "bad")
            and nxt is not None
            and nxt.cls in ("good", "near")
            and not _SENTENCE_END.search(u.text)
        ):
            kinds[i] = "heading"
    _mark_story_cards(kept, kinds)
    return [Block(u.text, kind) for u, kind in zip(kept, kinds)]


def _keep(u: _Unit) -> bool:
    """Whether a unit inside the body run is the article's text."""
    if u.cls in ("good", "near", "item"):
        return True
    if u.cls == "end" or u.repeats or u.words < 2 or (u.after_image and not u.marker):
        return False
    if _is_byline(u.text) or _CREDIT.search(u.text) or _CAPTION.search(u.text):
        return False
    if (u.words <= 5 and _INTERFACE.search(u.text)) or _LINK_LINE.match(u.text):
        return False
    return not (u.words <= 16 and _is_dateline(u.text))


def _mark_story_cards(kept: Sequence[_Unit], kinds: list[BlockKind]) -> None:
    """Label the sections of a story-card page: label line, takeaway line, paragraph.

    A page is read as a story card only when the pattern repeats (two cards at least) and
    accounts for every line between paragraphs from the first card on: a page whose headings
    merely come in pairs (a heading and a subheading) has other lines too.
    """
    cards = [
        i
        for i in range(len(kept) - 2)
        if _is_card_label(kept[i].text)
        and _is_card_takeaway(kept[i + 1].text)
        and kept[i + 2].cls in ("good", "near")
        and kept[i + 2].words >= _CARD_TEXT_MIN_WORDS
    ]
    if len(cards) < 2 or cards[0] == 0:
        return
    in_cards = {j for i in cards for j in (i, i + 1)}
    if any(
        kinds[j] != "paragraph" or kept[j].cls not in ("good", "near")
        for j in range(cards[0], len(kept))
        if j not in in_cards
    ):
        return
    for i in cards:
        kinds[i], kinds[i + 1], kinds[i + 2] = "label", "takeaway", "paragraph"


def _is_card_label(text: str) -> bool:
    return 1 <= len(text.split()) <= _LABEL_MAX_WORDS and not _SENTENCE_END.search(text)


def _is_card_takeaway(text: str) -> bool:
    return _TAKEAWAY_MIN_WORDS <= len(text.split()) <= _TAKEAWAY_MAX_WORDS and not text.endswith(
        "."
    )


# --- headline, related stories, lede label, byline -----------------------------------------


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) >= 4 or _CJK.search(w)}


def _title_like(u: _Unit) -> bool:
    return (
        not u.marker
        and 2 <= u.words <= 30
        and not u.text.endswith(".")
        and u.cls != "end"
        and not (u.words <= 5 and _INTERFACE.search(u.text))
        and not _is_byline(u.text)
        and not _is_dateline(u.text)
    )


def _find_title(units: list[_Unit], lo: int) -> int | None:
    """Index of the headline: the title-like line before the body that shares most words with it.

    Pages repeat their headline (breadcrumbs, share text) and put the dateline or byline right
    under it; both add to a line's score, distance from the body takes away. A line of one or
    two content words ("Company Town", "United States") is a section name more often than a
    headline, so its share of matching words counts for less.
    """
    body_words: set[str] = set()
    for v in units[lo : lo + _TITLE_WINDOW]:
        if v.cls in ("good", "near"):
            body_words |= _content_words(v.text)
    window = range(max(0, lo - _TITLE_WINDOW), lo)
    best, best_i = 1.0, None
    for i in reversed(window):
        u = units[i]
        if not _title_like(u) or not (words := _content_words(u.text)):
            continue
        score = 4 * len(words & body_words) / max(len(words), 4) - 0.05 * (lo - i)
        if u.repeats or any(
            u.key in v.key for v in units[max(0, i - _TITLE_WINDOW) : lo] if v is not u
        ):
            score += 1
        if any(
            _is_byline(v.text) or (v.words <= _MAX_META_WORDS and _is_dateline(v.text))
            for v in units[i + 1 : i + 4]
        ):
            score += 1
        if score > best:
            best, best_i = score, i
    return best_i


def _related(units: list[_Unit], title_at: int | None) -> tuple[str, ...]:
    """Related-story headlines printed beside an earlier copy of the headline.

    Story-card pages open with a header block: buttons, the headline, and the headlines of
    related stories (the seed's "Turkey to mediate Pakistan-Afghanistan peace talks").
    """
    if title_at is None:
        return ()
    key = units[title_at].key
    related: list[str] = []
    for i in range(title_at):
        if units[i].key != key:
            continue
        for v in units[i + 1 : title_at]:
            if v.block != units[i].block:
                break
            if _title_like(v) and v.words >= 4 and v.key != key and not _INTERFACE.search(v.text):
                related.append(v.text)
    return tuple(dict.fromkeys(related))


def _lede_label(units: list[_Unit], lo: int, title_at: int | None) -> str | None:
    """The label a story card puts over its lede ("What's the story"): the line right above it."""
    if lo == 0 or lo - 1 == title_at:
        return None
    u = units[lo - 1]
    if (
        u.marker
        or not 1 <= len(u.text.split()) <= 5
        or _SENTENCE_END.search(u.text)
        or _is_dateline(u.text)
    ):
        return None
    return u.text


def _author(header: Sequence[str]) -> str | None:
    """The byline's name: "By Jane Doe", "By Meg JamesStaff Writer", or "By" then the name."""
    for i, line in enumerate(header):
        if (name := _byline_name(line)) is None:
            continue
        if not name and i + 1 < len(header):
            name = header[i + 1]
        name = _NAME_END.sub("", name)
        if glue := _NAME_GLUE.search(name):
            name = name[: glue.start()]
        words = name.split()
        half = len(words) // 2
        if len(words) % 2 == 0 and words[:half] == words[half:]:  # "Sean Martin Sean Martin"
            words = words[:half]
        if 2 <= len(words) <= 5 and all(
            w[:1].isupper() for w in words if w not in {"de", "van", "von", "da", "and"}
        ):
            return " ".join(words)
    return None
