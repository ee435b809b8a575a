"""Quotes, verbatim, with their speakers and whether they are full or partial.

Three passes, all rule-based (spaCy's parser would cost more than the whole brief's budget):

1. **Marks.** Each paragraph's quotation marks are paired with a stack, reading each mark's
   role from its neighbours (a blank before and a letter after opens; the reverse closes), so
   curly, straight, nested, stray and unbalanced marks all come out as well-formed pairs or
   are dropped. An apostrophe ("Clinton’s", "don’t", "’90s") is never a mark. A quote left
   open at a paragraph's end continues only when the next paragraph opens with a mark (the
   newspaper convention for multi-paragraph quotes); otherwise it is dropped, never guessed.
   Titles ("Sons of Trump": every word capitalised) are not quotes unless a reporting verb
   introduces them.
2. **Utterances.** A quote interrupted by its attribution (`"…," he said, "…"`, also
   `"…," he said. "…"` within one sentence's reach) is one utterance in several parts.
   `Quote` has one span, so each part is its own verbatim `Quote`, with the same speaker and
   kind; `Quote.continues` marks the parts after the first. A quote is *full* when it
   stands as the speaker's own sentence (`Asif said: "We…"`), *partial* when it runs on
   from the writer's words (`hope for "a positive outcome."`).
3. **Speakers.** The reporting clause beside the quote (`"…," Asif said`, `said Asif`,
   `Asif said: "…"`, `according to Asif`, `Kabul's claim that … "…"`) names a noun phrase,
   resolved through the entities (surname → full name, acronym → organisation) and pronouns
   (he/she → the person last named or quoted). A paragraph that is only a quote takes its
   speaker from the previous paragraph when that one introduced it (`Cruz continued:`) or
   ended on the same speaker's quote.

Every quote satisfies `quote.text == article.text[quote.span.start:quote.span.end]`.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..records import Article, Paragraph, Quote, QuoteKind, Sentence, Span
from .entities import CUE_VERBS, FUNCTION_WORDS, ROLE_HEADS, Entities, Token, tokens

logger = logging.getLogger(__name__)

__all__ = ["extract_quotes"]

_DOUBLE = frozenset('"“”„‟«»')
_SINGLE = frozenset("'‘’‚‛‹›")
_OPENING_GLYPHS = frozenset("“„‟«‘‚‛‹")
_CLOSING_GLYPHS = frozenset("”»’›")
_MARKS = _DOUBLE | _SINGLE
_ALNUM = re.compile(r"[^\W_]")  # what str.isalnum() accepts
_ANY_MARK = re.compile("[" + re.escape("".join(sorted(_MARKS))) + "]")
# Before an opening mark: a blank, the paragraph's start, or one of these.
_OPEN_AFTER = frozenset("([{—–-/:") | _MARKS
# After a closing mark: a blank, the paragraph's end, or one of these.
_CLOSE_BEFORE = frozenset(",.;:!?)]}—–-…") | _MARKS


@dataclass(slots=True)
class _Pair:
    """A quotation's inner offsets (marks excluded) and how it ends."""

    start: int
    end: int
    single: bool
    open_end: bool = False  # left open at the paragraph's end, continued by the next one


def _role(text: str, i: int, lo: int, hi: int) -> str | None:
    """"open", "close" or None (an apostrophe or a mark that cannot be read)."""
    ch = text[i]
    left = text[i - 1] if i > lo else " "
    right = text[i + 1] if i + 1 < hi else " "
    if ch in _SINGLE and left.isalnum() and right.isalnum():
        return None  # don't, Clinton’s
    if ch in _SINGLE and not left.isalnum() and right.isdigit():
        return None  # ’90s
    can_open = (left.isspace() or left in _OPEN_AFTER) and not right.isspace()
    can_close = (right.isspace() or right in _CLOSE_BEFORE) and not left.isspace()
    if can_open and not can_close:
        return "open"
    if can_close and not can_open:
        return "close"
    if ch in _OPENING_GLYPHS:
        return "open"
    if ch in _CLOSING_GLYPHS:
        return "close"
    return "toggle" if ch == '"' else None


