"""The timeline and the date normaliser behind it (`newsbrief.facts.timeline`, `.timex`)."""

from __future__ import annotations

import random
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import DATA, need
from conftest import build_article as _build_article

from newsbrief.evaluate import dates as eval_dates
from newsbrief.facts.timeline import Timex, build_timeline, find_timexes
from newsbrief.ingest import ingest
from newsbrief.records import Article, Paragraph, Span
from newsbrief.segment import split_sentences

# The seed's dateline: Thursday, 6 November 2025 (ISO week 45).
ANCHOR = datetime(2025, 11, 6, 10, 27)


def build_article(*paragraphs: str, published: datetime | None = ANCHOR) -> Article:
    """A tiny article dated by the seed's dateline unless told otherwise."""
    return _build_article(*paragraphs, published=published)


def timex(text: str, written: str, anchor: datetime | date | None = ANCHOR) -> Timex:
    """The expression written `written` in `text`; fails if it was not found."""
    found = find_timexes(text, anchor)
    for t in found:
        if t.as_written == written:
            return t
    raise AssertionError(f"{written!r} not found in {text!r}: {[t.as_written for t in found]}")


@pytest.fixture(scope="module")
def seed_timeline(seed_path: Path) -> tuple[Article, tuple]:
    article = ingest(seed_path).unwrap()
    return article, build_timeline(article, split_sentences(article))


def test_timeline_seed_matches_gold(seed_timeline, seed_expected) -> None:
    article, timeline = seed_timeline
    assert article.published == ANCHOR
    got = {(e.date, e.as_written) for e in timeline}
    for gold in seed_expected["timeline"]:
        assert (gold["date"], gold["as_written"]) in got, gold


@pytest.mark.parametrize(("written", "date_value", "event_word"), [
    ("October 18-19", "2025-10-18/2025-10-19", "Doha"),
    ("from October 25", "2025-10-25", "Istanbul"),
    ("last week", "2025-W44", "confirmed"),
    ("earlier this month", "2025-11", "clashes"),
    ("ahead of crucial peace talks in Turkey", None, "talks"),
])
def test_timeline_seed_events(seed_timeline, written, date_value, event_word) -> None:
    _, timeline = seed_timeline
    event = next(e for e in timeline if e.as_written == written)
    assert event.date == date_value
    assert event_word in event.event.split()


def test_timeline_seed_is_ordered_by_date_undated_last(seed_timeline) -> None:
    _, timeline = seed_timeline
    dates = [e.date for e in timeline]
    assert dates == ["2025-10-18/2025-10-19", "2025-10-25", "2025-W44", "2025-11", None]


def test_timeline_spans_slice_text_to_as_written(seed_timeline) -> None:
    article, timeline = seed_timeline
    extra = build_article(
        "Officials met on Monday and will meet again next Tuesday, two weeks after the vote.",
        "The report, published in March 2024, covers the 1990s. Talks resume in the coming "
        "weeks.",
    )
    for art, events in ((article, timeline), (extra, build_timeline(extra,
                                                                    split_sentences(extra)))):
        assert events
        for e in events:
            assert art.text[e.span.start:e.span.end] == e.as_written


def test_timeline_events_use_only_words_of_their_sentence(seed_timeline) -> None:
    article, timeline = seed_timeline
    sentences = split_sentences(article)
    for e in timeline:
        sentence = next(s for s in sentences
                        if s.span.start <= e.span.start and e.span.end <= s.span.end)
        words = set(re.findall(r"[\w'’-]+", sentence.text))
        assert set(re.findall(r"[\w'’-]+", e.event)) <= words, (e.event, sentence.text)
        assert 0 < len(e.event.split()) <= 12


def test_timeline_skips_durations_sets_and_vague_references() -> None:
    article = build_article(
        "The ceasefire has held for three years and talks happen every week. "
        "Relations are now tense, and the army recently moved troops."
    )
    assert build_timeline(article, split_sentences(article)) == ()


def test_timeline_ignores_dates_outside_sentences() -> None:
    article = build_article("Talks on Friday", "The talks were held on Monday.")
    label = Paragraph("Talks on Friday", Span(0, 15), kind="label")
    article = Article(id="t", title=None, text=article.text,
                      paragraphs=(label, article.paragraphs[1]), published=ANCHOR)
    timeline = build_timeline(article, split_sentences(article))
    assert [e.as_written for e in timeline] == ["Monday"]


def test_timeline_without_dateline_keeps_absolute_dates_only() -> None:
    article = build_article("The talks were held on October 18, 2025, and again last week.",
                            published=None)
    timeline = build_timeline(article, split_sentences(article))
    assert [(e.date, e.as_written) for e in timeline] == [("2025-10-18", "October 18, 2025")]


