"""Datelines as news pages write them: parsed with their time zone when one is stated."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from newsbrief.ingest.dateline import find_dateline, parse_dateline

HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("text", "expected", "offset"),
    [
        ("Nov 06, 2025 10:27 am", datetime(2025, 11, 6, 10, 27), None),
        ("November 19, 2019 11:34 AM ET", datetime(2019, 11, 19, 11, 34), -5 * HOUR),
        ("June 3, 2019 9:00 AM ET", datetime(2019, 6, 3, 9, 0), -4 * HOUR),  # daylight time
        ("Updated 3:45 PM EST, Tue November 19, 2019", datetime(2019, 11, 19, 15, 45), -5 * HOUR),
        ("2019-11-19T10:00:00Z", datetime(2019, 11, 19, 10, 0), timedelta(0)),
        ("2019-11-19T08:57:45+01:00", datetime(2019, 11, 19, 8, 57, 45), HOUR),
        ("19 Nov 2019", datetime(2019, 11, 19), None),
        ("Published: 11/19/2019", datetime(2019, 11, 19), None),
        ("Tuesday 19 November 2019 10.02 GMT", datetime(2019, 11, 19, 10, 2), timedelta(0)),
        ("Nov. 19, 2019 8:03 am ET", datetime(2019, 11, 19, 8, 3), -5 * HOUR),
        ("Published 7:07 PM EST Nov 19, 2019", datetime(2019, 11, 19, 19, 7), -5 * HOUR),
        (
            "PUBLISHED: 10:48, Tue, Nov 19, 2019 | UPDATED: 11:05",
            datetime(2019, 11, 19, 10, 48),
            None,
        ),
        (
            "Updated 1909 GMT (0309 HKT) November 18, 2019",
            datetime(2019, 11, 18, 19, 9),
            timedelta(0),
        ),
        # w3m glued the year to the time and the zone to the next word
        (
            "Published Wed, Nov 20 20194:29 AM ESTUpdated an hour ago",
            datetime(2019, 11, 20, 4, 29),
            -5 * HOUR,
        ),
        (
            "By Jason Cipriani | November 18, 2019 -- 19:14 GMT | Topic: Hardware",
            datetime(2019, 11, 18, 19, 14),
            timedelta(0),
        ),
        ("21:17 18.11.2019", datetime(2019, 11, 18, 21, 17), None),  # dots: day first
        ("Nov. 19, 2019, 8:41 AM UTC+0100", datetime(2019, 11, 19, 8, 41), HOUR),
        (
            "Monday November 18, 2019 7:45 am PST by Joe Rossignol",
            datetime(2019, 11, 18, 7, 45),
            -8 * HOUR,
        ),
    ],
)
def test_dateline_parses_page_forms(
    text: str, expected: datetime, offset: timedelta | None
) -> None:
    parsed = parse_dateline(text)
    assert parsed is not None
    assert parsed.replace(tzinfo=None) == expected
    if offset is None:
        assert parsed.tzinfo is None, "no zone is stated, so the datetime must be naive"
    else:
        assert parsed.utcoffset() == offset


@pytest.mark.parametrize(
    "text",
    [
        "",
        "junk",
        "5 Min Read",
        "Feb 30, 2019",
        "Top 10 gadgets of 2019",
        "Call 555-1234",
        "2 hours ago",
        "\x00\x01\ufffd",
        "[" * 5000,
        "13/13/2019",
        "Nov 19",
    ],
)
def test_dateline_none_for_non_dates(text: str) -> None:
    assert parse_dateline(text) is None


def test_dateline_relative_needs_a_reference() -> None:
    noon = datetime(2020, 1, 1, 12, 0)
    assert parse_dateline("Updated 2 hours ago", relative_to=noon) == datetime(2020, 1, 1, 10, 0)
    assert parse_dateline("Updated 2 hours ago") is None


def test_dateline_find_joins_date_and_time_lines() -> None:
    lines = ["LOADING...", "Summarize", "Nov 06, 2025", "10:27 am", "What's the story"]
    assert find_dateline(lines) == (2, "Nov 06, 2025 10:27 am", datetime(2025, 11, 6, 10, 27))


def test_dateline_find_returns_the_text_as_written() -> None:
    found = find_dateline(
        ["Share", "Posted by Michael David Smith on November 19, 2019, 6:21 AM EST"]
    )
    assert found is not None
    index, written, when = found
    assert (index, written) == (1, "November 19, 2019, 6:21 AM EST")
    assert when.utcoffset() == -5 * HOUR


def test_dateline_find_skips_sentences_and_pages_without_dates() -> None:
    sentence = (
        "In a speech on November 19, 2019, the president said a great many things about trade, "
        "tariffs and the state of the talks with Beijing."
    )
    assert find_dateline([sentence]) is None
    assert find_dateline(["Home", "World", "Subscribe"]) is None
    assert find_dateline([]) is None


@pytest.mark.parametrize("text", ["Tue, 19 Nov 2019 15:01:00 -0600",
                                  "November 19, 2019 3:01 PM -0600"])
def test_dateline_numeric_offset_after_time(text: str) -> None:
    """Regression: a numeric offset after the time raised KeyError('-0600')."""
    stamp = parse_dateline(text)
    assert stamp is not None and stamp.utcoffset() == timedelta(hours=-6)
    assert (stamp.day, stamp.hour, stamp.minute) == (19, 15, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dienstag, 01. Februar 2022 12:10", datetime(2022, 2, 1, 12, 10)),
        ("14. Juni 2013 at 20:51", datetime(2013, 6, 14, 20, 51)),
        ("1. März 2023", datetime(2023, 3, 1)),
        ("sábado 07 de mayo del 2022", datetime(2022, 5, 7)),
        ("7 de maio de 2022", datetime(2022, 5, 7)),
        ("le 9 décembre 2019", datetime(2019, 12, 9)),
        ("12 maggio 2021", datetime(2021, 5, 12)),
        ("3 mei 2020", datetime(2020, 5, 3)),
        ("Deutscher Tennis Bund 4. 2. 2022.", datetime(2022, 2, 4)),  # spaced, day first
        ("Jane Roe | 06.11.23", datetime(2023, 11, 6)),  # two-digit year
    ],
)
def test_dateline_parses_other_languages_and_forms(text: str, expected: datetime) -> None:
    assert parse_dateline(text) == expected


@pytest.mark.parametrize("text", ["market 5, 2020", "version 1.2.3", "1.2.3.4", "ago 5 minutes"])
def test_dateline_month_names_are_whole_words(text: str) -> None:
    assert parse_dateline(text) is None


def test_dateline_day_first_settles_slashed_dates() -> None:
    assert parse_dateline("03/05/2022") == datetime(2022, 3, 5)  # the US order by default
    assert parse_dateline("03/05/2022", day_first=True) == datetime(2022, 5, 3)
    assert parse_dateline("13/05/2022", day_first=False) == datetime(2022, 5, 13)  # 13 settles it
    assert parse_dateline("03.05.2022", day_first=False) == datetime(2022, 5, 3)  # dots: day first
    assert find_dateline(["Publicado 03/05/2022"], day_first=True) == (
        0, "03/05/2022", datetime(2022, 5, 3))
