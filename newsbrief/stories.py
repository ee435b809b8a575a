"""Stories: near-duplicates collapsed, articles grouped into developing stories, and what a
story shows (merged timeline, quotes by speaker, people, related stories).

Clustering is incremental, so a store can take one article at a time for years:

- Each article becomes three sparse, length-normalised TF-IDF vectors over stemmed words:
  its whole text (headline words counted twice), its headline, and its names (capitalised
  words inside sentences, plus the brief's people, organisations and places).
- A new article finds its candidates through an inverted index over the articles published
  within `Settings.gap` of it, from its rarest words only, so the cost of adding one article
  depends on how many recent articles share its words, not on the size of the store.
- Each article also keeps its event marks (`Marks`): the weekdays, numbers and word 4-grams
  of its headline and lede. Events of one topic share words; reports of one event also
  name the same day and figures. On AllSides (dates removed) the marks are worth ~4 points
  of B³ F1, most of it the weekday. They count only between articles of one topic.
- The pair score combines the three cosines and the marks, minus a share of each article's
  "background" similarity (the mean of its best five scores so far): an article that resembles
  everything (one more COVID-19 update) needs more to join a story than one that resembles
  nothing. This is local scaling (CSLS, Conneau et al. 2018) applied to news; on AllSides it
  is worth ~3 points of B³ F1 over plain cosine.
- With a sentence encoder (`newsbrief.encoders`, optional), the cosine of the articles'
  vectors joins the pair score: it finds reports of one event told in different words.
- A new article is clustered together with the recent members of the stories it scores
  best with (average linkage over the pair scores, `Settings.threshold`): it joins
  one, starts one, or joins two that it bridges, and an early article that glued two
  events together can be split off. There is no fixed number of stories, the result
  depends little on arrival order, and a story goes quiet once no article has come within
  `Settings.gap` of it.

The weights and the threshold were fitted once on the development split of AllSides
(`newsbrief eval stories`) and checked on BASIL, DUC and WikiRef; a hidden split scores them.

Near-duplicates (wire copies, re-publications, updated versions) are found with MinHash
over word 5-shingles and banded LSH. The bands are written by the store in the same
transaction as the article, which is why this is our own short MinHash rather than
datasketch's in-memory `MinHashLSH`, which would have to be rebuilt on every open.
"""

from __future__ import annotations

import bisect
import logging
import math
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

import numpy as np

# PyStemmer: the Snowball stemmers in C, ~50x faster than pure Python; it ships no stubs.
import Stemmer  # type: ignore[import-not-found]

logger = logging.getLogger(__name__)

__all__ = [
    "Features", "Indexed", "Marks", "MemoryIndex", "Placement", "Settings", "StoryClusterer",
    "StoryIndex", "article_features", "bands", "brief_text", "centroid", "cosine", "encoder_text",
    "explain", "features", "marks", "merge_timeline", "minhash", "people", "quotes_by_speaker",
    "resemblance", "similarity", "timestamp", "top_terms",
]

# --- words ------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_](?:[\w'’.-]*[^\W_])?")
_SENTENCE_END = re.compile(r"[.!?:\"“”‘'\n]\s*\Z")
# Function words and newsroom filler: they say nothing about which event a text is about.
STOP_WORDS = frozenset(["a", "about", "above", "after", "again", "against", "all", "almost", "also", "although", "am", "among", "an", "and", "another", "any", "are", "around", "as", "at", "be", "became", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "done", "down", "during", "each", "either", "else", "even", "ever", "every", "few", "for", "from", "further", "get", "gets", "got", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "however", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "last", "least", "less", "let", "like", "made", "make", "many", "may", "me", "might", "more", "most", "much", "must", "my", "myself", "near", "neither", "next", "no", "nor", "not", "now", "of", "off", "often", "on", "once", "one", "only", "or", "other", "others", "our", "ours", "ourselves", "out", "over", "own", "per", "perhaps", "put", "rather", "said", "same", "say", "says", "see", "seen", "several", "she", "should", "since", "so", "some", "still", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "though", "through", "thus", "to", "told", "too", "under", "until", "up", "upon", "us", "very", "via", "was", "we", "were", "what", "whatever", "when", "where", "whether", "which", "while", "who", "whom", "whose", "why", "will", "with", "within", "without", "would", "yet", "you", "your", "yours", "yourself", "new", "news", "also", "according", "week", "weeks", "day", "days", "year", "years", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "yesterday", "tomorrow", "time", "times", "mr", "mrs", "ms", "dr", "percent", "people", "way", "well", "back", "going", "including", "two", "three", "first", "second", "among"])
_STEM_WORD = Stemmer.Stemmer("english").stemWord
_STEMS: dict[str, str] = {}
_MAX_STEMS = 500_000  # the cache is cleared past this, so a long `watch` cannot grow it forever


