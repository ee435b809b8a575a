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


# --- the publication date ---------------------------------------------------------------------

def day(html: str, **kw: str) -> str | None:
    published = read_html(html, **kw).published
    return published.date().isoformat() if published else None


def german(body: str, *, head: str = "") -> str:
    return page(body, head=head).replace("lang='en'", "lang='de'")


def test_html_date_shown_under_the_headline_beats_a_meta_date_of_the_page() -> None:
    # A content system's <meta name="date"> is often the day the page was generated.
    head = '<meta name="date" content="2022-01-21T15:38:44+01:00">'
    body = f"<h1>{TITLE}</h1><div class='meta'>27.01.2022</div>" + paragraphs(*PARAGRAPHS)
    assert day(page(body, head=head)) == "2022-01-27"


def test_html_time_element_in_the_header_beats_the_update_time() -> None:
    head = '<meta property="og:updated_time" content="2020-06-02T11:57:06+02:00">'
    body = (f"<h1>{TITLE}</h1><time class='create-date'>31.03.2020</time>"
            + paragraphs(*PARAGRAPHS))
    assert day(page(body, head=head)) == "2020-03-31"


def test_html_date_shown_in_the_pages_language() -> None:
    body = f"<h1>{TITLE}</h1><p>Dienstag, 1. Februar 2022, 12:10 Uhr</p>" + paragraphs(*PARAGRAPHS)
    assert day(german(body)) == "2022-02-01"


def test_html_slashed_date_read_day_first_outside_the_us() -> None:
    body = f"<h1>{TITLE}</h1><span class='date'>03/05/2022</span>" + paragraphs(*PARAGRAPHS)
    assert day(german(body)) == "2022-05-03"
    assert day(page(body)) == "2022-03-05"  # a page in plain English: the US order


def test_html_publication_kept_over_a_shown_update() -> None:
    ld = json_ld({"@type": "NewsArticle", "datePublished": "2019-10-15T16:59:59Z",
                  "dateModified": "2020-03-12T14:42:17Z"})
    body = f"<h1>{TITLE}</h1><p>Updated Mar 12, 2020 @ 10:42 am</p>" + paragraphs(*PARAGRAPHS)
    assert day(page(body, head=ld)) == "2019-10-15"


def test_html_update_label_inside_the_time_element() -> None:
    ld = json_ld({"@type": "NewsArticle", "datePublished": "2019-11-19T18:00:00-05:00"})
    body = (f"<h1>{TITLE}</h1><time datetime='2019-11-20T06:07:01Z'>Updated on: November 20, "
            "2019 / 1:07 AM</time>" + paragraphs(*PARAGRAPHS))
    assert day(page(body, head=ld)) == "2019-11-19"


def test_html_shown_update_taken_when_nothing_else_dates_the_page() -> None:
    body = f"<h1>{TITLE}</h1><p>Last updated: 12 March 2020</p>" + paragraphs(*PARAGRAPHS)
    assert day(page(body)) == "2020-03-12"


def test_html_todays_date_above_the_headline_yields_to_the_publication() -> None:
    # A site's header shows the day the page was saved; the markup says when it was published.
    head = '<meta property="article:published_time" content="2020-04-27T18:50:24+02:00">'
    body = f"<div class='today'>Wednesday, 8 July 2020</div><h1>{TITLE}</h1>" + paragraphs(
        *PARAGRAPHS)
    assert day(page(body, head=head)) == "2020-04-27"
    assert day(page(body)) == "2020-07-08"  # with nothing else to go by, it is the date shown


def test_html_date_in_the_headline_is_not_the_dateline() -> None:
    title = "Minutes of the board meeting of 10 October 2019"
    body = f"<h1>{title}</h1><p>Posted on December 26, 2019</p>" + paragraphs(*PARAGRAPHS)
    assert day(page(body, title=title)) == "2019-12-26"


