"""`kill -9` in the middle of a real `newsbrief add`: nothing committed is lost, no article
is half-stored, and a re-run finishes the job without duplicates."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from conftest import DATA, need
from test_feeds import newsbrief_cmd  # noqa: F401  (the fixture: the installed script)

# Saved pages and text captures of the same 121 articles: the captures come back as
# versions of the pages, so the crash can land in either kind of write.
PAGES = DATA / "article-extraction-benchmark" / "html"
CAPTURES = DATA / "page-captures"


def inputs() -> list[str]:
    pages = sorted(str(p) for p in need(PAGES).glob("*.html.gz"))
    captures = sorted(str(p) for p in need(CAPTURES).glob("*.txt"))
    return [x for pair in zip(pages, captures) for x in pair]


def articles(db: Path) -> int:
    """Committed articles, read while the writer runs (WAL lets a reader in)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as conn:
            return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:
        return 0  # not created yet


def check_whole(db: Path) -> None:
    """Integrity, and every article either fully stored or absent."""
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.execute("INSERT INTO search (search) VALUES ('integrity-check')")
    ids = {r[0] for r in conn.execute("SELECT id FROM articles")}
    for table, column in (("versions", "article_id"), ("signatures", "article_id"),
                          ("lsh", "article_id"), ("search", "rowid"),
                          ("postings", "article_id")):
        found = {r[0] for r in conn.execute(f"SELECT DISTINCT {column} FROM {table}")}
        assert found == ids, f"{table} does not match the articles"
    assert not conn.execute("SELECT id FROM articles WHERE features = '{}' OR story_id = 0"
                            ).fetchall()
    sizes = dict(conn.execute("SELECT id, size FROM stories WHERE size > 0"))
    members = dict(conn.execute("SELECT story_id, COUNT(*) FROM articles GROUP BY story_id"))
    assert sizes == members
    lsh = conn.execute("SELECT article_id, COUNT(*) FROM lsh GROUP BY article_id").fetchall()
    assert all(n == 16 for _, n in lsh)
    conn.close()


def stored(db: Path) -> tuple[int, set[str]]:
    conn = sqlite3.connect(db)
    count = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    briefs = {r[0] for r in conn.execute("SELECT brief_id FROM versions")}
    conn.close()
    return count, briefs


def test_crash_sigkill_mid_add_loses_nothing_and_rerun_adds_no_duplicates(
        newsbrief_cmd, tmp_path) -> None:  # noqa: F811  (the imported fixture)
    files = inputs()
    db = tmp_path / "killed.db"
    command = [*newsbrief_cmd, "add", *files, "--db", str(db)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300  # a bound for a stuck run, not a timing assertion
    while articles(db) < 10 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "add finished before it could be killed: add more inputs"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed_at = articles(db)
    assert 10 <= killed_at < len(files)
    check_whole(db)

    rerun = subprocess.run(command, check=False, capture_output=True, text=True, timeout=900)
    assert "Traceback" not in rerun.stderr
    check_whole(db)
    clean = tmp_path / "clean.db"
    once = subprocess.run([*newsbrief_cmd, "add", *files, "--db", str(clean)],
                          check=False, capture_output=True, text=True, timeout=900)
    assert rerun.returncode == once.returncode
    assert stored(db) == stored(clean)  # the same articles and versions, none twice
    assert stored(db)[0] >= killed_at