def _pairs(text: str, lo: int, hi: int, next_opens: bool) -> list[_Pair]:
    """The quotations of `text[lo:hi]` (one paragraph), outermost only, in order."""
    stack: list[tuple[int, bool]] = []  # (mark offset, single)
    found: list[_Pair] = []
    for mark in _ANY_MARK.finditer(text, lo, hi):
        i = mark.start()
        role = _role(text, i, lo, hi)
        single = mark.group() in _SINGLE
        if role is None:
            continue
        if role == "toggle":
            role = "close" if any(not s for _, s in stack) else "open"
        if role == "open":
            stack.append((i, single))
            continue
        at = next((k for k in range(len(stack) - 1, -1, -1) if stack[k][1] == single), None)
        if at is None:
            continue  # a stray closing mark
        if single and text[i - 1] == "s" and i + 2 < hi and text[i + 1] == " " and \
                text[i + 2].islower():
            continue  # "the voters’ choice": a plural possessive, not a closing mark
        start = stack[at][0]
        del stack[at:]
        found.append(_Pair(start + 1, i, single))
    if stack and next_opens and not stack[0][1]:
        found.append(_Pair(stack[0][0] + 1, hi, False, open_end=True))
    found.sort(key=lambda p: p.start)
    outer: list[_Pair] = []
    for pair in found:
        if outer and pair.start < outer[-1].end:
            continue  # nested inside the previous quotation
        outer.append(pair)
    return outer


def _trimmed(text: str, pair: _Pair) -> Span | None:
    """The quotation's inner span without blanks at its ends, or None if it holds no word
    (single marks need two letters: "rock ’n’ roll" quotes nothing)."""
    start, end = pair.start, pair.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    need = 2 if pair.single else 1
    for letters, _ in enumerate(_ALNUM.finditer(text, start, end), 1):  # no further than need
        if letters == need:
            return Span(start, end)
    return None


# --- reporting clauses -------------------------------------------------------------------

_CLAIM_NOUNS = frozenset({
    "claim", "claims", "statement", "statements", "assertion", "accusation", "accusations",
    "allegation", "allegations", "description", "words", "remarks", "remark", "comments",
    "comment", "warning", "promise", "pledge", "insistence", "argument", "suggestion", "view",
    "charge", "call", "demand", "slogan", "message", "characterization", "label", "rhetoric",
    "response", "reply", "tweet", "tweets", "post", "letter", "speech", "announcement",
    "testimony", "admission", "denial", "question", "criticism", "complaint", "assessment",
    "verdict",
})
_SKIP_BEFORE_CUE = frozenset({
    "also", "later", "then", "once", "again", "further", "previously", "recently", "has", "had",
    "have", "will", "would", "could", "did", "does", "do", "not", "never", "repeatedly",
    "reportedly", "simply", "just", "often", "frequently", "publicly", "privately", "quickly",
    "flatly", "bluntly", "famously", "angrily", "calmly", "quietly", "told", "earlier", "since",
    "yesterday", "today", "tonight",
})
_BOUNDARIES = frozenset({
    "that", "and", "but", "while", "as", "because", "when", "after", "before", "which", "who",
    "whom", "where", "if", "though", "although", "since", "so", "or", "whether", "than",
})
_NP_END = frozenset({
    "in", "on", "at", "during", "after", "before", "when", "while", "who", "which", "as", "to",
    "from", "about", "of", "with", "that", "told",
})
_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})
_DETERMINERS = frozenset({
    "a", "an", "the", "this", "that", "these", "those", "his", "her", "their", "its", "our",
})
_MAX_NP = 12
_PARENTHESIS = re.compile(r"[().\s]*")
_COMMA_OR_COLON = re.compile(r"\s*[:,]\s*")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_DOUBLE_MARK = re.compile(r"[\"“”„«»]")
_MAX_CLAUSE = 40  # words of a reporting clause after a quote, up to its sentence's end
_NEXT_SENTENCE_REACH = 6  # `"… now?" Trump told Britain's ITV …`: the verb comes early


@dataclass(frozen=True, slots=True)
class _Speaker:
    name: str | None
    span: Span


