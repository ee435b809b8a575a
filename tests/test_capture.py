"""The text-capture reader on the seed, on hand-made captures and on the real page captures."""

from __future__ import annotations

import textwrap
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import DATA

from newsbrief.evaluate.captures import score_captures
from newsbrief.ingest.capture import read_capture
from newsbrief.records import ParsedPage

SEED_HEADLINE = "'Only war if...': Pakistan warns Afghanistan ahead of truce talks"


def w3m(*blocks: str) -> str:
    """A capture as w3m renders one: blocks apart by a blank line, lines wrapped at 100 columns."""
    return "\n\n".join(
        "\n".join(wrapped for line in block.split("\n") for wrapped in wrap_line(line))
        for block in blocks
    )


def wrap_line(line: str) -> list[str]:
    indent = line[: len(line) - len(line.lstrip())]
    return textwrap.wrap(line, width=99, subsequent_indent=indent) if len(line) > 99 else [line]


@pytest.fixture(scope="module")
def seed_page(seed_path: Path) -> ParsedPage:
    return read_capture(seed_path.read_text(encoding="utf-8"))


def test_capture_seed_headline_related_and_dateline(seed_page: ParsedPage) -> None:
    assert seed_page.title == SEED_HEADLINE
    assert seed_page.related == ("Turkey to mediate Pakistan-Afghanistan peace talks",)
    assert seed_page.dateline == "Nov 06, 2025 10:27 am"
    assert seed_page.published == datetime(2025, 11, 6, 10, 27)
    assert seed_page.published.tzinfo is None  # the seed states no time zone
    assert seed_page.lede_label == "What's the story"


def test_capture_seed_lede_is_the_first_paragraph(
    seed_page: ParsedPage, seed_expected: dict
) -> None:
    lede = seed_page.blocks[0]
    assert lede.kind == "paragraph"
    assert lede.text.startswith(seed_expected["lede"]["starts_with"])
    assert lede.text.endswith(seed_expected["lede"]["ends_with"])


def test_capture_seed_sections(seed_page: ParsedPage, seed_expected: dict) -> None:
    kinds = [b.kind for b in seed_page.blocks]
    assert kinds == ["paragraph"] + ["label", "takeaway", "paragraph"] * 4
    sections = [seed_page.blocks[i : i + 3] for i in range(1, len(seed_page.blocks), 3)]
    for (label, takeaway, text), expected in zip(sections, seed_expected["sections"], strict=True):
        assert label.text == expected["label"]
        assert takeaway.text == expected["takeaway"]
        assert text.text.startswith(expected["starts_with"])


def test_capture_seed_interface_text_is_dropped(seed_page: ParsedPage, seed_expected: dict) -> None:
    texts = [b.text for b in seed_page.blocks]
    for interface in seed_expected["drop"]:  # "LOADING...", "Summarize"
        assert not any(interface in text for text in texts)
    assert SEED_HEADLINE not in texts
    assert "What's the story" not in texts


NEWS_PARAGRAPHS = (
    (
        "City officials on Tuesday approved a plan to rebuild the old harbour bridge, ending a "
        "debate that has divided the council for more than a decade and delayed repairs that "
        "engineers first called urgent in 2009."
    ),
    (
        "The new bridge will carry two lanes of traffic, a cycle path and a footpath, and is "
        "expected to open in the spring of 2023 if construction starts on time, the city's "
        "transport director said."
    ),
    (
        "Residents who live near the harbour said they welcomed the decision but worried about "
        'the noise and dust of three years of building work. "We have waited long enough," said '
        "one of them."
    ),
    (
        "The council will hold a public meeting next month to present the designs and to answer "
        "questions from people who live and work along the waterfront."
    ),
)


