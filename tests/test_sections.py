"""Topical sections (`topics.v1`): the seed kept as it is, any other article segmented and
labelled in its own words, faithfully."""

from __future__ import annotations

import gc
import random
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import DATA, need

from newsbrief import sections as topics
from newsbrief.ingest import build_article, ingest
from newsbrief.labels import FUNCTION_WORDS, MAX_LABEL_WORDS, MAX_TAKEAWAY_WORDS, sentence_tokens
from newsbrief.records import LEDE_LABEL, Article, Block, Lede, ParsedPage, Section, Snippet
from newsbrief.registry import segmenters
from newsbrief.sections import boundaries, make_topic_segmenter, section_count
from newsbrief.segment import split_sentences

BENCHMARK = DATA / "article-extraction-benchmark" / "html"
_NAME_OR_NUMBER = re.compile(r"[A-Z][\w'’.-]*|\d[\d,.:/%-]*")


def build(*paragraphs: str, headings: dict[int, str] | None = None,
          title: str | None = None) -> Article:
    """A tiny article from paragraphs; `headings` puts a subheading before paragraph i."""
    blocks: list[Block] = []
    for i, text in enumerate(paragraphs):
        if headings and i in headings:
            blocks.append(Block(headings[i], "heading"))
        blocks.append(Block(text))
    page = ParsedPage(blocks=tuple(blocks), title=title)
    return build_article(page, name="test", fmt="html", url=None, published=None)


def card(article: Article) -> tuple[Lede | None, tuple[Section, ...]]:
    return make_topic_segmenter()(article, split_sentences(article))


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def assert_faithful(article: Article, snippet: Snippet) -> None:
    """Every word comes from its spans, in order; every name and number is in the article."""
    assert snippet.spans, snippet
    assert all(0 <= s.start < s.end <= len(article.text) for s in snippet.spans)
    assert words(snippet.text) == words(" ".join(article.text[s.start:s.end]
                                                 for s in snippet.spans))
    first, *rest = snippet.text.split()
    for token in _NAME_OR_NUMBER.findall(" ".join(rest)):
        assert token.rstrip(".,:") in article.text, (token, snippet.text)
    assert first.lower().strip("\"“'‘:,") in article.text.lower(), snippet.text


def assert_card(article: Article, lede: Lede | None, sections: tuple[Section, ...]) -> None:
    assert lede is not None and lede.label == (article.lede_label or LEDE_LABEL)
    assert article.text[lede.spans[0].start:lede.spans[0].end] == lede.text
    starts = {p.span.start for p in article.paragraphs}
    ends = {p.span.end for p in article.paragraphs}
    headings = {p.span for p in article.paragraphs if p.kind != "paragraph"}
    labels = []
    for section in sections:
        assert section.span.start in starts and section.span.end in ends  # whole paragraphs
        assert section.label and section.takeaway, section
        label = section.label.text
        assert 1 <= len(label.split()) <= MAX_LABEL_WORDS, label
        assert label[0].isupper(), label
        assert label.split()[-1].lower() not in FUNCTION_WORDS, label
        assert len(section.takeaway.text.split()) <= MAX_TAKEAWAY_WORDS, section.takeaway.text
        for snippet in (section.label, section.takeaway):
            assert_faithful(article, snippet)
            assert all(section.span.start <= s.start and s.end <= section.span.end
                       or s in headings for s in snippet.spans), snippet  # own words or source
        labels.append(label.lower())
    assert len(labels) == len(set(labels)), labels


def _benchmark_pages() -> list[Path]:
    """Ten English benchmark pages with no subheadings of their own, long enough for 3+."""
    if not BENCHMARK.exists():
        return []
    pages = []
    for path in sorted(BENCHMARK.glob("*.html.gz")):
        article = ingest(path).article
        if (article and article.source.language == "en" and article.word_count >= 400
                and len(article.paragraphs) >= 8
                and all(p.kind == "paragraph" for p in article.paragraphs)):
            pages.append(path)
        if len(pages) == 10:
            break
    return pages


def test_sections_registered() -> None:
    assert "topics.v1" in segmenters.names()
    assert callable(segmenters.make("topics.v1"))


def test_sections_seed_keeps_its_four_sections(seed_path: Path, seed_expected: dict) -> None:
    article = ingest(seed_path).unwrap()
    lede, sections = card(article)
    assert lede is not None and lede.label == seed_expected["lede"]["label"]
    assert lede.text.startswith(seed_expected["lede"]["starts_with"])
    assert lede.text.endswith(seed_expected["lede"]["ends_with"])
    assert [(s.label.text if s.label else None, s.takeaway.text if s.takeaway else None)
            for s in sections] == [(s["label"], s["takeaway"]) for s in seed_expected["sections"]]
    for section, expected in zip(sections, seed_expected["sections"], strict=True):
        assert section.text.startswith(expected["starts_with"])