class _Resolver:
    """Turns a noun phrase that names a speaker into a canonical name.

    A mention the entity pass placed (a `Person` span) resolves by position, so "Clinton"
    is whichever Clinton the article meant there; other words go through `aliases`.
    """

    def __init__(self, article: Article, entities: Entities) -> None:
        self.text = article.text
        self.aliases = entities.aliases
        self.longest = max((len(a.split()) for a in self.aliases), default=1)
        self.kinds: dict[str, str] = {name: "org" for name in entities.organizations}
        self.kinds |= {name: "place" for name in entities.places}
        self.kinds |= {p.name: "person" for p in entities.people}
        self.mention_at = {s.start: (s.end, p.name) for p in entities.people for s in p.spans}
        self.persons = sorted((start, name) for start, (_, name) in self.mention_at.items())
        self.person_starts = [start for start, _ in self.persons]
        # role word → the last person whose role holds it ("spokesman" → Tahir Andrabi)
        self.role_words: dict[str, str] = {}
        for p in entities.people:
            if p.role:
                self.role_words.update(dict.fromkeys(p.role.lower().split(), p.name))
        self.spoken: list[tuple[int, str]] = []  # (offset, name) of speakers found so far

    def is_person(self, name: str | None) -> bool:
        return name is not None and self.kinds.get(name) == "person"

    def matches(self, toks: list[Token]) -> Iterator[tuple[int, int, str]]:
        """(first token, token count, canonical name) of each entity the tokens name."""
        i = 0
        while i < len(toks):
            hit = self._match_at(toks, i)
            if hit is None:
                i += 1
                continue
            yield i, *hit
            i += hit[0]

    def _match_at(self, toks: list[Token], i: int) -> tuple[int, str] | None:
        mention = self.mention_at.get(toks[i].start)
        for n in range(min(self.longest, len(toks) - i), 0, -1):
            end = toks[i + n - 1].end
            if mention is not None and mention[0] == end:
                return n, mention[1]
            name = self.aliases.get(self.text[toks[i].start : end])
            if name is not None:
                return n, name
        return None

    def name_in(self, toks: list[Token]) -> str | None:
        """The entity a phrase names: its last person, else its last organisation or place;
        a possessive is skipped unless it ends the phrase ("Trump's aide" names no one)."""
        best: tuple[int, str] | None = None
        for i, n, name in self.matches(toks):
            if toks[i + n - 1].possessive and i + n < len(toks):
                continue
            rank = 2 if self.is_person(name) else 1
            if best is None or rank >= best[0]:
                best = (rank, name)
        return best[1] if best else None

    def pronoun(self, word: str, at: int) -> str | None:
        """He/she → the most recent person named, or speaker quoted, before `at`."""
        if word not in ("he", "she"):
            return None
        k = bisect.bisect_left(self.person_starts, at)
        best = self.persons[k - 1] if k else None
        for start, name in reversed(self.spoken):
            if start < at:
                if best is None or start > best[0]:
                    best = (start, name)
                break
        return best[1] if best else None

    def heard(self, speaker: _Speaker) -> None:
        """Remember a named speaker the entity pass may not know, for later pronouns."""
        if speaker.name and (self.is_person(speaker.name) or speaker.name[0].isupper()):
            self.spoken.append((speaker.span.start, speaker.name))

    def first_person(self, toks: list[Token]) -> _Speaker | None:
        """The first person (or he/she) the tokens name: a clause's likely subject."""
        pronoun = next((t for t in toks if t.text.lower() in ("he", "she")), None)
        for i, n, name in self.matches(toks):
            if pronoun is not None and pronoun.start < toks[i].start:
                break
            if self.is_person(name) and not toks[i + n - 1].possessive:
                return _Speaker(name, Span(toks[i].start, toks[i + n - 1].end))
        if pronoun is None:
            return None
        return _Speaker(self.pronoun(pronoun.text.lower(), pronoun.start),
                        Span(pronoun.start, pronoun.end))

    def role_noun(self, toks: list[Token]) -> str | None:
        """ "the spokesman" → the person whose role the article gave as spokesman."""
        heads = [t.text.lower() for t in toks if t.text.lower() in ROLE_HEADS]
        if not heads or toks[0].text.lower() not in ("the", "his", "her"):
            return None
        return self.role_words.get(heads[-1])

    def speaker(self, toks: list[Token]) -> _Speaker | None:
        """Resolve a noun phrase; None when it holds nothing that can speak."""
        while toks and toks[0].text.lower() in _SKIP_BEFORE_CUE:
            toks = toks[1:]
        if not toks or len(toks) > _MAX_NP:
            return None
        span = Span(toks[0].start, toks[-1].end)
        words = [t.text.lower() for t in toks]
        if len(toks) == 1 and words[0] in _PRONOUNS:
            return _Speaker(self.pronoun(words[0], toks[0].start), span)
        name = self.name_in(toks) or self.role_noun(toks)
        if name:
            return _Speaker(name, span)
        if _name_like(toks) or _described(toks):
            return _Speaker(self.text[span.start : span.end], span)  # "a senior official"
        return None