@pytest.mark.parametrize(("text", "written", "value", "kind"), [
    # absolute dates, ranges, months, years
    ("The first round was held in Doha on October 18-19.", "October 18-19",
     "2025-10-18/2025-10-19", "DATE"),
    ("It was signed on Oct. 18, 2024, in Cairo.", "Oct. 18, 2024", "2024-10-18", "DATE"),
    ("It was signed on 18 October 2025.", "18 October 2025", "2025-10-18", "DATE"),
    ("It was signed on 2025-10-18.", "2025-10-18", "2025-10-18", "DATE"),
    ("Prices fell in March 2024.", "March 2024", "2024-03", "DATE"),
    ("The vote was held in May.", "May", "2025-05", "DATE"),
    ("Growth slowed in mid-2023.", "mid-2023", "2023", "DATE"),
    ("The plan dates from 1990.", "1990", "1990", "DATE"),
    ("Sales fell in the 1990s.", "the 1990s", "199", "DATE"),
    ("Sales fell in the nineties.", "the nineties", "199", "DATE"),
    ("It shaped the 20th century.", "the 20th century", "19", "DATE"),
    # relative to the dateline
    ("He spoke yesterday.", "yesterday", "2025-11-05", "DATE"),
    ("He spoke last week.", "last week", "2025-W44", "DATE"),
    ("Clashes broke out earlier this month.", "earlier this month", "2025-11", "DATE"),
    ("It happened two weeks ago.", "two weeks ago", "2025-W43", "DATE"),
    ("Profit fell a year ago.", "a year ago", "2024", "DATE"),
    ("Prices rose over the past year.", "the past year", "2024", "DATE"),
    ("They will meet next Tuesday.", "next Tuesday", "2025-11-11", "DATE"),
    ("They met last Friday.", "last Friday", "2025-10-31", "DATE"),
    ("Crowds gathered this weekend.", "this weekend", "2025-W45-WE", "DATE"),
    ("They will vote tonight.", "tonight", "2025-11-06TNI", "TIME"),
    ("Polls close at 5 p.m. EST Nov. 9.", "5 p.m. EST Nov. 9", "2025-11-09T17:00", "TIME"),
    # tense decides which way a bare weekday points
    ("She resigned on Monday.", "Monday", "2025-11-03", "DATE"),
    ("She will resign on Monday.", "Monday", "2025-11-10", "DATE"),
    ("They met on Sunday.", "Sunday", "2025-11-02", "DATE"),
    # seasons, quarters, halves
    ("Fighting flared last summer.", "last summer", "2025-SU", "DATE"),
    ("Fuel will run short this winter.", "this winter", "2025-WI", "DATE"),
    ("Revenue rose 5% in Q3 2024.", "Q3 2024", "2024-Q3", "DATE"),
    ("Third-quarter profit rose 5%.", "Third-quarter", "2025-Q3", "DATE"),
    ("Sales grew 4% in the first half of 2024.", "the first half of 2024", "2024-H1", "DATE"),
    ("Profit in the third quarter rose from a year earlier.", "a year earlier", "2024-Q3",
     "DATE"),
    # durations and sets keep their TimeML values
    ("The war lasted for three years.", "three years", "P3Y", "DURATION"),
    ("The talks lasted a year and a half.", "a year and a half", "P1Y6M", "DURATION"),
    ("The flight took 5 1/2 hours.", "5 1/2 hours", "PT5H30M", "DURATION"),
    ("It took a few days.", "a few days", "PXD", "DURATION"),
    ("They meet every week.", "every week", "P1W", "SET"),
    ("Officials brief reporters daily.", "daily", "P1D", "SET"),
    ("It costs $5 a year.", "a year", "P1Y", "SET"),
    # vague references
    ("Relations are tense now.", "now", "PRESENT_REF", "DATE"),
    ("The army recently moved troops.", "recently", "PAST_REF", "DATE"),
    ("Talks may resume in the near future.", "the near future", "FUTURE_REF", "DATE"),
])
def test_timex_normalises(text: str, written: str, value: str, kind: str) -> None:
    found = timex(text, written)
    assert (found.value, found.type) == (value, kind)
    assert text[found.span.start:found.span.end] == written


@pytest.mark.parametrize("text", [
    "We may respond in the same manner.",
    "Theresa May said the talks would go on.",
    "The March on Washington drew thousands.",
    "The GTX 1660 laptop costs $799.",
    "He is a 44-year-old engineer.",
    "A second round of talks began.",
    "Nonsense like 2019-99-99 or 13/45/2020 is not a date.",
    "He writes for the Sunday Times.",
    "Davis scored 20 points in the first half of the game.",
    "",
])
def test_timex_rejects_non_dates(text: str) -> None:
    assert find_timexes(text, ANCHOR) == []