def test_html_date_in_a_sentence_is_not_the_dateline() -> None:
    sentence = ("The group was founded in the autumn and on 30.01.2013 it staged its first show "
                "in a small theatre, to an audience of friends, neighbours and a few critics.")
    head = '<meta property="article:published_time" content="2012-06-30T00:48:32+00:00">'
    body = f"<h1>{TITLE}</h1><p>{sentence}</p>" + paragraphs(*PARAGRAPHS)
    assert day(page(body, head=head)) == "2012-06-30"


def test_html_shown_local_time_gives_the_zone_of_a_utc_stamp() -> None:
    # The markup says 03:37 UTC on the 4th; the page shows 11:37 pm on the 3rd: UTC-4.
    head = '<meta property="article:published_time" content="2022-05-04T03:37:37+00:00">'
    body = f"<h1>{TITLE}</h1><span>3 May, 2022, 11:37 pm</span>" + paragraphs(*PARAGRAPHS)
    published = read_html(page(body, head=head)).published
    assert published == datetime(2022, 5, 4, 3, 37, tzinfo=UTC)
    assert published.date().isoformat() == "2022-05-03"
    assert published.utcoffset() == timedelta(hours=-4)


def test_html_utc_stamp_a_day_off_the_url_date_is_read_in_the_publishers_zone() -> None:
    head = '<meta property="article:published_time" content="2023-11-09T05:30:59+00:00">'
    url = "https://news.example/2023/11/08/mayor-elected/"
    published = read_html(page(paragraphs(*PARAGRAPHS), head=head), url=url).published
    assert published == datetime(2023, 11, 9, 5, 30, 59, tzinfo=UTC)
    assert published.date().isoformat() == "2023-11-08"


def test_html_microdata_publication_beats_the_modification_date() -> None:
    body = ("<time itemprop='dateModified' class='hidden'>2018-08-29 14:15:57</time>"
            "<time itemprop='datePublished' datetime='2018-06-22 10:20:00' class='hidden'>"
            "2018-06-22 10:20:00</time>" + paragraphs(*PARAGRAPHS))
    head = '<meta property="article:modified_time" content="2018-08-29T14:15:57+02:00">'
    assert day(page(body, head=head)) == "2018-06-22"


def test_html_dates_of_nested_reviews_do_not_date_the_page() -> None:
    ld = json_ld({"@type": "Product", "name": "Mandarin cake", "review": [
        {"@type": "Review", "datePublished": "2020-04-12", "author": "A reader"}]})
    url = "https://recipes.example/2006/10/10/mandarin-cake"
    assert day(page(paragraphs(*PARAGRAPHS), head=ld), url=url) == "2006-10-10"


def test_html_hidden_machine_timestamp_is_not_the_shown_date() -> None:
    body = (f"<h1>{TITLE}</h1><span class='updated rich-snippet-hidden'>"
            "2022-12-07T10:10:52+01:00</span><span>25. Dezember 2022</span>"
            + paragraphs(*PARAGRAPHS))
    assert day(german(body)) == "2022-12-25"


def test_html_date_at_the_foot_of_the_article() -> None:
    body = paragraphs(*PARAGRAPHS) + "<p>Erstellt am: 01.11.2023</p>"
    head = '<meta name="date" content="2023-01-12">'
    assert day(german(body, head=head)) == "2023-11-01"


def test_ingest_short_post_is_no_article_but_keeps_its_metadata() -> None:
    from newsbrief.errors import NoArticle
    from newsbrief.ingest import ingest

    html = page(f"<h1>{TITLE}</h1><p>Posted on March 5, 2024</p>"
                "<p>The bridge is open again. Photos tomorrow.</p>")
    result = ingest(html, url="https://harbourtimes.example/bridge")
    assert result.article is None and isinstance(result.error, NoArticle)
    assert "NB020" in (result.reason or "")
    assert result.page is not None and result.page.title == TITLE
    assert result.page.published == datetime(2024, 3, 5)
    assert result.page.url == "https://harbourtimes.example/bridge"
    with pytest.raises(NoArticle):
        result.unwrap()