def _subject_before(text: str, toks: list[Token], cue: int) -> list[Token]:
    """The noun phrase before the reporting verb at `toks[cue]`, skipping adverbs, an
    appositive ("Trump, the Republican nominee, said") and a parenthesis ("(D-Ill.)")."""
    j = cue
    while j > 0 and toks[j - 1].text.lower() in _SKIP_BEFORE_CUE:
        j -= 1
    if 0 < j < len(toks) and text[toks[j - 1].end : toks[j].start].strip().endswith(","):
        k = j - 1  # the appositive runs back to the comma before it
        while k > 0 and not text[toks[k - 1].end : toks[k].start].strip().endswith(",") \
                and j - k < 25:
            k -= 1
        if k > 0 and text[toks[k - 1].end : toks[k].start].strip().endswith(","):
            j = k
    end = j
    while j > 0 and end - j < _MAX_NP:
        prev = toks[j - 1]
        if j < end and not _inside_phrase(text[prev.end : toks[j].start], prev):
            break
        if prev.text.lower() in _BOUNDARIES | CUE_VERBS:
            break
        j -= 1
    return toks[j:end]


def _inside_phrase(gap: str, prev: Token) -> bool:
    """Whether the characters between two words keep them in one noun phrase."""
    gap = gap.strip()
    if not gap:
        return True
    if prev.possessive and gap in ("'s", "’s", "'", "’"):
        return True
    return _PARENTHESIS.fullmatch(gap) is not None  # "Durbin (D-Ill.)"


def _phrase_after(text: str, toks: list[Token], i: int) -> list[Token]:
    """The noun phrase from `toks[i]` on, up to a comma, a stop or a clause word."""
    j = i
    if j < len(toks) and toks[j].text.lower() in _NP_END:
        return []
    while j < len(toks) and j - i < _MAX_NP:
        if j > i and (text[toks[j - 1].end : toks[j].start].strip() not in ("", ".")
                      or toks[j].text.lower() in _NP_END):
            break
        j += 1
    return toks[i:j]


def _cue_index(toks: list[Token], last: bool) -> int | None:
    """The first (or last) reporting verb; "Kabul's claim", "the call" are nouns, not verbs."""
    order = range(len(toks) - 1, -1, -1) if last else range(len(toks))
    for k in order:
        word = toks[k].text.lower()
        if k and (toks[k - 1].possessive or toks[k - 1].text.lower() in _DETERMINERS):
            continue
        particle = toks[k + 1].text.lower() if k + 1 < len(toks) else ""
        if word in CUE_VERBS or _PHRASAL.get(word) == particle or (
                word == "according" and particle == "to"):
            return k
    return None


# Two-word reporting verbs whose first word alone is no cue: "pointed out", "shot back".
_PHRASAL = {w: p for p, words in {"out": "point points pointed", "on": "go goes went",
                                  "back": "shoot shoots shot fire fires fired hit hits",
                                  "in": "chime chimes chimed weigh weighs weighed"}.items()
            for w in words.split()} | {"put": "it", "puts": "it"}


def _after_speaker(text: str, resolver: _Resolver, start: int, end: int,
                   reach: int = _MAX_CLAUSE) -> _Speaker | None:
    """The reporting clause after a quote: `, Asif said …`, `said Asif, …`, `he told CNN`;
    its verb must come within `reach` words."""
    toks = tokens(text, start, end)[:_MAX_CLAUSE]
    cue = _cue_index(toks[:reach], last=False)
    if cue is None:
        return None
    if cue == 0 or toks[cue].text.lower() == "according":
        skip = 2 if toks[cue].text.lower() == "according" else 1
        return resolver.speaker(_phrase_after(text, toks, cue + skip))
    return _clause_speaker(text, resolver, toks, cue)


