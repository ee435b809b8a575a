"""Reading HTML pages: body blocks, furniture, JSON-LD, dates and bylines (`ingest/html.py`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from newsbrief.ingest.html import read_html

PARAGRAPHS = (
    ("The harbour bridge reopened to traffic on Tuesday after eight months of repairs, the city "
     "council said, ending long detours for thousands of commuters who cross the river each day."),
    ("Engineers replaced the corroded steel cables and resurfaced the deck. The work cost 42 "
     "million dollars, slightly more than planned, because of delays caused by winter storms."),
    ("The council said a second phase of work, on the bridge's lighting and pedestrian paths, "
     "would begin in the autumn and would not require the bridge to close again to cars."),
    ("Local businesses on both banks welcomed the news, saying the closure had cut the number "
     "of customers who walked across the river at lunchtime by nearly a third since spring."),
)
TITLE = "Harbour bridge reopens after repairs"


def page(body: str, *, head: str = "", title: str = TITLE) -> str:
    """A whole page around `body`, with a site header and footer to leave out."""
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title} | The "
        f"Harbour Times</title>{head}</head><body><nav><a href='/'>Home</a> <a href='/world'>"
        f"World</a> <a href='/sport'>Sport</a></nav><article>{body}</article><footer>Copyright "
        "2024 The Harbour Times</footer></body></html>"
    )


def paragraphs(*texts: str) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def json_ld(data: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def texts(html: str, **kw: str) -> list[str]:
    return [b.text for b in read_html(html, **kw).blocks]


def test_html_headings_kept_between_paragraphs() -> None:
    body = (f"<h1>{TITLE}</h1>" + paragraphs(*PARAGRAPHS[:2]) + "<h2>What comes next</h2>"
            + paragraphs(*PARAGRAPHS[2:]))
    blocks = read_html(page(body)).blocks
    assert [b.kind for b in blocks] == ["paragraph", "paragraph", "heading", "paragraph",
                                        "paragraph"]
    assert blocks[2].text == "What comes next"


def test_html_title_and_standfirst_dropped() -> None:
    body = (f"<h1>{TITLE}</h1><h2>Eight months of detours are over for river commuters</h2>"
            + paragraphs(*PARAGRAPHS))
    parsed = read_html(page(body))
    assert parsed.title == TITLE  # the <h1>, not the <title> with the site's name
    assert [b.text for b in parsed.blocks] == list(PARAGRAPHS)


def test_html_trailing_furniture_dropped() -> None:
    body = (
        paragraphs(*PARAGRAPHS)
        + "<p>Photo: Harbour Times/Jane Roe</p>"
        + "<h3>Related stories</h3><ul>"
        + "".join(f"<li><a href='/s/{i}'>Ferry timetable changes for the winter {i}</a></li>"
                  for i in range(4))
        + "</ul><p>Sign up for our newsletter to get the day's news every morning.</p>"
    )
    assert texts(page(body)) == list(PARAGRAPHS)


def test_html_cross_links_dropped() -> None:
    body = (paragraphs(*PARAGRAPHS[:2])
            + "<p>Read more: <a href='/x'>Council approves the new budget</a></p>"
            + paragraphs(*PARAGRAPHS[2:]))
    assert texts(page(body)) == list(PARAGRAPHS)


def test_html_json_ld_article_body_used_when_extraction_is_truncated() -> None:
    ld = json_ld({"@context": "https://schema.org", "@type": "NewsArticle", "headline": TITLE,
                  "articleBody": "\n\n".join(PARAGRAPHS)})
    body = paragraphs(PARAGRAPHS[0]) + "<div class='paywall'>Subscribe to read more.</div>"
    assert texts(page(body, head=ld)) == list(PARAGRAPHS)


def test_html_json_ld_article_body_ignored_when_it_is_another_text() -> None:
    other = " ".join(["The mayor will open a new library in the north of the city next year."]
                     * 12)
    ld = json_ld({"@type": "NewsArticle", "articleBody": other})
    assert texts(page(paragraphs(*PARAGRAPHS), head=ld)) == list(PARAGRAPHS)


def test_html_tables_rows_and_line_breaks() -> None:
    body = (paragraphs(*PARAGRAPHS[:2])
            + "<table><tr><th>Pos.</th><th>Driver</th><th>Points</th></tr>"
            + "<tr><td>1</td><td>Kyle Busch</td><td>5040</td></tr></table>"
            + f"<p>{PARAGRAPHS[2]}<br>{PARAGRAPHS[3]}</p>")
    blocks = texts(page(body))
    assert "Pos. Driver Points" in blocks and "1 Kyle Busch 5040" in blocks
    assert blocks[-2:] == list(PARAGRAPHS[2:])


def test_html_text_after_a_heading_kept() -> None:
    # Some sites put the paragraph right after the heading, with no element of its own.
    body = "".join(f"<div><h2>Part {i}</h2>{text}</div>" for i, text in enumerate(PARAGRAPHS))
    blocks = read_html(page(body)).blocks
    assert [b.text for b in blocks if b.kind == "paragraph"] == list(PARAGRAPHS)


def test_html_sibling_containers_joined() -> None:
    first = paragraphs(*PARAGRAPHS[:3])
    second = paragraphs(
        "After the break the second part of the story continues with more reporting from the "
        "river, where ferry operators said they had lost most of their passengers overnight.",
        "They said they would ask the council for help, arguing that the ferries had carried "
        "commuters through the months of repairs and should not be abandoned now.",
    )
    body = (f"<div class='body-chunk'>{first}</div><aside class='ad'>Advertisement</aside>"
            f"<div class='body-chunk'>{second}</div>")
    blocks = texts(page(body))
    assert blocks[:3] == list(PARAGRAPHS[:3])
    assert blocks[-1].startswith("They said they would ask the council")


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (json_ld({"@type": "NewsArticle", "datePublished": "2024-03-05T09:30:00+01:00"})
         + '<meta property="article:published_time" content="2024-03-05T09:30:00+01:00">',
         datetime(2024, 3, 5, 9, 30, tzinfo=timezone(timedelta(hours=1)))),
        ('<meta property="article:published_time" content="2024-03-05T14:05:00-05:00">',
         datetime(2024, 3, 5, 14, 5, tzinfo=timezone(timedelta(hours=-5)))),
        (json_ld({"@type": "BlogPosting", "datePublished": "2024-03-05T18:45:00Z"}),
         datetime(2024, 3, 5, 18, 45, tzinfo=UTC)),
    ],
)
def test_html_published_with_zone(head: str, expected: datetime) -> None:
    published = read_html(page(paragraphs(*PARAGRAPHS), head=head)).published
    assert published == expected and published.utcoffset() == expected.utcoffset()


def test_html_author_from_json_ld() -> None:
    ld = json_ld({"@type": "NewsArticle", "author": [
        {"@type": "Person", "name": "Jane Roe"}, {"@type": "Organization", "name": "Harbour"}]})
    assert read_html(page(paragraphs(*PARAGRAPHS), head=ld)).author == "Jane Roe"


def test_html_author_from_byline() -> None:
    body = "<p class='byline'>By John Smith | March 5, 2024</p>" + paragraphs(*PARAGRAPHS)
    parsed = read_html(page(body))
    assert parsed.author == "John Smith"
    assert not any("John Smith" in b.text for b in parsed.blocks)


def test_html_author_not_the_site_name() -> None:
    head = '<meta name="author" content="The Harbour Times">'
    body = '<span class="author-name"><a rel="author" href="/by/jr">Jane Roe</a></span>'
    parsed = read_html(page(body + paragraphs(*PARAGRAPHS), head=head),
                       url="https://harbourtimes.example/bridge")
    assert parsed.author == "Jane Roe"


def test_html_page_without_article_has_no_blocks() -> None:
    menu = ("<html><body><nav><ul><li><a href='/a'>World</a></li><li><a href='/b'>Sport</a>"
            "</li></ul></nav></body></html>")
    assert read_html(menu).blocks == ()
    assert read_html("").blocks == ()