def test_timex_anchor_may_be_a_date_or_missing() -> None:
    assert timex("He spoke last week.", "last week", date(2025, 11, 6)).value == "2025-W44"
    assert timex("He spoke last week.", "last week", None).value is None
    assert timex("They met on October 18.", "October 18", None).value == "XXXX-10-18"


def test_timex_yearless_dates_point_by_tense() -> None:
    """A date in a past-tense sentence is the last occurrence; "payable Dec. 7" is ahead."""
    anchor = date(2025, 2, 10)
    assert timex("The deal closed on Dec. 20.", "Dec. 20", anchor).value == "2024-12-20"
    assert timex("They will meet on Dec. 20.", "Dec. 20", anchor).value == "2025-12-20"
    late = date(2025, 10, 26)
    assert timex("The board declared a dividend payable Dec. 7.", "Dec. 7",
                 late).value == "2025-12-07"


def test_timex_the_next_day_follows_the_story() -> None:
    text = "The plane landed on March 3. The next day, crews began the search."
    assert timex(text, "The next day").value == "2025-03-04"
    assert timex("The next day, crews began.", "The next day").value is None


def test_timex_spans_slice_text_on_tempeval() -> None:
    load_tml = eval_dates.load_tml
    paths = sorted((need(DATA / "tempeval3" / "TBAQ-cleaned")).rglob("*.tml"))[:20]
    for path in paths:
        doc = load_tml(path)
        for t in find_timexes(doc.text, doc.dct):
            assert doc.text[t.span.start:t.span.end] == t.as_written


def test_eval_dates_rows() -> None:
    rows = eval_dates.run(need(DATA), limit=2, split="train")
    published = [r for r in rows if r["system"].endswith("(published)")]
    assert any(r["system"] == "HeidelTime-t (published)" and r["metric"] == "value_f1"
               and r["value"] == pytest.approx(0.776, abs=1e-3) for r in published)
    rows = [r for r in rows if r not in published]
    assert {r["system"] for r in rows} == {"newsbrief", "dateparser"}
    assert {r["metric"] for r in rows} == {
        "span_f1_relaxed", "span_f1_strict", "value_f1", "type_accuracy"}
    assert all(r["task"] == "dates" and r["dataset"] == "tempeval3-train" for r in rows)
    assert all(0.0 <= r["value"] <= 1.0 and r["n"] > 0 for r in rows)


def test_timex_triggers_read_the_same_whatever_the_casing_path() -> None:
    """Triggers are found on the lower-cased text unless lower-casing changes its length
    ("İ" becomes two characters); both paths give the same expressions."""
    plain = "Talks resumed on Monday in Izmir; LAST WEEK they stalled."
    turkish = plain.replace("Izmir", "İzmir")  # as long, but longer once lower-cased
    assert len(turkish) == len(plain) and len(turkish.lower()) != len(turkish)
    got = find_timexes(plain, ANCHOR)
    assert find_timexes(turkish, ANCHOR) == got
    assert [(t.as_written, t.value) for t in got] == [
        ("Monday", "2025-11-03"), ("LAST WEEK", "2025-W44")]
    # a long s the case-blind pattern takes for "s" names no trigger, and breaks nothing
    assert [t.as_written for t in find_timexes("Open ſunday and on Monday.", ANCHOR)] == [
        "Monday"]


def test_timeline_signal_word_across_several_blanks() -> None:
    article = build_article("The offer runs from\n October 25 and talks begin since  Monday.")
    got = [(e.as_written, e.date) for e in build_timeline(article, split_sentences(article))]
    assert ("from\n October 25", "2025-10-25") in got
    assert ("since  Monday", "2025-11-03") in got


def test_timeline_overlap_index_agrees_with_a_scan() -> None:
    from newsbrief.facts.timeline import _Spans

    rng = random.Random(7)
    for _ in range(200):
        spans = [Span(s, s + rng.randint(0, 30)) for s in (rng.randint(0, 300) for _ in range(8))]
        index = _Spans(spans[:4])
        for span in spans[4:]:
            assert index.overlaps(span) == any(
                s.start < span.end and span.start < s.end for s in spans[:4])
        for span in spans[4:]:
            index.add(span)
        probe = Span(rng.randint(0, 300), rng.randint(300, 340))
        assert index.overlaps(probe) == any(
            s.start < probe.end and probe.start < s.end for s in spans)