def test_sections_seed_without_its_headings_gets_a_card(seed_path: Path) -> None:
    seed = ingest(seed_path).unwrap()
    article = build(*(p.text for p in seed.paragraphs if p.kind == "paragraph"),
                    title=seed.title)
    lede, sections = card(article)
    assert lede is not None and lede.text.startswith("Pakistan's Defense Minister Khawaja Asif")
    assert 1 <= len(sections) <= 4
    assert_card(article, lede, sections)


@pytest.mark.parametrize("path", _benchmark_pages(), ids=lambda p: p.name[:12])
def test_sections_benchmark_page_gets_three_to_six_sections(path: Path) -> None:
    article = ingest(path).unwrap()
    lede, sections = card(article)
    assert 3 <= len(sections) <= 6, [s.label for s in sections]
    assert_card(article, lede, sections)


def test_sections_benchmark_has_ten_pages_to_test() -> None:
    need(BENCHMARK)
    assert len(_benchmark_pages()) == 10


SHORT = (
    ("The city council voted on Tuesday to close the Elm Street library for repairs, a "
     "decision that surprised many residents of the neighbourhood."),
    ("Council member Dana Ruiz said the roof had leaked for two winters and the wiring no "
     "longer met the fire code, so the repairs could not wait."),
    ("The library lends about 40,000 books a year and hosts a homework club for children "
     "from three nearby schools."),
    ("Parents at the meeting asked where the club would go. The council said the school "
     "district had offered two classrooms until the library reopens next spring."),
    ("Builders will start on the roof in March. The council expects the work to cost about "
     "1.2 million dollars, paid from a fund set aside for public buildings."),
    ("Ruiz said the library would post updates on its website and keep its reading garden "
     "open on weekends while the builders are at work."),
)


def test_sections_short_article_gets_one_or_two() -> None:
    article = build(*SHORT)
    assert 120 <= article.word_count < 250
    lede, sections = card(article)
    assert lede is not None and lede.text.startswith(SHORT[0])
    assert 1 <= len(sections) <= 2
    assert_card(article, lede, sections)


def test_sections_one_paragraph_is_all_lede() -> None:
    article = build(" ".join(SHORT))
    lede, sections = card(article)
    assert lede is not None and lede.text == " ".join(SHORT) and sections == ()


def test_sections_short_opening_paragraph_joins_the_lede() -> None:
    article = build("By Jane Doe, Reuters", *SHORT)
    lede, _ = card(article)
    assert lede is not None and lede.text.startswith("By Jane Doe") and SHORT[0] in lede.text


def test_sections_keep_subheadings_and_fill_what_is_missing() -> None:
    article = build(*SHORT, *SHORT, *SHORT, headings={2 * len(SHORT): "Library repairs"})
    lede, sections = card(article)
    kept = [s for s in sections if s.label and s.label.text == "Library repairs"]
    assert len(kept) == 1 and kept[0].text.startswith(SHORT[0])
    assert kept[0].takeaway is not None  # written from the section's own words
    # The long opening before the first subheading is a lede and sections, not one lede.
    assert lede is not None and lede.text.startswith(SHORT[0]) and SHORT[2] not in lede.text
    assert len(sections) >= 2
    assert_card(article, lede, sections)


def test_sections_non_english_article_is_segmented_unlabelled() -> None:
    article = build(*SHORT, *SHORT)
    article = replace(article, source=replace(article.source, language="de"))
    lede, sections = card(article)
    assert lede is not None and sections
    assert all(s.label is None and s.takeaway is None for s in sections)


TOPIC_A = "The river flooded the farms and the farmers lost their wheat harvest to the flood water."
TOPIC_B = "The orchestra played a new symphony and the violin soloist won praise from the music critics."


def test_sections_boundary_falls_where_the_topic_changes() -> None:
    article = build(TOPIC_A, TOPIC_A, TOPIC_A, TOPIC_B, TOPIC_B, TOPIC_B)
    paragraphs = list(article.paragraphs)
    assert boundaries(paragraphs, split_sentences(article), 2) == [3]


@pytest.mark.parametrize(("article_words", "body_words", "paragraphs", "expected"), [
    (150, 110, 4, 1),
    (240, 200, 5, 2),
    (300, 250, 6, 3),
    (700, 650, 14, 4),
    (3000, 2900, 40, 6),
    (700, 650, 2, 2),  # never more sections than paragraphs
    (500, 0, 0, 0),
])
def test_sections_count_from_length(article_words: int, body_words: int, paragraphs: int,
                                    expected: int) -> None:
    assert section_count(article_words, body_words, paragraphs) == expected


