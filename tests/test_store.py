"""The SQLite store on real SQLite files: schema migrations, concurrent readers, search,
versions, and the default path."""

from __future__ import annotations

import json
import sqlite3
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pytest

from newsbrief import Pipeline, ingest
from newsbrief.records import Brief
from newsbrief.store import Store, StoreError, default_path
from newsbrief.store.migrations import LATEST, migrate
from newsbrief.store.sqlite import _SqliteIndex, _unpacked
from newsbrief.stories import StoryClusterer, article_features, brief_text

STORY = """{title}

Nov 06, 2025 10:27 am

{body}
"""
BRIDGE = ("The harbour bridge reopened to traffic on Tuesday after eight months of repairs, "
          "the city council said, ending long detours for thousands of commuters who cross "
          "the river each day. Engineers replaced the corroded steel cables and resurfaced "
          "the deck at a cost of 42 million dollars.")
FERRY = ("The island ferry service was suspended on Wednesday after a storm damaged the main "
         "pier, the port authority said, stranding hundreds of passengers on the mainland. "
         "Divers were inspecting the pilings and the service could resume at the weekend.")


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.default()


def make(pipeline: Pipeline, title: str, body: str, url: str | None = None) -> Brief:
    text = STORY.format(title=title, body=body).encode()
    return pipeline(ingest(text, url=url).unwrap())


def test_store_new_file_has_latest_schema_in_wal_mode(tmp_path) -> None:
    path = tmp_path / "sub" / "news.db"
    with Store(path):
        pass
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_store_migrates_an_older_store_and_keeps_its_articles(tmp_path, pipeline) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, str(path), upto=1)  # a store written before feeds were remembered
    conn.close()
    with Store(path) as store:
        pass  # migrated on open
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    conn.close()
    with Store(path) as store:
        added = store.add(make(pipeline, "Harbour bridge reopens", BRIDGE))[0]
        store.save_feed_state("https://example.com/rss", '"v1"', None, "ok")
        assert store.feed_state("https://example.com/rss") == ('"v1"', None)
        assert store.article(added.article)["headline"] == "Harbour bridge reopens"


def test_store_refuses_a_newer_store(tmp_path) -> None:
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    with pytest.raises(StoreError, match=r"newer newsbrief.*Upgrade newsbrief"):
        Store(path)


def test_store_refuses_a_file_that_is_not_a_store(tmp_path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError, match="not a newsbrief store"):
        Store(path)
    with pytest.raises(StoreError, match="no store at"):
        Store(tmp_path / "missing.db", create=False)


def test_store_readers_query_while_a_writer_adds(tmp_path, pipeline) -> None:
    path = tmp_path / "news.db"
    with Store(path) as writer, Store(path, timeout=1.0) as reader:
        writer.add(make(pipeline, "Harbour bridge reopens", BRIDGE))
        # The writer holds its write transaction open; the reader still sees the last commit.
        with writer._write() as db:
            db.execute("UPDATE articles SET headline = 'uncommitted'")
            assert [s["title"] for s in reader.stories()] == ["Harbour bridge reopens"]
            assert reader.search("bridge")[0]["headline"] == "Harbour bridge reopens"


def test_store_write_is_all_or_nothing(tmp_path, pipeline, monkeypatch) -> None:
    def fail(*args: object) -> None:
        raise RuntimeError("clustering failed")  # after the article's first rows are written

    monkeypatch.setattr(StoryClusterer, "add", fail)
    with Store(tmp_path / "news.db") as store:
        with pytest.raises(RuntimeError, match="clustering failed"):
            store.add(make(pipeline, "Harbour bridge reopens", BRIDGE))
        counts = [store._conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                  for t in ("articles", "versions", "signatures", "lsh", "search", "postings")]
        assert counts == [0, 0, 0, 0, 0, 0]


def test_store_search_ranks_and_snips(tmp_path, pipeline) -> None:
    with Store(tmp_path / "news.db") as store:
        store.add(make(pipeline, "Harbour bridge reopens", BRIDGE),
                  make(pipeline, "Island ferry suspended after storm", FERRY))
        hits = store.search("ferry")
        assert [h["headline"] for h in hits] == ["Island ferry suspended after storm"]
        assert "[ferry]" in hits[0]["snippet"]
        assert len(store.search("storm OR bridge")) == 2
        assert store.search('"unbalanced quote') == []  # bad FTS5 syntax: plain words
        assert store.search("pier")[0]["headline"].startswith("Island ferry")


def test_store_update_of_a_page_is_a_version_showing_the_newest_text(tmp_path, pipeline
                                                                     ) -> None:
    url = "https://harbour.example/bridge"
    with Store(tmp_path / "news.db") as store:
        first = store.add(make(pipeline, "Harbour bridge reopens", BRIDGE, url))[0]
        update = store.add(make(pipeline, "Harbour bridge reopens after repairs",
                                BRIDGE + " Tolls will stay at the old rate until March.",
                                url))[0]
        assert update.status == "version" and update.article == first.article
        article = store.article(first.article)
        assert article["headline"] == "Harbour bridge reopens after repairs"
        assert len(article["sources"]) == 2
        assert store.search("tolls")[0]["article"] == first.article
        assert len(store.stories()) == 1


def test_store_takes_articles_and_dicts(tmp_path, pipeline) -> None:
    article = ingest(STORY.format(title="Ferry suspended", body=FERRY).encode()).unwrap()
    with Store(tmp_path / "news.db") as store:
        added = store.add(article)[0]
        assert added.status == "new"
        again = store.add(make(pipeline, "Ferry suspended", FERRY).to_dict())[0]
        assert again.status == "known"
        with pytest.raises(StoreError, match="Brief"):
            store.add({"headline": "no id"})


