"""Numbered schema migrations of the SQLite store, recorded in `PRAGMA user_version`.

A migration is never edited once released: a change of schema is a new, higher number.
Opening a store applies the missing ones, each in its own transaction; a store whose
version is higher than the last one here was written by a newer newsbrief and is refused
rather than guessed at.
"""

from __future__ import annotations

import logging
import sqlite3

from ..errors import StoreError

logger = logging.getLogger(__name__)

# (version, SQL). Records are kept as the JSON the CLI prints (`Brief.to_dict()`), beside
# the few columns that are queried.
MIGRATIONS: tuple[tuple[int, str], ...] = (
    (1, """
    -- One row per article; its copies and updates are rows of `versions`.
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        story_id INTEGER NOT NULL,
        headline TEXT,
        published TEXT,            -- ISO 8601, as in the brief; NULL when unknown
        time REAL NOT NULL,        -- POSIX seconds: published, else when it was added
        added TEXT NOT NULL,
        brief TEXT NOT NULL,       -- Brief.to_dict() of the version shown
        features TEXT NOT NULL,    -- clustering vectors (stories.Indexed.to_dict())
        background REAL NOT NULL
    );
    CREATE INDEX articles_story ON articles (story_id, time);
    CREATE INDEX articles_time ON articles (time);

    CREATE TABLE versions (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles (id),
        brief_id TEXT NOT NULL UNIQUE,   -- Brief id (hash of URL and text): added once only
        url TEXT,
        outlet TEXT,
        published TEXT,
        added TEXT NOT NULL,
        resemblance REAL NOT NULL,       -- estimated Jaccard with the article's first version
        brief TEXT NOT NULL
    );
    CREATE INDEX versions_article ON versions (article_id);
    CREATE INDEX versions_url ON versions (url);

    -- Near-duplicates: MinHash signatures and their LSH bands.
    CREATE TABLE signatures (article_id INTEGER PRIMARY KEY, minhash TEXT NOT NULL);
    CREATE TABLE lsh (
        band INTEGER NOT NULL, hash INTEGER NOT NULL, article_id INTEGER NOT NULL,
        PRIMARY KEY (band, hash, article_id)
    ) WITHOUT ROWID;

    -- Stories and the clustering index: document frequencies, postings by time, pair links.
    CREATE TABLE stories (id INTEGER PRIMARY KEY, size INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE postings (
        term TEXT NOT NULL, time REAL NOT NULL, article_id INTEGER NOT NULL,
        PRIMARY KEY (term, time, article_id)
    ) WITHOUT ROWID;
    CREATE TABLE links (
        a INTEGER NOT NULL, b INTEGER NOT NULL, score REAL NOT NULL, PRIMARY KEY (a, b)
    ) WITHOUT ROWID;
    CREATE INDEX links_b ON links (b, a);

    CREATE VIRTUAL TABLE search USING fts5 (headline, text, tokenize = 'porter unicode61');
    """),
    (2, """
    -- Feeds polled by `newsbrief watch`: validators for conditional GET, and entries seen.
    CREATE TABLE feeds (
        url TEXT PRIMARY KEY, etag TEXT, modified TEXT, checked TEXT, status TEXT
    );
    CREATE TABLE feed_entries (
        feed TEXT NOT NULL, entry TEXT NOT NULL, article_id INTEGER, added TEXT NOT NULL,
        PRIMARY KEY (feed, entry)
    ) WITHOUT ROWID;
    """),
    (3, """
    -- Settings a store keeps for its life: which sentence encoder made its vectors, if any.
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    """),
)

LATEST = MIGRATIONS[-1][0]


def schema_version(conn: sqlite3.Connection) -> int:
    """The version recorded in the store (0 for a new, empty file)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, name: str, upto: int = LATEST) -> int:
    """Bring the store up to version `upto` and return the version it had.

    Raises:
        StoreError: the store was written by a newer newsbrief.
    """
    found = schema_version(conn)
    if found > LATEST:
        raise StoreError(
            f"{name} has schema version {found}, written by a newer newsbrief; this one reads "
            f"up to version {LATEST}. Upgrade newsbrief (pip install -U newsbrief), or use "
            "another --db."
        )
    for version, sql in MIGRATIONS:
        if found < version <= upto:
            logger.info("%s: migrating the store to schema version %d", name, version)
            try:
                conn.execute("BEGIN IMMEDIATE")
                # executescript would commit first; run each statement inside our transaction.
                for statement in _statements(sql):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version:d}")
                conn.execute("COMMIT")
            except sqlite3.Error as e:
                conn.execute("ROLLBACK")
                raise StoreError(
                    f"{name}: migration to schema version {version} failed ({e}); the store "
                    "is unchanged. Check the file is a newsbrief store and is writable."
                ) from e
    return found


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (none of ours has a `;` inside a literal)."""
    lines = [line.split("--", 1)[0] for line in sql.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