def _clause_speaker(text: str, resolver: _Resolver, toks: list[Token],
                    cue: int) -> _Speaker | None:
    """The subject of the reporting verb `toks[cue]`: the phrase right before it when that
    names someone, else the clause's first person or pronoun ("Sen. Durbin (D-Ill.), noting
    …, said"; "Sanders stepped up his emphasis …, saying")."""
    if cue < len(toks) and toks[cue].text.lower().endswith("ing"):
        # "Spicer said, adding, …": the participle's subject is the earlier verb's.
        earlier = _cue_index(toks[:cue], last=True)
        if earlier is not None and not toks[earlier].text.lower().endswith("ing"):
            return _clause_speaker(text, resolver, toks, earlier)
        return resolver.first_person(toks[:cue])
    phrase = _subject_before(text, toks, cue)
    found = resolver.speaker(phrase) if phrase else None
    if found is not None and (found.name is None or found.name in resolver.aliases
                              or _name_like(phrase)):
        return found
    return resolver.first_person(toks[:cue]) or found


def _described(toks: list[Token]) -> bool:
    """A speaker described, not named: "a senior official", "one legal expert", "sources",
    "Federal prosecutors"; not a stray clause ("to", "a form of", "via USA")."""
    words = [t.text.lower() for t in toks]
    body = words[1:] if words[0] in _DETERMINERS | _QUANTIFIERS else words
    if not body or len(words) > 8 or body[-1] in FUNCTION_WORDS | CUE_VERBS:
        return False
    if any(w in FUNCTION_WORDS - _INSIDE_PHRASE or w in CUE_VERBS
           or not w.replace("-", "").replace(".", "").isalnum() for w in body):
        return False
    return len(words) > 1 or words[0].endswith("s")


_INSIDE_PHRASE = frozenset({"of", "the", "in", "at", "for", "from", "my", "our", "his", "her"})


_QUANTIFIERS = frozenset({
    "my", "your", "one", "two", "three", "four", "five", "another", "some", "several", "many", "most", "other",
    "few", "both", "all",
})


def _name_like(toks: list[Token]) -> bool:
    """A phrase that reads as a name the entity pass did not know: "Jeffrey M. Jones",
    "Vann R. Newkirk II", "the Rev. Peter Wherry"."""
    if toks and toks[0].text == "the":
        toks = toks[1:]
    return 0 < len(toks) <= 5 and all(
        t.text[0].isupper() and (not t.text.isupper() or t.text.endswith(".")
                                 or t.text in _ROMAN) for t in toks)


_ROMAN = frozenset({"II", "III", "IV", "Jr", "Sr"})


def _before_speaker(text: str, resolver: _Resolver, start: int, end: int,
                    quoted: Sequence[_Pair] = ()) -> _Speaker | None:
    """The reporting clause before a quote: `Asif said:`, `according to Asif,`,
    `Kabul's claim that`, or the writer's sentence the quote sits in (words inside the
    `quoted` spans are not the writer's and are skipped)."""
    toks = [t for t in tokens(text, start, end)
            if not any(p.start <= t.start < p.end for p in quoted)]
    if not toks:
        return None
    cue = _cue_index(toks, last=True)
    for k in range(len(toks) - 2, -1 if cue is None else cue, -1):
        if toks[k].possessive and toks[k + 1].text.lower() in _CLAIM_NOUNS:
            found = resolver.speaker(_subject_before(text, toks, k + 1))
            if found:
                return found
    if cue is None:
        if not text[toks[-1].end : end].strip().startswith(":"):
            return None
        return _clause_speaker(text, resolver, toks, len(toks))  # "Kasich resisted: "
    if toks[cue].text.lower() == "according":
        return resolver.speaker(_phrase_after(text, toks, cue + 2))
    opens = cue == 0 or text[toks[cue - 1].end : toks[cue].start].strip()[-1:] in (",", ":")
    if opens and cue + 1 < len(toks) and _COMMA_OR_COLON.fullmatch(text, toks[-1].end, end):
        phrase = _phrase_after(text, toks, cue + 1)  # "Said Asif: …"
        inverted = resolver.speaker(phrase)
        if inverted and (cue == 0 or inverted.span.end == toks[-1].end) and (
                inverted.name in resolver.aliases or _name_like(phrase)):
            return inverted
    return _clause_speaker(text, resolver, toks, cue)