def _depth_naive(sims: np.ndarray, i: int) -> float:
    """TextTiling depth by climbing from gap i to the peak on either side."""
    left = right = sims[i]
    j = i
    while j > 0 and sims[j - 1] >= left:
        j -= 1
        left = sims[j]
    j = i
    while j < len(sims) - 1 and sims[j + 1] >= right:
        j += 1
        right = sims[j]
    return float(left + right - 2 * sims[i])


def _dense_gap_cosines(paragraphs, sentences) -> np.ndarray:
    """The block cosines from one term matrix of the whole page (the reference)."""
    rows = topics._paragraph_terms(paragraphs, sentences)
    vocab: dict[str, int] = {}
    for row in rows:
        for word, _ in row:
            vocab.setdefault(word, len(vocab))
    m = len(paragraphs)
    matrix = np.zeros((m, max(len(vocab), 1)))
    for i, row in enumerate(rows):
        for word, is_name in row:
            matrix[i, vocab[word]] += topics.NAME_WEIGHT if is_name else 1.0
    matrix *= np.log1p(m / np.maximum((matrix > 0).sum(axis=0), 1))
    k = topics.BLOCK_PARAGRAPHS
    out = []
    for g in range(m - 1):
        left = matrix[max(g + 1 - k, 0) : g + 1].sum(axis=0)
        right = matrix[g + 1 : min(g + 1 + k, m)].sum(axis=0)
        norms = np.linalg.norm(left) * np.linalg.norm(right)
        out.append(float(left @ right / norms) if norms > 0 else 0.0)
    return np.array(out)


def test_sections_cohesion_of_a_long_page_matches_one_term_matrix() -> None:
    """Scored in windows of local terms (linear cost), a long page gets the same cohesion
    across each gap as from one matrix of all its terms (paragraphs x vocabulary)."""
    rng = random.Random(7)
    pool = [*SHORT, TOPIC_A, TOPIC_B]
    article = build(*(rng.choice(pool) for _ in range(3 * topics.WINDOW_GAPS + 17)))
    paragraphs, sentences = list(article.paragraphs), split_sentences(article)
    expected = _dense_gap_cosines(paragraphs, sentences)
    assert np.allclose(topics._cohesion(paragraphs, sentences), expected, atol=1e-12)


def test_sections_depths_in_one_pass_match_the_climb_to_each_peak() -> None:
    rng = random.Random(3)
    for _ in range(50):  # plateaus included: small integer similarities repeat
        sims = np.array([rng.randint(0, 4) / 4 for _ in range(rng.randint(1, 30))])
        assert topics._depths(sims).tolist() == [_depth_naive(sims, i)
                                                  for i in range(len(sims))]


def test_sections_tokens_are_not_tracked_by_the_garbage_collector() -> None:
    """Plain tuples of strings, numbers and booleans: a cached long article's tokens must not
    make every full collection walk them (that made the stage superlinear)."""
    article = build(*SHORT)
    tokens = sentence_tokens(split_sentences(article)[0])
    gc.collect()
    assert tokens and not any(gc.is_tracked(t) for t in tokens)


def test_sections_a_long_subheading_is_not_taken_as_the_takeaway() -> None:
    question = ("Q: When you woke up that first morning as the new chief executive of the "
                "company, how did it feel?")
    article = build(
        "The harbour company named Junior Gaspard its new chief executive on Monday.",
        "Gaspard said the first morning felt exciting and a little terrifying. He spent it "
        "meeting the crews who run the night ferries across the bay.",
        "Short answer",
        headings={1: question, 2: "Ferry plans"})
    _, sections = card(article)
    first = sections[0]
    assert first.takeaway is not None and first.takeaway.text != question
    assert len(first.takeaway.text.split()) <= MAX_TAKEAWAY_WORDS
    assert_faithful(article, first.takeaway)
    assert question in article.text  # the heading stays in the article


def test_sentences_split_where_punkt_misses_a_break() -> None:
    text = ("The escort was found strangled last month. Vanessa Santillan's body was found "
            "in Hammersmith. It rained in St. Louis at 5 p.m. Monday, and the U.S. Senate "
            "met at approx. Five o'clock.")
    article = build(text)
    sentences = split_sentences(article)
    assert [s.text for s in sentences] == [
        "The escort was found strangled last month.",
        "Vanessa Santillan's body was found in Hammersmith.",
        ("It rained in St. Louis at 5 p.m. Monday, and the U.S. Senate met at approx. "
         "Five o'clock."),
    ]
    assert all(article.text[s.span.start:s.span.end] == s.text for s in sentences)