def handmade_capture() -> str:
    return w3m(
        "Skip to content\nSubscribe\nSign In",
        "  • World\n  • Business\n  • Politics\n  • Sport\n  • Opinion\n  • Weather",
        "Harbour bridge rebuild approved after decade of debate",
        "By Jane Doe\nNovember 19, 2019 11:34 AM ET",
        "  • Share on Facebook\n  • Share on Twitter\n  • Email",
        NEWS_PARAGRAPHS[0],
        NEWS_PARAGRAPHS[1],
        "Advertisement",
        "What happens next",
        NEWS_PARAGRAPHS[2],
        NEWS_PARAGRAPHS[3],
        "Share this:",
        "  • Facebook\n  • Twitter",
        "Related",
        "  • Council votes to close two libraries\n  • Storm damages harbour wall\n"
        "  • New bus routes start next week",
        "© 2019 The Harbour Gazette. All rights reserved.",
        "  • About us\n  • Contact\n  • Privacy policy\n  • Terms",
    )


def test_capture_handmade_recovers_only_the_body() -> None:
    capture = handmade_capture()
    assert max(len(line) for line in capture.splitlines()) < 100  # it is really hard-wrapped
    page = read_capture(capture)
    assert [b.text for b in page.blocks if b.kind == "paragraph"] == list(NEWS_PARAGRAPHS)
    assert [(b.kind, b.text) for b in page.blocks if b.kind != "paragraph"] == [
        ("heading", "What happens next")
    ]
    assert page.title == "Harbour bridge rebuild approved after decade of debate"
    assert page.author == "Jane Doe"
    assert page.dateline == "November 19, 2019 11:34 AM ET"
    assert page.published is not None
    assert page.published.utcoffset() == -timedelta(hours=5)
    assert page.lede_label is None  # not a story-card page
    body = " ".join(b.text for b in page.blocks)
    for junk in ("Subscribe", "Advertisement", "Facebook", "Related", "libraries", "©", "Privacy"):
        assert junk not in body


def test_capture_comment_thread_is_not_the_article() -> None:
    """A comment-count link above the article does not hide it; the thread below is dropped."""
    thread = [
        f"reader{i}\nNovember 19, 2019 at 9:0{i} am\n"
        f"I think idea number {i} is the worst I have heard in years, and the council should drop "
        "it at once, because nobody who lives near the harbour ever asked for it.\nReply"
        for i in range(9)
    ]
    capture = w3m(
        "Home",
        "We use this space to tell you about our offers and the other things you may want to "
        "read about today, and we think that you will like them a lot.",
        "12 comments",
        "Harbour bridge rebuild approved after decade of debate",
        "By Jane Doe",
        *NEWS_PARAGRAPHS[:2],
        "34 Comments",
        *thread,
    )
    page = read_capture(capture)
    assert [b.text for b in page.blocks] == list(NEWS_PARAGRAPHS[:2])
    assert page.author == "Jane Doe"


@pytest.mark.parametrize(
    "capture",
    [
        "",
        "   \n\n  \n",
        "Just one line of text",
        "\x00\x01\x02 binary \ufffd junk [ ] [ ]",
        w3m(
            "Skip to content",
            "  • Home\n  • World\n  • Business\n  • Tech\n  • Sport",
            "  • About\n  • Contact\n  • Careers\n  • Privacy",
            "Subscribe\nSign In",
            "© 2019 Example Media",
        ),
        "[" * 3000 + "\n" + "word " * 5000,
    ],
    ids=["empty", "blank", "one-line", "binary", "menus-only", "pathological"],
)
def test_capture_without_article_has_no_blocks(capture: str) -> None:
    page = read_capture(capture)
    assert isinstance(page, ParsedPage)
    assert page.blocks == ()


def test_capture_f1_on_real_page_captures() -> None:
    if not (DATA / "page-captures" / "gold.json").is_file():
        pytest.skip(f"page captures not found under {DATA} (set NEWSBRIEF_SHARED)")
    result = score_captures(DATA)
    assert result["pages"] >= 100
    assert result["reader"]["f1"] >= 0.90, result["reader"]
    assert result["reader"]["f1"] > result["baseline"]["f1"] + 0.2