def _stem(word: str) -> str:
    stem = _STEMS.get(word)
    if stem is None:
        if len(_STEMS) >= _MAX_STEMS:
            _STEMS.clear()
        stem = _STEMS[word] = _STEM_WORD(word)
    return stem


def _words(text: str) -> tuple[list[str], list[str]]:
    """Stemmed content words of `text`, and the stems of those capitalised mid-sentence."""
    words: list[str] = []
    names: list[str] = []
    for m in _WORD.finditer(text):
        raw = m.group()
        low = raw.lower().replace("’", "'").removesuffix("'s")
        if low in STOP_WORDS or (len(low) < 3 and not low.isdigit()):
            continue
        stem = _stem(low.replace(".", "")) if "." in low else _stem(low)
        words.append(stem)
        start = m.start()
        if raw[0].isupper() and start and not _SENTENCE_END.search(text, max(0, start - 3), start):
            names.append(stem)
    return words, names


# --- features ---------------------------------------------------------------------------

Vector = dict[str, float]


_WEEKDAY = re.compile(r"\b(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)days?\b")
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_YEAR = re.compile(r"(?:19|20)\d\d")
PHRASE = 4  # words in a shared phrase
LEDE = 1000  # characters of text read for marks: where a report says what happened, and when


@dataclass(frozen=True, slots=True)
class Marks:
    """What reports of one event share beyond its topic's words.

    Several events of one topic (three Jan. 6 committee hearings) share their vocabulary;
    reports of the same event also name the same day, the same figures and the same phrases
    (a quote, a bill's name). A weekday names a date within a week of publication, so two
    reports inside a story's `Settings.gap` that name the same weekday mean the same day,
    and that holds whether or not the publication dates are known.
    """

    days: frozenset[str] = frozenset()  # weekday names ("tues" for Tuesday)
    numbers: frozenset[str] = frozenset()  # numbers other than single digits and years
    phrases: frozenset[int] = frozenset()  # stable hashes of lowercased word 4-grams

    def to_dict(self) -> dict[str, list[Any]]:
        return {"days": sorted(self.days), "numbers": sorted(self.numbers),
                "phrases": sorted(self.phrases)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Marks:
        return cls(frozenset(data.get("days", ())), frozenset(data.get("numbers", ())),
                   frozenset(data.get("phrases", ())))


def marks(text: str) -> Marks:
    """The event marks of a text (see `Marks`)."""
    days = frozenset(m.lower() for m in _WEEKDAY.findall(text))
    numbers = frozenset(n for n in _NUMBER.findall(text)
                        if len(n) > 1 and not _YEAR.fullmatch(n))
    words = [w.lower() for w in _WORD.findall(text)]
    phrases = frozenset(zlib.crc32(" ".join(words[i:i + PHRASE]).encode())
                        for i in range(len(words) - PHRASE + 1))
    return Marks(days, numbers, phrases)


@dataclass(frozen=True, slots=True)
class Features:
    """What clustering reads of an article: stem counts of its text, headline and names,
    its event marks, and its sentence-encoder vector when an encoder is used."""

    terms: Counter[str]
    title: Counter[str]
    names: Counter[str]
    time: float | None = None  # POSIX seconds of publication, if known
    marks: Marks = Marks()
    vector: np.ndarray | None = None  # unit length (`newsbrief.encoders`)


def features(title: str | None, text: str, *, names: Iterable[str] = (),
             time: float | None = None, vector: np.ndarray | None = None) -> Features:
    """Clustering features from plain text (the eval feeds title and text, no brief).

    Args:
        title: the headline; its words count twice, as editors put the event in it.
        text: the body.
        names: extra names (people, organisations, places) the brief found.
        time: publication time in POSIX seconds, or None when unknown.
        vector: the article's sentence-encoder vector (of `encoder_text`), if one is used.
    """
    head, head_names = _words(title or "")
    body, body_names = _words(text)
    terms = Counter(body)
    for word in head:
        terms[word] += 2
    extra = [_stem(w.lower()) for name in names for w in _WORD.findall(name)]
    return Features(terms, Counter(head), Counter(head_names + body_names + extra), time,
                    marks(f"{title or ''}\n{text[:LEDE]}"), vector)


def encoder_text(title: str | None, text: str) -> str:
    """What a sentence encoder reads of an article: the headline and the start of the text
    (MiniLM reads 256 word pieces, about 1,000 characters; the rest would be cut anyway)."""
    return f"{title or ''}\n{text[:2 * LEDE]}"


def brief_text(brief: Mapping[str, Any]) -> str:
    """`encoder_text` of a stored brief (`Brief.to_dict()`)."""
    article = brief.get("article") or {}
    return encoder_text(brief.get("headline") or article.get("title"), article.get("text") or "")


def article_features(brief: Mapping[str, Any], vector: np.ndarray | None = None) -> Features:
    """Clustering features of a stored brief (`Brief.to_dict()`), names from its facts, and
    its encoder vector if one is used."""
    names = [p["name"] for p in brief.get("people") or ()]
    names += list(brief.get("organizations") or ()) + list(brief.get("places") or ())
    published = brief.get("published")
    time = timestamp(published) if published else None
    article = brief.get("article") or {}
    return features(brief.get("headline") or article.get("title"), article.get("text") or "",
                    names=names, time=time, vector=vector)


def timestamp(iso: str) -> float:
    """POSIX seconds of an ISO 8601 time; one without a time zone is taken as UTC."""
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _weigh(counts: Counter[str], idf: Mapping[str, float]) -> Vector:
    """Sublinear TF × IDF, normalised to unit length."""
    vec = {t: (1.0 + math.log(c)) * idf[t] for t, c in counts.items() if c > 0}
    norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
    return {t: w / norm for t, w in vec.items()}


def _cos(a: Vector, b: Vector) -> float:
    # The key intersection runs in C; the few shared terms are then summed in Python.
    return sum([a[t] * b[t] for t in a.keys() & b.keys()])


# --- the index --------------------------------------------------------------------------

@dataclass(slots=True)
class Indexed:
    """An article as the clusterer keeps it: weighted vectors, time, story, background."""

    id: int
    terms: Vector
    title: Vector
    names: Vector
    time: float | None
    story: int
    background: float  # mean of its best pair scores so far (see `Settings.scale`)
    marks: Marks = Marks()
    vector: np.ndarray | None = None


class StoryIndex(Protocol):
    """Where the clusterer keeps its state: `MemoryIndex` (eval, bench) or the SQLite store.

    Every method reads or writes a bounded neighbourhood of one article, never the store.
    """

    def count(self) -> int:
        """Articles indexed (the N of IDF)."""

    def df(self, terms: Collection[str]) -> dict[str, int]:
        """How many indexed articles hold each term."""

    def recent(self, term: str, time: float | None, window: float, limit: int) -> list[int]:
        """Up to `limit` ids of articles holding `term` within `window` seconds of `time`,
        the closest in time first (all articles when `time` is None)."""

    def load(self, ids: Collection[int]) -> dict[int, Indexed]:
        """The indexed articles with these ids."""

    def sizes(self, stories: Collection[int]) -> dict[int, int]:
        """How many articles each story has."""

    def links(self, ids: Collection[int]) -> dict[int, dict[int, float]]:
        """The stored pair scores of these articles, both directions."""

    def members(self, stories: Collection[int], time: float | None, window: float,
                limit: int) -> dict[int, int]:
        """Up to `limit` articles of each story within `window` seconds of `time` (all
        when `time` is None), the latest first: id → story."""

    def new_story(self) -> int:
        """A fresh story id."""

    def save(self, article: Indexed, counts: Counter[str], links: Mapping[int, float],
             backgrounds: Mapping[int, float], moves: Mapping[int, int]) -> None:
        """Store a new article, its terms (for df and the postings), its links (raw pair
        scores), the new backgrounds of its neighbours, and the articles that move to
        another story (id → story)."""


class MemoryIndex:
    """`StoryIndex` in dictionaries: for the evaluation, the benchmark and tests."""

    def __init__(self) -> None:
        self.articles: dict[int, Indexed] = {}
        self._df: Counter[str] = Counter()
        self._postings: defaultdict[str, list[int]] = defaultdict(list)  # in order added
        self._timed: defaultdict[str, list[tuple[float, int]]] = defaultdict(list)  # by time
        self._links: defaultdict[int, dict[int, float]] = defaultdict(dict)
        self._members: defaultdict[int, list[int]] = defaultdict(list)
        self._next_story = 0

    def count(self) -> int:
        return len(self.articles)

    def df(self, terms: Collection[str]) -> dict[str, int]:
        return {t: self._df[t] for t in terms}

    def recent(self, term: str, time: float | None, window: float, limit: int) -> list[int]:
        if time is None:
            return self._postings.get(term, [])[:-limit - 1:-1]  # the newest added first
        # As the store does: up to `limit` on each side of `time`, then the closest.
        timed = self._timed.get(term, [])
        low = bisect.bisect_left(timed, (time - window, -math.inf))
        mid = bisect.bisect_right(timed, (time, math.inf))
        high = bisect.bisect_right(timed, (time + window, math.inf))
        near = timed[max(low, mid - limit):mid] + timed[mid:min(high, mid + limit)]
        return [i for _, i in sorted(near, key=lambda p: abs(p[0] - time))[:limit]]

    def load(self, ids: Collection[int]) -> dict[int, Indexed]:
        return {i: self.articles[i] for i in ids}

    def sizes(self, stories: Collection[int]) -> dict[int, int]:
        return {s: len(self._members.get(s, ())) for s in stories}

    def links(self, ids: Collection[int]) -> dict[int, dict[int, float]]:
        return {i: self._links.get(i, {}) for i in ids}

    def members(self, stories: Collection[int], time: float | None, window: float,
                limit: int) -> dict[int, int]:
        out: dict[int, int] = {}
        for story in stories:
            found = 0
            for i in reversed(self._members.get(story, [])):  # the latest added first
                t = self.articles[i].time
                if time is None or t is None or abs(t - time) <= window:
                    out[i] = story
                    found += 1
                    if found == limit:
                        break
        return out

    def new_story(self) -> int:
        self._next_story += 1
        return self._next_story

    def save(self, article: Indexed, counts: Counter[str], links: Mapping[int, float],
             backgrounds: Mapping[int, float], moves: Mapping[int, int]) -> None:
        self.articles[article.id] = article
        for i, background in backgrounds.items():
            self.articles[i].background = background
        self._members[article.story].append(article.id)
        for term in counts:
            self._df[term] += 1
            self._postings[term].append(article.id)
            if article.time is not None:
                bisect.insort(self._timed[term], (article.time, article.id))
        for other, score in links.items():
            self._links[article.id][other] = score
            self._links[other][article.id] = score
        for i, story in moves.items():
            moved = self.articles[i]
            self._members[moved.story].remove(i)
            self._members[story].append(i)
            moved.story = story

    def stories(self) -> dict[int, int]:
        """Article id → story id, for scoring."""
        return {i: a.story for i, a in self.articles.items()}


# --- the clusterer ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Settings:
    """How stories are formed. Fitted on AllSides dev (see the module docstring).

    Args:
        gap: seconds after its last article a story goes quiet and takes no more.
        threshold: the least mean pair score between two groups of articles that makes
            them one story (average linkage).
        weights: of the text, headline and names cosines in a pair score.
        topic: the least text cosine at which the marks count (they tell events of one
            topic apart, not topics).
        marks: what the event marks add to a pair score: the weight of naming the same
            weekday (taken off when both name weekdays but none in common), of sharing a
            number, and of sharing phrases (up to three count).
        scale: the share of the two articles' background similarity taken off a pair score.
        links: a story's score for a new article is the mean of the article's best
            `links` pair scores with it (fewer when the story is smaller); it ranks the
            stories to regroup.
        regroup: the most stories (those the new article scores best with, above 0)
            regrouped with it.
        members: the most recent articles of each such story regrouped.
        query_terms: the article's rarest terms used to look up candidates.
        postings: the most articles read from one term's postings.
        candidates: the most candidate articles scored.
        background_k: how many best pair scores make an article's background.
        keep: the least raw pair score stored as a link (for backgrounds and regrouping).
        encoder: when articles carry sentence-encoder vectors, the weight of their cosine
            in a pair score and what it adds to `threshold` (an encoder's cosines run
            high: two unrelated news reports score about 0.2).
    """

    gap: float = 3 * 86400.0
    threshold: float = 0.12
    weights: tuple[float, float, float] = (1.0, 1.5, 0.5)
    marks: tuple[float, float, float] = (0.2, 0.1, 0.1)
    topic: float = 0.1
    scale: float = 0.8
    links: int = 5
    regroup: int = 5
    members: int = 50
    query_terms: int = 8
    postings: int = 200
    candidates: int = 10
    background_k: int = 5
    keep: float = 0.05
    encoder: tuple[float, float] = (1.0, 0.13)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an added article went, and which earlier articles moved stories because of it."""

    article: int
    story: int
    score: float  # its story score (0 for a new story)
    moved: dict[int, int] = field(default_factory=dict)


class StoryClusterer:
    """Incremental story clustering over a `StoryIndex`.

    Example:
        >>> clusterer = StoryClusterer(MemoryIndex())
        >>> clusterer.add(1, features("Quake hits city", "A strong earthquake ..."))
    """

    def __init__(self, index: StoryIndex, settings: Settings | None = None) -> None:
        self.index = index
        self.settings = settings or Settings()

    def add(self, article_id: int, feats: Features) -> Placement:
        """Place one article in a story (a new one or an existing one) and index it."""
        s = self.settings
        index = self.index
        n = index.count() + 1
        vocabulary = feats.terms.keys() | feats.names.keys()
        df = index.df(vocabulary)
        idf = {t: math.log((n + 1) / (df.get(t, 0) + 2)) + 1.0 for t in vocabulary}
        me = Indexed(article_id, _weigh(feats.terms, idf), _weigh(feats.title, idf),
                     _weigh(feats.names, idf), feats.time, 0, 0.0, feats.marks, feats.vector)
        near = self._candidates(me, df)
        raw = {i: similarity(me, a, s) for i, a in near.items()}
        stored = index.links(near)
        me.background = self._background(raw.values())
        backgrounds = self._backgrounds(raw, stored)
        pairs = {i: raw[i] - s.scale * (me.background + backgrounds[i]) / 2 for i in raw}

        by_story: defaultdict[int, list[float]] = defaultdict(list)
        for i, score in pairs.items():
            by_story[near[i].story].append(score)
        sizes = index.sizes(by_story)
        scores = {sid: _linkage(v, sizes.get(sid, len(v)), s.links) for sid, v in by_story.items()}
        best = sorted((sid for sid, v in scores.items() if v > 0), key=lambda k: -scores[k])
        members = index.members(best[: s.regroup], me.time, s.gap, s.members)
        # Members the candidate search missed are scored too: taken as 0, a report of the
        # event that shares few rare words with this one would be split off its story.
        missed = index.load(members.keys() - near.keys())
        if missed:
            near.update(missed)
            raw.update({i: similarity(me, a, s) for i, a in missed.items()})
            stored.update(index.links(missed))
            me.background = self._background(raw.values())
            backgrounds.update(self._backgrounds({i: raw[i] for i in missed}, stored))
        moves = self._regroup(me, raw, backgrounds, stored, members)
        links = {i: round(v, 4) for i, v in raw.items() if v >= s.keep}
        changed = {i: b for i, b in backgrounds.items() if b != near[i].background}
        index.save(me, feats.terms, links, changed, moves)
        return Placement(article_id, me.story, scores.get(me.story, 0.0), moves)

    def _backgrounds(self, raw: Mapping[int, float],
                     stored: Mapping[int, Mapping[int, float]]) -> dict[int, float]:
        """Each scored article's background, its pair score with the new article included."""
        return {i: self._background([*stored[i].values(), raw[i]]) for i in raw}

    def _background(self, scores: Iterable[float]) -> float:
        k = self.settings.background_k
        return sum(sorted(scores, reverse=True)[:k]) / k

    def _candidates(self, me: Indexed, df: Mapping[str, int]) -> dict[int, Indexed]:
        """Recent articles sharing the rarest terms, best accumulated overlap first."""
        s = self.settings
        query = sorted((t for t in me.terms if df.get(t)), key=lambda t: -me.terms[t])
        acc: defaultdict[int, float] = defaultdict(float)
        for term in query[: s.query_terms]:
            w = me.terms[term]
            for i in self.index.recent(term, me.time, s.gap, s.postings):
                acc[i] += w
        top = sorted(acc, key=lambda i: -acc[i])[: s.candidates]
        return self.index.load(top)

    def _regroup(self, me: Indexed, raw: Mapping[int, float], backgrounds: Mapping[int, float],
                 stored: Mapping[int, Mapping[int, float]],
                 members: Mapping[int, int]) -> dict[int, int]:
        """Cluster the new article with `members`, the recent members of the stories it
        scores best with (average linkage over the pair scores), set `me.story`, and
        return the earlier articles whose story changed. `members` maps each to its story,
        `raw` holds the new article's pair scores with every member, `stored` every
        member's stored links.

        Regrouping a neighbourhood, not only placing the new article, lets a later article
        join two halves of one event or split a story that an early article glued together,
        so the stories depend far less on the order articles arrive in.
        """
        s = self.settings
        ids = [me.id, *members]
        bg = np.array([me.background] + [backgrounds[i] for i in members])
        score = np.empty((len(ids), len(ids)))
        for a, i in enumerate(ids):  # a missing link is a raw score of 0
            row = raw if a == 0 else stored[i]
            score[a] = [row.get(j, 0.0) for j in ids]
        score[1:, 0] = score[0, 1:]
        score -= s.scale * (bg[:, None] + bg[None, :]) / 2
        moves: dict[int, int] = {}
        taken: set[int] = set()
        cut = s.threshold + (s.encoder[1] if me.vector is not None else 0.0)
        for group in sorted(_average_linkage(score, cut), key=len, reverse=True):
            votes = Counter(members[ids[k]] for k in group if k)
            story = next((st for st, _ in votes.most_common() if st not in taken), None)
            if story is None:
                story = self.index.new_story()
            taken.add(story)
            for k in group:
                if k == 0:
                    me.story = story
                elif members[ids[k]] != story:
                    moves[ids[k]] = story
        return moves


def similarity(a: Indexed, b: Indexed, settings: Settings | None = None) -> float:
    """The raw pair score: weighted cosines of text, headline, names and encoder vectors
    (when both have one), plus event marks."""
    s = settings or Settings()
    wt, wh, wn = s.weights
    wd, wnum, wp = s.marks
    text = _cos(a.terms, b.terms)
    score = wt * text + wh * _cos(a.title, b.title) + wn * _cos(a.names, b.names)
    if a.vector is not None and b.vector is not None:
        score += s.encoder[0] * float(a.vector @ b.vector)
    if text < s.topic:  # marks tell events of one topic apart, not topics
        return score
    x, y = a.marks, b.marks
    if x.days and y.days:
        score += wd if x.days & y.days else -wd
    if x.numbers & y.numbers:
        score += wnum
    return score + wp * min(len(x.phrases & y.phrases), 3) / 3


def _average_linkage(score: np.ndarray, cut: float) -> list[list[int]]:
    """Groups of row indices of a symmetric score matrix, merged while the mean score
    between two groups is at least `cut` (UPGMA on similarities)."""
    n = len(score)
    mean = score.astype(float)
    np.fill_diagonal(mean, -np.inf)
    groups: dict[int, list[int]] = {k: [k] for k in range(n)}
    while len(groups) > 1:
        a, b = divmod(int(np.argmax(mean)), n)
        if mean[a, b] < cut:
            break
        na, nb = len(groups[a]), len(groups[b])
        merged = (na * mean[a] + nb * mean[b]) / (na + nb)
        mean[a], mean[:, a] = merged, merged
        mean[a, a] = -np.inf
        mean[b], mean[:, b] = -np.inf, -np.inf
        groups[a] += groups.pop(b)
    return list(groups.values())


def _linkage(scores: list[float], size: int, links: int) -> float:
    """Mean of the best `links` scores, counting unseen members (up to `links`) as 0."""
    m = max(1, min(links, size))
    return sum(sorted(scores, reverse=True)[:m]) / m


# --- near-duplicates --------------------------------------------------------------------

NUM_PERM = 64
BANDS = 16  # 16 bands of 4 rows: a pair at Jaccard 0.8 collides with p ≈ 0.9996, at 0.5 ≈ 0.64
_ROWS = NUM_PERM // BANDS
SHINGLE = 5
# Multiply-shift hashing (Dietzfelbinger et al. 1997): h(x) = (a·x + b) mod 2^64, high 32
# bits; a odd. Fixed seeds keep signatures stable across runs and machines.
_RNG = np.random.default_rng(20251106)
_A = _RNG.integers(1, 2**63, NUM_PERM, dtype=np.uint64) | np.uint64(1)
_B = _RNG.integers(0, 2**63, NUM_PERM, dtype=np.uint64)


def minhash(text: str) -> tuple[int, ...]:
    """The MinHash signature of `text`'s word 5-shingles (lowercased words, stable across runs)."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < SHINGLE:
        words += [""] * (SHINGLE - len(words))
    shingles = np.fromiter({zlib.crc32(" ".join(words[i:i + SHINGLE]).encode())
                            for i in range(len(words) - SHINGLE + 1)}, dtype=np.uint64)
    with np.errstate(over="ignore"):  # the arithmetic is mod 2^64 on purpose
        hashed = (_A[:, None] * shingles[None, :] + _B[:, None]) >> np.uint64(32)
    return tuple(int(v) for v in hashed.min(axis=1))


def bands(signature: Sequence[int]) -> list[int]:
    """One hash per LSH band: two articles are candidates when any band hash is equal."""
    return [zlib.crc32(repr((b, tuple(signature[b * _ROWS:(b + 1) * _ROWS]))).encode())
            for b in range(BANDS)]


def resemblance(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of two signatures' shingle sets."""
    return sum(x == y for x, y in zip(a, b)) / len(a)


# --- what a story shows -----------------------------------------------------------------


def merge_timeline(articles: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One timeline for a story: each event once, with every article that mentions it.

    Two events are the same when their event phrases share most content words (numbers
    aside) and their dates do not contradict each other; an event whose articles give
    dates or numbers that do disagree is kept once, with a `conflicts` entry that sets the
    versions side by side.

    Args:
        articles: `{"id", "outlet", "brief"}` per article, oldest first; `brief` is
            `Brief.to_dict()`.

    Returns:
        Events ordered by date (undated last): `{"date", "event", "sources": [{"article",
        "outlet", "date", "as_written"}], "conflicts": {"dates"|"numbers": {value: [article
        ids]}}}`.
    """
    groups: list[dict[str, Any]] = []
    for art in articles:
        for event in art["brief"].get("timeline") or ():
            words = {w for w in _words(event["event"])[0] if not w[0].isdigit()}
            numbers = frozenset(_NUMBER.findall(event["event"]))
            source = {"article": art["id"], "outlet": art.get("outlet"), "date": event["date"],
                      "as_written": event["as_written"], "numbers": numbers}
            group = _same_event(groups, words, event["date"])
            if group is None:
                groups.append({"words": words, "event": event["event"], "sources": [source]})
            else:
                group["words"] |= words
                group["sources"].append(source)
    out = [_merged_event(g) for g in groups]
    return sorted(out, key=lambda e: (_date_range(e["date"]) or (date.max, date.max))[0])


def _same_event(groups: list[dict[str, Any]], words: set[str],
                day: str | None) -> dict[str, Any] | None:
    best, best_score = None, 0.0
    for group in groups:
        shared = len(words & group["words"])
        if not shared:
            continue
        score = shared / len(words | group["words"])
        dates = [s["date"] for s in group["sources"]]
        # Same words and a compatible date: the same event; an agreeing date lowers the bar.
        need = 0.34 if day and day in dates else 0.5
        if score >= need and score > best_score:
            best, best_score = group, score
    return best


def _merged_event(group: dict[str, Any]) -> dict[str, Any]:
    sources = group["sources"]
    dates: dict[str, list[int]] = {}
    numbers: dict[str, list[int]] = {}
    for s in sources:
        if s["date"]:
            dates.setdefault(s["date"], []).append(s["article"])
        if s["numbers"]:
            numbers.setdefault(", ".join(sorted(s["numbers"])), []).append(s["article"])
    ranges = {d: _date_range(d) for d in dates}
    conflicts: dict[str, dict[str, list[int]]] = {}
    if any(not _overlap(ranges[a], ranges[b]) for a in dates for b in dates if a < b):
        conflicts["dates"] = dates
    if len(numbers) > 1:
        conflicts["numbers"] = numbers
    # Shown date: the one most sources give, the most precise on a tie.
    day = max(dates, key=lambda d: (len(dates[d]), len(d)), default=None)
    return {
        "date": day,
        "event": group["event"],
        "sources": [{k: v for k, v in s.items() if k != "numbers"} for s in sources],
        "conflicts": conflicts,
    }


def _date_range(value: str | None) -> tuple[date, date] | None:
    """First and last day a timeline date covers (ISO day, month, year, week, or a/b)."""
    if not value:
        return None
    if "/" in value:
        begin, end = (_date_range(v) for v in value.split("/", 1))
        return (begin[0], end[1]) if begin and end else None
    m = re.fullmatch(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?|-W(\d\d))?(?:T.*)?", value)
    if not m:
        return None
    year, month, day, week = m.groups()
    try:
        if day:
            d = date(int(year), int(month), int(day))
            return d, d
        if week:
            monday = date.fromisocalendar(int(year), int(week), 1)
            return monday, monday + timedelta(days=6)
        if month:
            start = date(int(year), int(month), 1)
            return start, (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return date(int(year), 1, 1), date(int(year), 12, 31)
    except ValueError:
        return None


def _overlap(a: tuple[date, date] | None, b: tuple[date, date] | None) -> bool:
    return a is None or b is None or (a[0] <= b[1] and b[0] <= a[1])


def quotes_by_speaker(articles: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A story's quotes grouped by speaker, each quote once with every article that has it.

    Returns:
        `[{"speaker", "quotes": [{"text", "kind", "sources": [{"article", "outlet"}]}]}]`,
        the most quoted speaker first; unattributed quotes last, under speaker None.
    """
    speakers: dict[str | None, dict[str, dict[str, Any]]] = {}
    for art in articles:
        for quote in art["brief"].get("quotes") or ():
            said = speakers.setdefault(quote.get("speaker"), {})
            key = " ".join(_WORD.findall(quote["text"].lower()))
            # One outlet may quote part of what another quotes whole: the same quote.
            same = next((k for k in said if key in k or k in key), None)
            if same is not None and len(key) > len(same):
                said[key] = {**said.pop(same), "text": quote["text"], "kind": quote["kind"]}
            elif same is not None:
                key = same
            entry = said.setdefault(key, {"text": quote["text"], "kind": quote["kind"],
                                          "sources": []})
            source = {"article": art["id"], "outlet": art.get("outlet")}
            if source not in entry["sources"]:
                entry["sources"].append(source)
    order = sorted(speakers, key=lambda s: (s is None, -len(speakers[s]), s or ""))
    return [{"speaker": s, "quotes": list(speakers[s].values())} for s in order]


def people(articles: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The people a story names, each once with their roles and the articles naming them."""
    found: dict[str, dict[str, Any]] = {}
    for art in articles:
        for person in art["brief"].get("people") or ():
            entry = found.setdefault(person["name"], {"name": person["name"], "roles": [],
                                                       "affiliations": [], "articles": []})
            for key, value in (("roles", person.get("role")),
                               ("affiliations", person.get("affiliation"))):
                if value and value not in entry[key]:
                    entry[key].append(value)
            if art["id"] not in entry["articles"]:
                entry["articles"].append(art["id"])
    return sorted(found.values(), key=lambda p: (-len(p["articles"]), p["name"]))


def explain(articles: Sequence[Mapping[str, Any]],
            rarity: Callable[[Collection[str]], Mapping[str, int]], *, limit: int = 8
            ) -> dict[str, list[str]]:
    """Why a story's articles belong together: the people, organisations, places and
    words that at least two of them share (rarest words first).

    Args:
        articles: `{"id", "brief"}` per article.
        rarity: document frequencies of stems (rarer words say more about the event).
    """
    if len(articles) < 2:
        return {"people": [], "organizations": [], "places": [], "terms": []}
    counts: dict[str, Counter[str]] = {k: Counter() for k in ("people", "organizations",
                                                              "places")}
    words: Counter[str] = Counter()
    surface: dict[str, str] = {}
    for art in articles:
        brief = art["brief"]
        counts["people"].update({p["name"] for p in brief.get("people") or ()})
        counts["organizations"].update(set(brief.get("organizations") or ()))
        counts["places"].update(set(brief.get("places") or ()))
        text = f"{brief.get('headline') or ''} {(brief.get('lede') or {}).get('text') or ''}"
        stems = set()
        for raw in _WORD.findall(text):
            low = raw.lower().removesuffix("'s").removesuffix("’s")
            if low in STOP_WORDS or len(low) < 4 or low.isdigit():
                continue
            stem = _stem(low)
            surface.setdefault(stem, low)
            stems.add(stem)
        words.update(stems)
    out = {k: [name for name, n in c.most_common() if n >= 2][:limit] for k, c in counts.items()}
    shared = [w for w, n in words.items() if n >= 2]
    df = rarity(shared)
    shared.sort(key=lambda w: (-words[w], df.get(w, 0), w))
    out["terms"] = [surface[w] for w in shared[:limit]]
    return out


def centroid(vectors: Iterable[Vector]) -> Vector:
    """The normalised sum of unit vectors: what a story's articles say, together."""
    total: defaultdict[str, float] = defaultdict(float)
    for vec in vectors:
        for t, w in vec.items():
            total[t] += w
    norm = math.sqrt(sum(w * w for w in total.values())) or 1.0
    return {t: w / norm for t, w in total.items()}


def top_terms(vec: Vector, n: int) -> list[str]:
    """The `n` heaviest terms of a vector."""
    return sorted(vec, key=lambda t: -vec[t])[:n]


def cosine(a: Vector, b: Vector) -> float:
    """Cosine of two unit vectors."""
    return _cos(a, b)