def test_store_keeps_what_clustering_reads(tmp_path, pipeline) -> None:
    brief = make(pipeline, "Harbour bridge reopens", BRIDGE)
    wanted = article_features(brief.to_dict())
    with Store(tmp_path / "news.db") as store:
        added = store.add(brief)[0]
    with Store(tmp_path / "news.db") as store, store._read() as db:
        stored = _SqliteIndex(db).load([added.article])[added.article]
    assert stored.marks == wanted.marks and stored.marks.days == {"tues"}
    assert "42" in stored.marks.numbers and stored.marks.phrases
    assert stored.terms.keys() == wanted.terms.keys()


def test_store_default_path_follows_the_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("NEWSBRIEF_DB", str(tmp_path / "mine.db"))
    assert default_path() == tmp_path / "mine.db"
    monkeypatch.delenv("NEWSBRIEF_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_path() == tmp_path / "data" / "newsbrief" / "newsbrief.db"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert default_path().name == "newsbrief.db" and "newsbrief" in default_path().parts


def test_store_in_memory(pipeline) -> None:
    with Store(":memory:") as store:
        store.add(make(pipeline, "Harbour bridge reopens", BRIDGE))
        assert store.stories()[0]["article_count"] == 1
        assert Path(store.path).name == ":memory:"


@pytest.mark.parametrize("bad", [0, -1, 2**63, 10**30])
def test_store_unknown_ids_are_clear_errors(tmp_path, bad) -> None:
    store = Store(tmp_path / "news.db")
    for lookup in (store.story, store.article, store.related):
        with pytest.raises(StoreError, match="no (story|article)"):
            lookup(bad)


# --- a store clustered with a sentence encoder ------------------------------------------
# It keeps the encoder and each article's vector, and refuses to mix scores made with and
# without one (or with another encoder).

needs_embed = pytest.mark.skipif(
    find_spec("sentence_transformers") is None,
    reason="the embed extra is not installed (pip install -e '.[embed]'); CI installs it")

# One event told in other words (the encoder's reason to exist), and an unrelated report.
BRIDGE_AGAIN = ("Commuters can drive across the harbour crossing again from Tuesday, the council "
                "announced, after an eight-month closure for repairs to the bridge. Crews "
                "swapped the rusted steel cables and laid a new road surface, for 42 million "
                "dollars, ending the long detours.")


def _vectors(path: object) -> dict[int, np.ndarray]:
    conn = sqlite3.connect(str(path))
    rows = conn.execute("SELECT id, features FROM articles").fetchall()
    conn.close()
    return {i: _unpacked(json.loads(f).get("vector")) for i, f in rows}


@needs_embed
def test_store_with_an_encoder_keeps_it_and_every_articles_vector(tmp_path, pipeline) -> None:
    from newsbrief.encoders import make as make_encoder

    path = tmp_path / "news.db"
    briefs = [make(pipeline, "Harbour bridge reopens", BRIDGE),
              make(pipeline, "Drivers back on the harbour crossing", BRIDGE_AGAIN)]
    with Store(path, encoder="minilm.v1") as store:
        added = store.add(*briefs)
    with Store(path) as store:  # reopened without being told: the store remembers
        assert store.encoder == "minilm.v1"
        ferry = store.add(make(pipeline, "Island ferry suspended after storm", FERRY))[0]
        stories = {s["id"]: s["article_count"] for s in store.stories()}
    vectors = _vectors(path)
    assert set(vectors) == {a.article for a in added} | {ferry.article}
    expected = make_encoder("minilm.v1").encode([brief_text(b.to_dict()) for b in briefs])
    for a, vector in zip(added, expected):
        stored = vectors[a.article]
        assert stored is not None and stored.shape == (384,)
        assert float(stored @ vector) > 0.999  # float16 on disk, the same direction
    assert added[0].story == added[1].story != ferry.story
    assert stories == {added[0].story: 2, ferry.story: 1}


def test_store_refuses_to_mix_scores_with_and_without_an_encoder(tmp_path, pipeline) -> None:
    plain = tmp_path / "plain.db"
    with Store(plain) as store:
        store.add(make(pipeline, "Harbour bridge reopens", BRIDGE))
    with pytest.raises(StoreError, match="already holds articles clustered without an encoder"):
        Store(plain, encoder="minilm.v1")
    with Store(plain) as store:  # refused, and nothing changed
        assert store.encoder is None and len(store.stories()) == 1

    encoded = tmp_path / "encoded.db"
    Store(encoded, encoder="minilm.v1").close()  # the model loads only when adding
    with pytest.raises(StoreError, match="built with the minilm.v1 encoder"):
        Store(encoded, encoder="bigger.v2")
    with pytest.raises(StoreError, match="no encoder named 'nope'; choose from minilm.v1"):
        Store(tmp_path / "new.db", encoder="nope")


def test_cli_add_with_an_unknown_encoder_is_a_plain_error(run, tmp_path) -> None:
    page = tmp_path / "bridge.txt"
    page.write_text(f"Harbour bridge reopens\n\n{BRIDGE}\n")
    result = run("add", str(page), "--db", str(tmp_path / "news.db"), "--encoder", "nope")
    assert result.returncode != 0
    assert "no encoder named 'nope'" in result.stderr
    assert "Traceback" not in result.stderr