# --- the stage ---------------------------------------------------------------------------


class _Sentences:
    """Sentence lookup by offset."""

    def __init__(self, sentences: Sequence[Sentence]) -> None:
        self.spans = [s.span for s in sentences]
        self.starts = [s.start for s in self.spans]

    def around(self, at: int) -> Span | None:
        k = bisect.bisect_right(self.starts, at) - 1
        if k >= 0 and self.spans[k].start <= at < self.spans[k].end:
            return self.spans[k]
        return None


def _kind(text: str, lead: str, inner: Span) -> QuoteKind:
    """Full when the quote stands as the speaker's own sentence: it opens with a capital
    after a sentence start, a colon, a comma or a reporting verb (`said "We…"`), or it
    follows `said,` / `wrote:` even mid-sentence; partial when it runs on from the writer's
    words (`hope for "a positive outcome."`)."""
    first = text[inner.start]
    lead = lead.rstrip()
    cue = _ends_with_cue(lead)
    if cue and lead[-1] in ",:":
        return "full"
    capital = first.isupper() or first.isdigit() or first in "…."
    if capital and (not lead or cue or lead[-1] in ",:;—–-(" or lead[-1] in _MARKS):
        return "full"
    return "partial"


def _ends_with_cue(lead: str) -> bool:
    words = lead.split()
    return bool(words) and words[-1].rstrip(",:").lower() in CUE_VERBS


def _title(text: str) -> bool:
    """ "Sons of Trump", "Meet the Press": every word capitalised, no ! or ?: a title, not
    words anyone said."""
    words = [w for w in _WORD.findall(text) if w.lower() not in _SMALL_WORDS]
    return bool(words) and len(words) <= 8 and "!" not in text and "?" not in text and all(
        w[0].isupper() for w in words)


_SMALL_WORDS = frozenset({
    "a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by", "from",
    "as", "is", "it",
})


def _gap_joins(text: str, lookup: _Sentences, start: int, end: int) -> bool:
    """Whether the words between two quotes only attribute them (`," he said, "` or
    `," said Jane Doe, a senior analyst at X. "`): one reporting clause, no new sentence."""
    gap = text[start:end]
    if not gap.strip(" ,.:;—–-\xa0"):
        return True
    toks = tokens(text, start, end)
    if not toks or len(toks) > 40 or _cue_index(toks, last=False) is None:
        return False
    if gap.rstrip()[-1:] not in (",", ".", ":", ";", "—"):
        return False
    k = bisect.bisect_right(lookup.starts, toks[0].start)
    return k >= len(lookup.starts) or lookup.starts[k] >= end


@dataclass(slots=True)
class _Part:
    """One quotation on its way to becoming a `Quote`."""

    pair: _Pair
    inner: Span
    kind: QuoteKind
    speaker: _Speaker | None
    joins: bool  # continues the utterance of the full quote before it


