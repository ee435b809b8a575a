"""The SQLite store: articles, their versions, stories, full-text search and feed state.

One file, in WAL mode so that readers query while a writer adds. Every article is added in
one `BEGIN IMMEDIATE` transaction — its row, versions, near-duplicate bands, search row,
clustering index and feed entry together — so a writer killed at any point leaves each
article either fully stored or absent, and a re-run skips what is already there (by the
brief id, a hash of URL and text).

Records are kept as the JSON the CLI prints (`Brief.to_dict()`), beside the columns queried.
"""

from __future__ import annotations

import base64
import json
import logging
import math
import sqlite3
import time as _time
from collections import Counter, defaultdict
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Self

import numpy as np

from .. import stories
from ..errors import StoreError
from ..records import Article, Brief
from .migrations import LATEST, migrate

if TYPE_CHECKING:
    from ..encoders import Encoder
    from ..pipeline import Pipeline

logger = logging.getLogger(__name__)

__all__ = ["LATEST", "Added", "Store"]

# Estimated Jaccard of word 5-shingles from which two texts are one article: wire copies
# and re-publications with a changed standfirst or footer score 0.8-1.0, two reports of
# one event by different writers below 0.2.
DUPLICATE = 0.7
# Related stories are looked for among articles within this many seconds of the story.
RELATED_WINDOW = 14 * 86400.0
RELATED_MIN = 0.15  # least cosine of the stories' names to call them related
Status = Literal["new", "version", "known"]


@dataclass(frozen=True, slots=True)
class Added:
    """What `Store.add` did with one brief.

    `status` is "new" (a new article), "version" (a copy, re-publication or update of a
    stored article, kept as one of its sources) or "known" (this very brief was stored
    before).
    """

    article: int
    story: int
    status: Status
    brief_id: str
    headline: str | None = None
    moved: int = 0  # earlier articles whose story changed because of this one

    def to_dict(self) -> dict[str, Any]:
        return {"article": self.article, "story": self.story, "status": self.status,
                "brief_id": self.brief_id, "headline": self.headline, "moved": self.moved}


