"""The quality gate passes on today's scores and fails on a deliberately worse reader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DATA, ROOT, need

from newsbrief.evaluate import faithfulness, gate
from newsbrief.evaluate.captures import run as captures


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return captures(need(DATA), limit=json.loads((ROOT / "eval" / "baseline.json").read_text())
                    ["limit"])


def _captures_floors(tmp_path: Path) -> Path:
    floors = json.loads((ROOT / "eval" / "baseline.json").read_text())
    floors["floors"] = {k: v for k, v in floors["floors"].items() if k.startswith("captures/")}
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(floors))
    return path


def test_gate_holds_on_todays_capture_reader(rows, tmp_path) -> None:
    result = gate.check(rows, _captures_floors(tmp_path))
    assert result.checked == 3 and result.failures == []


def test_gate_fails_on_a_worse_reader(rows, tmp_path) -> None:
    """Score the unfiltered capture (a real, worse reader) as if it were newsbrief's."""
    worse = [{**r, "system": "newsbrief"} for r in rows if r["system"] == "whole capture"]
    result = gate.check(worse, _captures_floors(tmp_path))
    assert any("captures/page-captures/f1" in f and "below the floor" in f
               for f in result.failures)


def test_gate_floors_only_rise(rows, tmp_path) -> None:
    path = _captures_floors(tmp_path)
    before = json.loads(path.read_text())["floors"]
    worse = [{**r, "system": "newsbrief"} for r in rows if r["system"] == "whole capture"]
    notes = gate.update(worse, path, limit=20, allow_regression=False)
    after = json.loads(path.read_text())["floors"]
    assert notes and all(after[k] >= v for k, v in before.items())  # recall may rise
    assert after["captures/page-captures/f1"] == before["captures/page-captures/f1"]
    gate.update(worse, path, limit=20, allow_regression=True)
    assert json.loads(path.read_text())["floors"]["captures/page-captures/f1"] < before[
        "captures/page-captures/f1"]


def test_gate_keeps_the_tasks_it_scores_on_whole_sets(rows, tmp_path) -> None:
    path = _captures_floors(tmp_path)
    assert gate.whole(path) == ["stories"]  # the baseline's: clustering is fast enough
    gate.update(rows, path, limit=20, allow_regression=False)
    assert gate.whole(path) == ["stories"] and json.loads(path.read_text())["limit"] == 20
    assert gate.whole(tmp_path / "missing.json") == []


def test_faithfulness_check_finds_an_invented_name(seed_path) -> None:
    from newsbrief import brief

    card = brief(seed_path)
    text = card.article.text
    line = "Turkey mediating talks after Pakistan-Afghanistan ceasefire"
    assert faithfulness.unsupported(line, text, text.lower()) == []
    invented = "Qatar mediating talks after 3 ceasefires"
    assert faithfulness.unsupported(invented, text, text.lower()) == ["Qatar", "3"]
    verbatim, quotes, found, checked = faithfulness.check(card)
    assert verbatim == quotes > 0 and found == checked > 0


def test_faithfulness_check_takes_a_word_after_a_closing_quote_as_a_sentence_start() -> None:
    text = "He said: “We are ready.” But there is no deal yet."
    line = "He said: “We are ready.” There is no deal yet."
    assert faithfulness.unsupported(line, text, text.lower()) == []
    assert faithfulness.unsupported("He said: “We are ready.” Tehran agreed.", text,
                                    text.lower()) == ["Tehran"]


def test_eval_speed_reports_pages_per_second_stages_and_length_growth(run) -> None:
    need(DATA / "article-extraction-benchmark" / "html")
    proc = run("eval", "speed", "--limit", "3", "--json", timeout=300)
    assert proc.returncode == 0, proc.stderr
    rows = {(r["dataset"], r["metric"]): r for r in json.loads(proc.stdout)}
    pages = rows[("article-extraction-benchmark", "pages_per_second")]
    assert pages["n"] == 3 and pages["value"] > 0
    for stage in ("ingest", "sentences", "sections", "summary", "facts", "timeline"):
        assert rows[("article-extraction-benchmark", f"ms_{stage}")]["value"] > 0
    for words in (1, 10, 100):
        row = rows[("synthetic long articles", f"ms_per_1k_words_at_{words}k")]
        assert row["n"] >= words * 1000 and row["value"] > 0
