"""Untrusted input against the server: hostile articles render inert (checked in Chromium:
no dialog fires), and URL briefing never reaches loopback, private or link-local addresses,
neither directly nor through a redirect."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from conftest import threaded
from test_web_api import (  # noqa: F401  (api, live and seed_text are fixtures)
    ARTICLE_HTML,
    LiveServer,
    api,
    assert_error,
    live,
    seed_text,
    serving,
)

from newsbrief.ingest.fetch import FetchOptions
from newsbrief.web.app import Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# A text capture whose every line tries to run script, in the headline, the related
# headline, a section label and takeaway, and the body.
HOSTILE = """LOADING...
Summarize
Council <script>alert('headline')</script> passes budget <img src=x onerror=alert('img')>
<a href="javascript:alert('related')">Mayor</a> defends <svg onload=alert('svg')> spending plan

Council <script>alert('headline')</script> passes budget <img src=x onerror=alert('img')>

Nov 06, 2025
10:27 am

What's the story

The city council voted on Tuesday to approve the new budget <script>alert('lede')</script> after a long debate, the mayor said. Residents can read it <a href="javascript:alert('link')">here</a> and <img src=x onerror="alert('onerror')"> comment on it until the end of the month, officials added.

Budget <b onmouseover=alert('hover')>vote</b>

Budget passes <iframe src="javascript:alert('frame')"></iframe> after long debate