class Store:
    """Articles and the stories they form, in one SQLite file.

    Example:
        >>> with Store("news.db") as store:
        ...     store.add(brief)
        ...     for story in store.stories(since=timedelta(days=2)):
        ...         print(story["title"])

    Args:
        path: the database file, or ":memory:".
        settings: how stories are formed (`stories.Settings`).
        timeout: seconds to wait for another process's write to finish.
        create: create the file (and its folder) if it does not exist.
        encoder: a sentence encoder (`newsbrief.encoders`, e.g. "minilm.v1") whose cosines
            join the pair scores of clustering. Only a new store can take one; it keeps
            it, so later opens use it without being told (and refuse another one).
    """

    def __init__(self, path: str | Path, *, settings: stories.Settings | None = None,
                 timeout: float = 30.0, create: bool = True, encoder: str | None = None
                 ) -> None:
        self.path = str(path)
        self.settings = settings or stories.Settings()
        self._pipeline: Pipeline | None = None
        self._encoder: Encoder | None = None
        if self.path != ":memory:":
            file = Path(self.path).expanduser()
            if not create and not file.exists():
                raise StoreError(f"no store at {self.path}: add articles first with "
                                 "`newsbrief add`, or name the store with --db.")
            file.parent.mkdir(parents=True, exist_ok=True)
            self.path = str(file)
        try:
            self._conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as e:
            raise StoreError(f"cannot open {self.path} ({e}): check the path and its "
                             "permissions, or choose another with --db.") from e
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self._conn.execute("PRAGMA journal_mode = WAL")
            # NORMAL in WAL mode: a killed process loses no committed transaction (only a
            # power cut can lose the last few), at a fraction of FULL's fsyncs.
            self._conn.execute("PRAGMA synchronous = NORMAL")
            migrate(self._conn, self.path)
            self.encoder = self._keep_encoder(encoder)
        except sqlite3.DatabaseError as e:
            self._conn.close()
            raise StoreError(f"{self.path} is not a newsbrief store ({e}): choose another "
                             "file with --db.") from e
        except StoreError:
            self._conn.close()
            raise

    def _keep_encoder(self, asked: str | None) -> str | None:
        """The store's encoder: the one it was built with, or `asked` for a new store."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'encoder'").fetchone()
        kept = row[0] if row else None
        if asked is None or asked == kept:
            return kept
        if kept is not None:
            raise StoreError(f"{self.path} was built with the {kept} encoder; {asked}'s "
                             f"vectors cannot be compared with its. Add without --encoder, "
                             "or choose a new store with --db.")
        from ..encoders import names

        if asked not in names():
            raise StoreError(f"no encoder named {asked!r}; choose from {', '.join(names())}.")
        with self._write() as db:
            if db.execute("SELECT 1 FROM articles LIMIT 1").fetchone():
                raise StoreError(
                    f"{self.path} already holds articles clustered without an encoder, and "
                    f"{asked}'s scores cannot be mixed with theirs. Add without --encoder, "
                    "or choose a new store with --db.")
            db.execute("INSERT INTO meta VALUES ('encoder', ?)", (asked,))
        return asked

    # --- life cycle -------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection (what is committed is on disk already)."""
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is stored, or none of it."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every query inside sees the same snapshot."""
        self._conn.execute("BEGIN")
        try:
            yield self._conn
        finally:
            self._conn.execute("COMMIT")

    # --- adding -----------------------------------------------------------------------

    def add(self, *items: Brief | Article | Mapping[str, Any]) -> list[Added]:
        """Store briefs (or articles, briefed here with the default pipeline), each in its
        own transaction, collapsing near-duplicates and placing each in a story."""
        briefs = [self._as_dict(item) for item in items]
        return [self._add(brief, vector=vector)
                for brief, vector in zip(briefs, self._vectors(briefs))]

    def add_entry(self, feed: str, entry: str, item: Brief | Article | Mapping[str, Any]
                  ) -> Added:
        """Store one feed entry's brief and remember the entry, in one transaction."""
        brief = self._as_dict(item)
        return self._add(brief, (feed, entry), self._vectors([brief])[0])

    def _vectors(self, briefs: list[dict[str, Any]]) -> list[np.ndarray | None]:
        """The store encoder's vectors of these briefs (one batch, before any write
        transaction, so the writer lock is not held while the model runs); Nones without
        an encoder."""
        if self.encoder is None or not briefs:
            return [None] * len(briefs)
        if self._encoder is None:
            from ..encoders import make

            self._encoder = make(self.encoder)
        return list(self._encoder.encode([stories.brief_text(b) for b in briefs]))

    def find(self, brief_id: str) -> Added | None:
        """The stored article holding this brief (`Article.id`), to skip re-briefing it."""
        return self._known(self._conn, {"id": brief_id})

    def _as_dict(self, item: Brief | Article | Mapping[str, Any]) -> dict[str, Any]:
        if isinstance(item, Brief):
            return item.to_dict()
        if isinstance(item, Article):
            if self._pipeline is None:
                from ..pipeline import Pipeline

                self._pipeline = Pipeline.default()
            return self._pipeline(item).to_dict()
        if not {"id", "article"} <= item.keys():
            raise StoreError("Store.add takes a Brief, an Article or a Brief.to_dict() dict "
                             "(with \"id\" and \"article\").")
        return dict(item)

    def _add(self, brief: dict[str, Any], entry: tuple[str, str] | None = None,
             vector: np.ndarray | None = None) -> Added:
        signature = stories.minhash(brief["article"]["text"])
        with self._write() as db:
            added = (self._known(db, brief) or self._version(db, brief, signature)
                     or self._new(db, brief, signature, vector))
            if entry:
                db.execute("INSERT OR IGNORE INTO feed_entries VALUES (?, ?, ?, ?)",
                           (*entry, added.article, _now()))
        logger.info("%s: %s article %d (story %d)", brief.get("source", {}).get("url")
                    or brief["id"], added.status, added.article, added.story)
        return added

    def _known(self, db: sqlite3.Connection, brief: dict[str, Any]) -> Added | None:
        row = db.execute(
            "SELECT a.id, a.story_id, a.headline FROM versions v JOIN articles a "
            "ON a.id = v.article_id WHERE v.brief_id = ?", (brief["id"],)).fetchone()
        return Added(row[0], row[1], "known", brief["id"], row[2]) if row else None

    def _version(self, db: sqlite3.Connection, brief: dict[str, Any],
                 signature: tuple[int, ...]) -> Added | None:
        """A copy or an update of a stored article: the same URL, or nearly the same text."""
        url = (brief.get("source") or {}).get("url")
        match, resemblance = None, 0.0
        if url:
            row = db.execute("SELECT article_id FROM versions WHERE url = ? LIMIT 1",
                             (url,)).fetchone()
            if row:
                match = row[0]
                resemblance = stories.resemblance(signature, self._signature(db, match))
        if match is None:
            match, resemblance = self._near_duplicate(db, signature)
        if match is None:
            return None
        db.execute(
            "INSERT INTO versions (article_id, brief_id, url, outlet, published, added, "
            "resemblance, brief) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (match, brief["id"], url, (brief.get("source") or {}).get("outlet"),
             brief.get("published"), _now(), round(resemblance, 3), _json(brief)))
        if url and resemblance < 1.0 and db.execute(
                "SELECT COUNT(*) FROM versions WHERE article_id = ? AND url = ?",
                (match, url)).fetchone()[0] > 1:
            # An update of a page already stored: show its newest text.
            db.execute("UPDATE articles SET headline = ?, brief = ? WHERE id = ?",
                       (brief.get("headline"), _json(brief), match))
            db.execute("UPDATE search SET headline = ?, text = ? WHERE rowid = ?",
                       (brief.get("headline"), brief["article"]["text"], match))
        story, headline = db.execute("SELECT story_id, headline FROM articles WHERE id = ?",
                                     (match,)).fetchone()
        return Added(match, story, "version", brief["id"], headline)

    def _signature(self, db: sqlite3.Connection, article: int) -> list[int]:
        row = db.execute("SELECT minhash FROM signatures WHERE article_id = ?",
                         (article,)).fetchone()
        signature: list[int] = json.loads(row[0])
        return signature

    def _near_duplicate(self, db: sqlite3.Connection, signature: tuple[int, ...]
                        ) -> tuple[int | None, float]:
        bands = stories.bands(signature)
        rows = db.execute(
            "SELECT DISTINCT l.article_id, s.minhash FROM lsh l JOIN signatures s "
            "ON s.article_id = l.article_id WHERE " + " OR ".join(
                ["(l.band = ? AND l.hash = ?)"] * len(bands)),
            [x for pair in enumerate(bands) for x in pair]).fetchall()
        best, best_score = None, 0.0
        for article, stored in rows:
            score = stories.resemblance(signature, json.loads(stored))
            if score >= DUPLICATE and score > best_score:
                best, best_score = article, score
        return best, best_score

    def _new(self, db: sqlite3.Connection, brief: dict[str, Any],
             signature: tuple[int, ...], vector: np.ndarray | None) -> Added:
        feats = stories.article_features(brief, vector)
        moment = feats.time if feats.time is not None else _time.time()
        feats = replace(feats, time=moment)
        source = brief.get("source") or {}
        cur = db.execute(
            "INSERT INTO articles (story_id, headline, published, time, added, brief, "
            "features, background) VALUES (0, ?, ?, ?, ?, ?, '{}', 0)",
            (brief.get("headline"), brief.get("published"), moment, _now(), _json(brief)))
        article = int(cur.lastrowid or 0)
        db.execute(
            "INSERT INTO versions (article_id, brief_id, url, outlet, published, added, "
            "resemblance, brief) VALUES (?, ?, ?, ?, ?, ?, 1.0, ?)",
            (article, brief["id"], source.get("url"), source.get("outlet"),
             brief.get("published"), _now(), _json(brief)))
        db.execute("INSERT INTO signatures VALUES (?, ?)", (article, json.dumps(signature)))
        db.executemany("INSERT OR IGNORE INTO lsh VALUES (?, ?, ?)",
                       [(band, h, article) for band, h in enumerate(stories.bands(signature))])
        db.execute("INSERT INTO search (rowid, headline, text) VALUES (?, ?, ?)",
                   (article, brief.get("headline"), brief["article"]["text"]))
        placed = stories.StoryClusterer(_SqliteIndex(db), self.settings).add(article, feats)
        return Added(article, placed.story, "new", brief["id"], brief.get("headline"),
                     len(placed.moved))

    # --- feeds ------------------------------------------------------------------------

    def feed_state(self, url: str) -> tuple[str | None, str | None]:
        """The ETag and Last-Modified a feed last answered with, for a conditional GET."""
        row = self._conn.execute("SELECT etag, modified FROM feeds WHERE url = ?",
                                 (url,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def save_feed_state(self, url: str, etag: str | None, modified: str | None,
                        status: str) -> None:
        """Remember a feed's validators, once all its new entries are stored."""
        with self._write() as db:
            db.execute(
                "INSERT INTO feeds (url, etag, modified, checked, status) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, "
                "modified = excluded.modified, checked = excluded.checked, "
                "status = excluded.status", (url, etag, modified, _now(), status))

    def has_entry(self, feed: str, entry: str) -> bool:
        """Whether this feed entry was stored before."""
        row = self._conn.execute("SELECT 1 FROM feed_entries WHERE feed = ? AND entry = ?",
                                 (feed, entry)).fetchone()
        return row is not None

    # --- reading ----------------------------------------------------------------------

    def stories(self, *, since: datetime | timedelta | None = None, limit: int = 50
                ) -> list[dict[str, Any]]:
        """Developing stories, the latest first: title, first and last seen, articles,
        outlets.

        Args:
            since: only stories with an article published after this time (a timedelta
                counts back from now).
            limit: the most stories returned.
        """
        after = _since(since)
        with self._read() as db:
            rows = db.execute(
                "SELECT story_id, MIN(time), MAX(time), COUNT(*) FROM articles "
                "WHERE story_id IN (SELECT story_id FROM articles WHERE time >= ?) "
                "GROUP BY story_id ORDER BY MAX(time) DESC, story_id DESC LIMIT ?",
                (after, limit)).fetchall()
            return [self._summary(db, *row) for row in rows]

    def _summary(self, db: sqlite3.Connection, story: int, first: float, last: float,
                 size: int) -> dict[str, Any]:
        title = db.execute("SELECT headline FROM articles WHERE story_id = ? "
                           "ORDER BY time, id LIMIT 1", (story,)).fetchone()[0]
        outlets, sources = db.execute(
            "SELECT COUNT(DISTINCT v.outlet), COUNT(*) FROM versions v JOIN articles a "
            "ON a.id = v.article_id WHERE a.story_id = ?", (story,)).fetchone()
        return {"id": story, "title": title, "first_seen": _iso(first), "last_seen": _iso(last),
                "article_count": size, "source_count": sources, "outlet_count": outlets}

    def story(self, story_id: int) -> dict[str, Any]:
        """One story: its articles by time (each with all its sources), why they belong
        together, the merged timeline, quotes by speaker, people and related stories.

        Raises:
            StoreError: there is no such story.
        """
        _check_id(story_id, "story", self.path)
        with self._read() as db:
            rows = db.execute(
                "SELECT id, headline, published, time, brief, features FROM articles "
                "WHERE story_id = ? ORDER BY time, id", (story_id,)).fetchall()
            if not rows:
                raise StoreError(f"no story {story_id} in {self.path}: `newsbrief stories` "
                                 "lists the stories.")
            members = [self._member(db, *row) for row in rows]
            summary = self._summary(db, story_id, rows[0][3], rows[-1][3], len(rows))
            return {
                **summary,
                "why": stories.explain(members, lambda stems: self._df(db, stems)),
                "articles": [_article_view(m) for m in members],
                "timeline": stories.merge_timeline(members),
                "quotes": stories.quotes_by_speaker(members),
                "people": stories.people(members),
                "related": self._related(db, story_id, members),
            }

    def _member(self, db: sqlite3.Connection, article: int, headline: str | None,
                published: str | None, moment: float, brief: str, features: str
                ) -> dict[str, Any]:
        sources = [
            {"url": url, "outlet": outlet, "published": pub, "added": added,
             "resemblance": resemblance}
            for url, outlet, pub, added, resemblance in db.execute(
                "SELECT url, outlet, published, added, resemblance FROM versions "
                "WHERE article_id = ? ORDER BY id", (article,))]
        parsed = json.loads(brief)
        return {"id": article, "headline": headline, "published": published, "time": moment,
                "outlet": (parsed.get("source") or {}).get("outlet"), "sources": sources,
                "brief": parsed, "features": json.loads(features)}

    def articles(self, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Stored articles, the latest first: id, story, headline, published, outlet and how
        many sources (copies, versions) each has."""
        with self._read() as db:
            rows = db.execute(
                "SELECT a.id, a.story_id, a.headline, a.published, "
                "json_extract(a.brief, '$.source.outlet'), "
                "(SELECT COUNT(*) FROM versions v WHERE v.article_id = a.id) "
                "FROM articles a ORDER BY a.time DESC, a.id DESC LIMIT ? OFFSET ?",
                (limit, offset)).fetchall()
        return [{"id": i, "story": story, "headline": headline, "published": published,
                 "outlet": outlet, "source_count": sources}
                for i, story, headline, published, outlet, sources in rows]

    def article(self, article_id: int) -> dict[str, Any]:
        """One article: its story, its brief and all its sources.

        Raises:
            StoreError: there is no such article.
        """
        _check_id(article_id, "article", self.path)
        with self._read() as db:
            row = db.execute("SELECT id, headline, published, time, brief, features, story_id "
                             "FROM articles WHERE id = ?", (article_id,)).fetchone()
            if row is None:
                raise StoreError(f"no article {article_id} in {self.path}: `newsbrief search` "
                                 "finds articles.")
            member = self._member(db, *row[:6])
            return {**_article_view(member), "story": row[6], "brief": member["brief"]}

    def search(self, query: str, *, limit: int = 20) -> list[dict[str, Any]]:
        """Full-text search of headlines and texts, best match first, with snippets.

        `query` is FTS5 syntax (`"exact phrase"`, `word*`, `a OR b`); anything that is not
        valid FTS5 is searched for as plain words.
        """
        sql = ("SELECT s.rowid, a.story_id, a.headline, a.published, "
               "json_extract(a.brief, '$.source.outlet'), "
               "snippet(search, 1, '[', ']', '…', 16), bm25(search, 4.0, 1.0) AS rank "
               "FROM search s JOIN articles a ON a.id = s.rowid WHERE search MATCH ? "
               "ORDER BY rank LIMIT ?")
        with self._read() as db:
            try:
                rows = db.execute(sql, (query, limit)).fetchall()
            except sqlite3.OperationalError:
                words = " ".join('"' + w.replace('"', '""') + '"' for w in query.split())
                rows = db.execute(sql, (words, limit)).fetchall() if words else []
        return [{"article": r[0], "story": r[1], "headline": r[2], "published": r[3],
                 "outlet": r[4],
                 "snippet": r[5], "score": round(-r[6], 3)} for r in rows]

    def related(self, article_id: int, *, limit: int = 5) -> list[dict[str, Any]]:
        """Stories related to this article's story: the same people or places, another
        event; the most related first.

        Raises:
            StoreError: there is no such article.
        """
        _check_id(article_id, "article", self.path)
        with self._read() as db:
            row = db.execute("SELECT story_id FROM articles WHERE id = ?",
                             (article_id,)).fetchone()
            if row is None:
                raise StoreError(f"no article {article_id} in {self.path}: `newsbrief search` "
                                 "finds articles.")
            rows = db.execute(
                "SELECT id, headline, published, time, brief, features FROM articles "
                "WHERE story_id = ? ORDER BY time, id", (row[0],)).fetchall()
            members = [self._member(db, *r) for r in rows]
            return self._related(db, row[0], members, limit)

    def _related(self, db: sqlite3.Connection, story_id: int,
                 members: list[dict[str, Any]], limit: int = 5) -> list[dict[str, Any]]:
        """Other stories whose names (people, organisations, places) match this one's."""
        names = stories.centroid(m["features"].get("names", {}) for m in members)
        if not names:
            return []
        lo = members[0]["time"] - RELATED_WINDOW
        hi = members[-1]["time"] + RELATED_WINDOW
        found: set[int] = set()
        for term in stories.top_terms(names, 8):
            found.update(r[0] for r in db.execute(
                "SELECT article_id FROM postings WHERE term = ? AND time BETWEEN ? AND ? "
                "ORDER BY time DESC LIMIT 200", (term, lo, hi)))
        by_story: defaultdict[int, list[tuple[int, dict[str, float]]]] = defaultdict(list)
        for chunk in _chunks(sorted(found)):
            for article, story, features in db.execute(
                    f"SELECT id, story_id, features FROM articles WHERE id IN "
                    f"({','.join('?' * len(chunk))}) AND story_id != ?", (*chunk, story_id)):
                by_story[story].append((article, json.loads(features).get("names", {})))
        mine = _entity_names(m["brief"] for m in members)
        scored = sorted(((stories.cosine(names, stories.centroid(v for _, v in arts)), story)
                         for story, arts in by_story.items()), reverse=True)
        out = []
        for score, story in scored[:limit]:
            if score < RELATED_MIN:
                break
            first, last, size = db.execute(
                "SELECT MIN(time), MAX(time), COUNT(*) FROM articles WHERE story_id = ?",
                (story,)).fetchone()
            summary = self._summary(db, story, first, last, size)
            briefs = [json.loads(r[0]) for r in db.execute(
                "SELECT brief FROM articles WHERE story_id = ? ORDER BY time LIMIT 20",
                (story,))]
            shared = [n for n in _entity_names(briefs) if n in mine]
            out.append({**summary, "score": round(score, 3), "shared": shared})
        return out

    def _df(self, db: sqlite3.Connection, terms: Collection[str]) -> dict[str, int]:
        return _SqliteIndex(db).df(terms)


class _SqliteIndex:
    """`stories.StoryIndex` over the store's tables, inside the caller's transaction."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def count(self) -> int:
        # MAX(id) rather than COUNT(*), which scans the table: articles are never deleted,
        # so the two agree, and IDF needs no more precision than that.
        return int(self.db.execute("SELECT MAX(id) FROM articles").fetchone()[0] or 0)

    def df(self, terms: Collection[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for chunk in _chunks(list(terms)):
            out.update(self.db.execute(
                f"SELECT term, df FROM terms WHERE term IN ({','.join('?' * len(chunk))})",
                chunk).fetchall())
        return out

    def recent(self, term: str, time: float | None, window: float, limit: int) -> list[int]:
        if time is None:
            return [r[0] for r in self.db.execute(
                "SELECT article_id FROM postings WHERE term = ? ORDER BY time DESC LIMIT ?",
                (term, limit))]
        # Two index-ordered scans outward from `time`, then the closest `limit` of both.
        before = self.db.execute(
            "SELECT article_id, time FROM postings WHERE term = ? AND time BETWEEN ? AND ? "
            "ORDER BY time DESC LIMIT ?", (term, time - window, time, limit)).fetchall()
        after = self.db.execute(
            "SELECT article_id, time FROM postings WHERE term = ? AND time > ? AND time <= ? "
            "ORDER BY time LIMIT ?", (term, time, time + window, limit)).fetchall()
        both = sorted(before + after, key=lambda r: abs(r[1] - time))
        return [r[0] for r in both[:limit]]

    def load(self, ids: Collection[int]) -> dict[int, stories.Indexed]:
        out: dict[int, stories.Indexed] = {}
        for chunk in _chunks(list(ids)):
            for i, story, moment, features, background in self.db.execute(
                    f"SELECT id, story_id, time, features, background FROM articles "
                    f"WHERE id IN ({','.join('?' * len(chunk))})", chunk):
                vec = json.loads(features)
                out[i] = stories.Indexed(i, vec["terms"], vec["title"], vec["names"], moment,
                                         story, background,
                                         stories.Marks.from_dict(vec.get("marks", {})),
                                         _unpacked(vec.get("vector")))
        return out

    def sizes(self, story_ids: Collection[int]) -> dict[int, int]:
        ids = list(story_ids)
        return dict(self.db.execute(
            f"SELECT id, size FROM stories WHERE id IN ({','.join('?' * len(ids))})",
            ids).fetchall()) if ids else {}

    def links(self, ids: Collection[int]) -> dict[int, dict[int, float]]:
        out: dict[int, dict[int, float]] = {i: {} for i in ids}
        for chunk in _chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            for a, b, score in self.db.execute(
                    f"SELECT a, b, score FROM links WHERE a IN ({marks}) "
                    f"UNION ALL SELECT b, a, score FROM links WHERE b IN ({marks})",
                    (*chunk, *chunk)):
                out[a][b] = score
        return out

    def members(self, story_ids: Collection[int], time: float | None, window: float,
                limit: int) -> dict[int, int]:
        out: dict[int, int] = {}
        low, high = (-math.inf, math.inf) if time is None else (time - window, time + window)
        for story in story_ids:  # a few stories, each an index range scan
            for (i,) in self.db.execute(
                    "SELECT id FROM articles WHERE story_id = ? AND time BETWEEN ? AND ? "
                    "ORDER BY time DESC LIMIT ?", (story, low, high, limit)):
                out[i] = story
        return out

    def new_story(self) -> int:
        return int(self.db.execute("INSERT INTO stories (size) VALUES (0)").lastrowid or 0)

    def save(self, article: stories.Indexed, counts: Counter[str], links: Mapping[int, float],
             backgrounds: Mapping[int, float], moves: Mapping[int, int]) -> None:
        db = self.db
        db.execute("UPDATE articles SET story_id = ?, features = ?, background = ? "
                   "WHERE id = ?", (article.story, _json(_rounded(article)),
                                    article.background, article.id))
        db.execute("UPDATE stories SET size = size + 1 WHERE id = ?", (article.story,))
        db.executemany("INSERT INTO terms VALUES (?, 1) ON CONFLICT (term) "
                       "DO UPDATE SET df = df + 1", [(t,) for t in counts])
        moment = article.time if article.time is not None else _time.time()
        db.executemany("INSERT OR IGNORE INTO postings VALUES (?, ?, ?)",
                       [(t, moment, article.id) for t in counts])
        db.executemany("INSERT OR REPLACE INTO links VALUES (?, ?, ?)",
                       [(article.id, other, score) for other, score in links.items()])
        db.executemany("UPDATE articles SET background = ? WHERE id = ?",
                       [(b, i) for i, b in backgrounds.items()])
        for i, story in moves.items():
            (old,) = db.execute("SELECT story_id FROM articles WHERE id = ?", (i,)).fetchone()
            db.execute("UPDATE articles SET story_id = ? WHERE id = ?", (story, i))
            db.execute("UPDATE stories SET size = size - 1 WHERE id = ?", (old,))
            db.execute("UPDATE stories SET size = size + 1 WHERE id = ?", (story,))


def _rounded(article: stories.Indexed) -> dict[str, Any]:
    """The vectors to 4 decimals (a third of the size, and no change to any decision), the
    event marks (a store written before marks existed reads as having none) and the
    encoder vector, if any."""
    vectors: dict[str, Any] = {k: {t: round(w, 4) for t, w in v.items()}
                               for k, v in (("terms", article.terms), ("title", article.title),
                                            ("names", article.names))}
    vectors["marks"] = article.marks.to_dict()
    if article.vector is not None:
        vectors["vector"] = _packed(article.vector)
    return vectors


def _packed(vector: np.ndarray) -> str:
    """An encoder vector as base64 of float16: 768 bytes for 384 numbers, cosines within
    0.001 of float32's."""
    return base64.b64encode(vector.astype("<f2").tobytes()).decode("ascii")


def _unpacked(text: str | None) -> np.ndarray | None:
    if text is None:
        return None
    return np.frombuffer(base64.b64decode(text), dtype="<f2").astype(np.float32)


def _article_view(member: Mapping[str, Any]) -> dict[str, Any]:
    brief = member["brief"]
    return {"id": member["id"], "headline": member["headline"],
            "published": member["published"], "outlet": member["outlet"],
            "summary": (brief.get("summary") or {}).get("short") or None,
            "sources": member["sources"]}


def _entity_names(briefs: Any) -> list[str]:
    """People, organisations and places the briefs name, in order of first mention."""
    names: dict[str, None] = {}
    for brief in briefs:
        for person in brief.get("people") or ():
            names[person["name"]] = None
        for key in ("organizations", "places"):
            for name in brief.get(key) or ():
                names[name] = None
    return list(names)


def _chunks(items: list[Any], size: int = 500) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _check_id(value: int, kind: str, path: str | Path) -> None:
    """Refuse an id SQLite cannot hold (it would raise OverflowError) as one not stored."""
    if not 0 <= value < 2**63:
        raise StoreError(f"no {kind} {value} in {path}: ids are whole numbers from 1.")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="minutes")


def _since(since: datetime | timedelta | None) -> float:
    if since is None:
        return -math.inf
    if isinstance(since, timedelta):
        return _time.time() - since.total_seconds()
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return since.timestamp()