def extract_quotes(article: Article, sentences: Sequence[Sentence],
                   entities: Entities) -> tuple[Quote, ...]:
    """The article's quotes, verbatim, each with its speaker and kind.

    Args:
        article: the article; every quote's span indexes `article.text`.
        sentences: its sentences (`segment.split_sentences`), for the reporting clauses.
        entities: from `extract_entities`, to resolve "Asif", "he", "TTP" to full names.

    Returns:
        Quotes in text order; `quote.text == article.text[quote.span.start:quote.span.end]`.
        A quote split by its attribution comes as consecutive parts with the same speaker.
        `speaker` is a full name, an organisation or place, the phrase as written ("a
        senior official") when it names no one known, or None when nothing attributes it.
    """
    text = article.text
    resolver = _Resolver(article, entities)
    lookup = _Sentences(sentences)
    paragraphs = [p for p in article.paragraphs if p.kind == "paragraph"]
    parts: list[_Part] = []
    carried: _Part | None = None  # a full quote left open at the previous paragraph's end
    for n, para in enumerate(paragraphs):
        following = paragraphs[n + 1].text.lstrip()[:1] if n + 1 < len(paragraphs) else ""
        lo, hi = para.span.start, para.span.end
        last_full, previous_end = carried, lo
        quoted: list[_Pair] = []
        for pair in _pairs(text, lo, hi, following in _DOUBLE):
            inner = _trimmed(text, pair)
            if inner is None:
                continue
            sentence = lookup.around(pair.start - 1) or lookup.around(inner.start)
            sentence_from = max(sentence.start if sentence else lo, lo)
            lead_from = max(sentence_from, previous_end)
            lead = text[lead_from : pair.start - 1] if pair.start - 1 > lead_from else ""
            previous_end = pair.end + 1
            quoted.append(pair)
            if _title(text[inner.start : inner.end]) and not _ends_with_cue(lead):
                continue
            after = None if pair.open_end else _after_speaker(
                text, resolver, pair.end + 1, *_after_end(text, lookup, pair.end, hi))
            joins = last_full is not None and (
                last_full is carried or after is None and _gap_joins(
                    text, lookup, last_full.pair.end + 1, pair.start - 1))
            if joins and last_full is not None:
                while parts[-1] is not last_full:
                    parts.pop()  # a title quoted inside the attribution: `told NBC's "Today"`
                kind = last_full.kind
            else:
                kind = _kind(text, lead, inner)
            speaker = after or (_before_speaker(text, resolver, sentence_from, pair.start - 1,
                                                quoted) if lead else None)
            if speaker is None and not joins and kind == "full" and not lead.strip() \
                    and n and pair.start - 1 == lo:
                speaker = _paragraph_speaker(text, resolver, lookup, paragraphs[n - 1], parts)
            if speaker is not None:
                resolver.heard(speaker)
            part = _Part(pair, inner, kind, speaker, joins)
            parts.append(part)
            if kind == "full":
                last_full = part
        carried = last_full if last_full is not None and last_full.pair.open_end else None
    quotes = _utterances(text, parts)
    logger.debug("article %s: %d quotes", article.id, len(quotes))
    return tuple(quotes)


def _after_end(text: str, lookup: _Sentences, close: int, para_end: int) -> tuple[int, int]:
    """Where the reporting clause after a closing mark can end, and within how many words
    its verb must come: the rest of the quote's sentence, or, when the quote closed its
    sentence (`"… now?" Trump asked.`), the next sentence's first words."""
    sentence = lookup.around(close)
    end, reach = (sentence.end if sentence else para_end), _MAX_CLAUSE
    if end <= close + 1:
        rest = text[close + 1 : para_end]
        nxt = lookup.around(close + 1 + len(rest) - len(rest.lstrip()))
        end, reach = (nxt.end, _NEXT_SENTENCE_REACH) if nxt else (close + 1, 0)
    mark = _DOUBLE_MARK.search(text, close + 1, end)
    return (mark.start() if mark else end), reach


def _paragraph_speaker(text: str, resolver: _Resolver, lookup: _Sentences,
                       before: Paragraph, parts: list[_Part]) -> _Speaker | None:
    """The speaker of a paragraph that is only a quote: the previous paragraph introduced it
    (`Cruz continued:`) or ended on a quote by the same speaker."""
    last = lookup.around(before.span.end - 1)
    if last is not None and text[last.start : last.end].rstrip().endswith(":"):
        return _before_speaker(text, resolver, last.start, last.end)
    if parts and parts[-1].kind == "full" and before.span.start <= parts[-1].pair.end and \
            len(tokens(text, parts[-1].pair.end, before.span.end)) <= _MAX_NP:
        return parts[-1].speaker  # only its attribution came after it: the speaker goes on
    return None


def _utterances(text: str, parts: list[_Part]) -> list[Quote]:
    """Give every part of an utterance one speaker: the first that names someone, else the
    first phrase found (`"…," he said, "…"` names it after the first part)."""
    out: list[Quote] = []
    k = 0
    while k < len(parts):
        j = k + 1
        while j < len(parts) and parts[j].joins:
            j += 1
        found = [p.speaker for p in parts[k:j] if p.speaker is not None]
        speaker = next((s for s in found if s.name), found[0] if found else None)
        for part in parts[k:j]:
            out.append(Quote(text[part.inner.start : part.inner.end], part.inner,
                             speaker.name if speaker else None, part.kind,
                             speaker.span if speaker else None, part.joins))
        k = j
    return out