The budget includes new spending on roads and schools, and the council said that taxes would not rise this year. "We kept our promise," the mayor said in a statement <style>body{display:none}</style>, adding that the vote was close but fair. Opponents said the plan relied on optimistic forecasts <a href="javascript:alert('quote')">and hidden costs</a>.
"""


# --- rendered inert ---------------------------------------------------------------------------


def test_web_security_hostile_article_is_escaped(api: httpx.Client) -> None:  # noqa: F811
    card = api.post("/brief", files={"text": (None, HOSTILE)})
    assert card.status_code == 200, card.text
    story = api.get(card.text.split('href="/stories/', 1)[1].split('"', 1)[0].join(
        ["/stories/", ""]))
    pages = [card, story, api.get("/"), api.get("/search", params={"q": "alert"}),
             api.get("/search", params={"q": "<script>alert('q')</script>"})]
    for response in pages:
        assert response.status_code == 200, response.url
        html = response.text
        assert "<script>alert" not in html, response.url
        assert "<img src=x" not in html and "<svg" not in html and "<iframe" not in html
        assert 'href="javascript:' not in html
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    assert "&lt;script&gt;alert" in card.text and "&lt;script&gt;alert" in pages[2].text


def test_web_security_hostile_article_runs_nothing_in_chromium(
    live: LiveServer, tmp_path: Path  # noqa: F811
) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    dialogs: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()

        def on_dialog(dialog: Any) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(f"{live.url}/brief")
        page.fill("#paste-text", HOSTILE)
        page.click("#paste-form button[type=submit]")
        page.wait_for_load_state()
        assert "<script>alert('headline')</script>" in page.locator("#headline").inner_text()
        # Every way a reader could trigger something: hover and click every link and line.
        page.click("#summarize")
        for selector in ("#source span", ".card p", ".card h2", ".card li"):
            for element in page.locator(selector).all():
                if element.is_visible():
                    element.hover()
        for link in page.locator(".card a.src").all():
            link.click()
        # The other pages that show the hostile headline: the story, home and search.
        story = page.locator(".story a").first.get_attribute("href")
        for path in (story, "/", "/search?q=alert"):
            page.goto(f"{live.url}{path}")
            for element in page.locator("main a, main h1, main h2, main p").all():
                if element.is_visible():
                    element.hover()
        hostile_links = page.evaluate(
            "Array.from(document.querySelectorAll('a[href]'))"
            ".filter(a => !a.href.startsWith(location.origin)).map(a => a.href)"
        )
        scripts = page.evaluate("Array.from(document.scripts).map(s => s.src)")
        fired = list(dialogs)
        page.evaluate("alert('control')")  # the listener works: a real alert is seen
        browser.close()
    assert fired == []
    assert dialogs == ["control"]
    assert hostile_links == []
    assert all(src.startswith(live.url + "/static/") for src in scripts)


def test_web_security_hostile_page_url_is_not_a_link(api: httpx.Client) -> None:  # noqa: F811
    response = api.post("/brief", files={
        "html": ("page.html", ARTICLE_HTML, "text/html"),
        "page_url": (None, "javascript:alert(document.cookie)"),
    })
    assert response.status_code == 200, response.text
    assert 'href="javascript:' not in response.text


def test_web_security_error_pages_escape_the_path(api: httpx.Client) -> None:  # noqa: F811
    response = api.get("/%3Cscript%3Ealert(1)%3C/script%3E", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert "<script>alert(1)" not in response.text


# --- no requests to private addresses --------------------------------------------------------


class _Redirector(BaseHTTPRequestHandler):
    """/redirect?to=URL answers 302 to URL; /page answers an article; records every path."""

    paths: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.paths.append(self.path)
        target = parse_qs(urlparse(self.path).query).get("to")
        if target:
            self.send_response(302)
            self.send_header("Location", target[0])
            self.end_headers()
            return
        body = ARTICLE_HTML.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def redirector() -> Iterator[tuple[str, LiveServer]]:
    """A loopback site, and a newsbrief server allowed to fetch exactly that one endpoint.

    Only the test site's (ip, port) is allowed: any other private address stays refused, so
    a redirect from it to 127.0.0.1:other, 10.x or 169.254.169.254 must be refused.
    """
    site = ThreadingHTTPServer(("127.0.0.1", 0), _Redirector)
    port = site.server_address[1]
    settings = Settings(fetch=FetchOptions(allowed_endpoints=frozenset({("127.0.0.1", port)}),
                                           connect_timeout=2, read_timeout=5))
    with threaded(site), serving(settings) as server:
        yield f"http://127.0.0.1:{port}", server


@pytest.mark.parametrize(("url", "kind"), [
    ("http://127.0.0.1/", "loopback"),
    ("http://localhost:8000/admin", "loopback"),
    ("http://[::1]/", "loopback"),
    ("http://2130706433/", "loopback"),  # 127.0.0.1 written as one number
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://10.0.0.1/", "private"),
    ("http://192.168.1.1/", "private"),
    ("http://0.0.0.0/", ""),
])
def test_web_security_refuses_private_urls(api: httpx.Client, url: str, kind: str) -> None:  # noqa: F811
    body = assert_error(api.post("/api/brief", json={"url": url}), 400, "refused", kind)
    assert body["code"] == "NB011"
    assert "never fetches private addresses" in body["error"]
    assert "--allow-private" not in body["error"]  # the server offers no such switch


def test_web_security_refuses_its_own_address(api: httpx.Client, live: LiveServer) -> None:  # noqa: F811
    assert_error(api.post("/api/brief", json={"url": f"{live.url}/brief"}), 400, "loopback")


def test_web_security_fetches_an_allowed_page(redirector: tuple[str, LiveServer]) -> None:
    """The control: with its endpoint allowed, the test site's page is fetched and briefed."""
    site, server = redirector
    response = httpx.post(f"{server.url}/api/brief", json={"url": f"{site}/page"}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.json()["headline"] == "Harbour bridge reopens after repairs"


@pytest.mark.parametrize(("target", "kind"), [
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://10.1.2.3/", "private"),
    ("http://127.0.0.1:1/", "loopback"),  # same host as the allowed site, another port
    ("http://[::ffff:127.0.0.1]/", "loopback"),
])
def test_web_security_refuses_redirect_to_private_address(
    redirector: tuple[str, LiveServer], target: str, kind: str
) -> None:
    site, server = redirector
    _Redirector.paths.clear()
    url = f"{site}/redirect?to={target}"
    response = httpx.post(f"{server.url}/api/brief", json={"url": url}, timeout=30)
    body = assert_error(response, 400, "refused", kind)
    assert target.split("/")[2] in body["error"]
    assert _Redirector.paths == [f"/redirect?to={target}"]  # one hop, then nothing


def test_web_security_form_refuses_private_url(api: httpx.Client) -> None:  # noqa: F811
    response = api.post("/brief", files={"url": (None, "http://169.254.169.254/")})
    assert response.status_code == 400
    assert "link-local" in response.text and 'id="form-error"' in response.text


# --- the token ------------------------------------------------------------------------------


def test_web_security_form_needs_the_token(seed_text: str) -> None:  # noqa: F811
    with serving(Settings(token="s3cret")) as guarded, \
            httpx.Client(base_url=guarded.url, follow_redirects=True) as c:
        page = c.get("/brief")
        assert 'name="token"' in page.text
        refused = c.post("/brief", files={"text": (None, seed_text)})
        assert refused.status_code == 401 and "API token field" in refused.text
        wrong = c.post("/brief", files={"text": (None, seed_text), "token": (None, "nope")})
        assert wrong.status_code == 401
        ok = c.post("/brief", files={"text": (None, seed_text), "token": (None, "s3cret")})
        assert ok.status_code == 200 and 'id="headline"' in ok.text

