"""The REST API through a real uvicorn server on loopback: every endpoint, the one error
shape, pagination, the token, and the OpenAPI document (checked by schemathesis, bounded)."""

from __future__ import annotations

import atexit
import json
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import httpx
import jsonschema
import pytest
import schemathesis
import uvicorn
from click.testing import CliRunner
from conftest import ROOT, SEED, need
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from newsbrief import brief
from newsbrief.store import Store
from newsbrief.web.app import Settings, create_app

SCHEMA = json.loads((ROOT / "newsbrief" / "schema" / "brief.schema.json").read_text())
SEED_SECTIONS = ["Mediation efforts", "Security concerns", "Disputed claims", "Diplomatic tensions"]

ARTICLE_HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Harbour bridge reopens after repairs</title>
<meta property="article:published_time" content="2024-03-05T09:30:00+00:00"></head>
<body><article><h1>Harbour bridge reopens after repairs</h1>
<p>The harbour bridge reopened to traffic on Tuesday after eight months of repairs, the city
council said, ending long detours for thousands of commuters who cross the river each day.</p>
<p>Engineers replaced the corroded steel cables and resurfaced the deck. The work cost 42 million
dollars, slightly more than planned, because of delays caused by winter storms.</p>
</article></body></html>"""

RELATED = """Turkey to mediate Pakistan-Afghanistan peace talks

Oct 24, 2025 09:15 am

Turkey will host a new round of peace talks between Pakistan and Afghanistan in Istanbul next
week, Turkish officials said on Friday, after a ceasefire agreed in Doha ended days of deadly
border clashes between the two neighbours.

Pakistan's Defense Minister Khawaja Asif said Islamabad would attend the talks but warned that
Kabul must act against the Tehreek-e-Taliban Pakistan (TTP), which it blames for attacks inside
Pakistan. Afghanistan's Taliban government denies sheltering the group.

Qatar, which brokered the first ceasefire, will also take part in the Istanbul meeting, the
officials said, adding that both delegations had agreed to keep the truce in place.
"""


def _stocked_db() -> Path:
    """A store holding the seed and two other articles, for the read endpoints."""
    folder = tempfile.mkdtemp(prefix="newsbrief-web-")
    atexit.register(shutil.rmtree, folder, True)
    path = Path(folder) / "news.db"
    with Store(path) as store:
        store.add(brief(SEED.read_text(encoding="utf-8")) if SEED.exists() else brief(RELATED))
        store.add(brief(RELATED, url="https://news.example/turkey-mediates"))
        store.add(brief(ARTICLE_HTML, url="https://harbour.example/bridge"))
    return path


# Requests go in-process (ASGI); the `offline` fixture keeps generated URLs off the network.
SCHEMA_UNDER_TEST = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(Settings(db=_stocked_db()))
)


# --- a real server, shared by the web tests -------------------------------------------------


class LiveServer:
    """A uvicorn server on a free loopback port, in a thread of this process."""

    def __init__(self, settings: Settings) -> None:
        config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=0,
                                log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __enter__(self) -> Self:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@contextmanager
def serving(settings: Settings | None = None) -> Iterator[LiveServer]:
    with LiveServer(settings or Settings()) as live:
        yield live


@pytest.fixture(scope="session")
def live() -> Iterator[LiveServer]:
    """The server most tests share: no token, default limits."""
    with serving() as server:
        yield server


@pytest.fixture
def api(live: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.url, timeout=30, follow_redirects=True) as client:
        yield client


@pytest.fixture(scope="session")
def seed_text() -> str:
    return need(SEED).read_text(encoding="utf-8")


def assert_error(response: httpx.Response, status: int, *words: str) -> dict[str, Any]:
    """The one error shape, with the status in the body and the message naming the problem."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert body["ok"] is False
    assert body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["errors"], list)
    assert set(body) == {"ok", "error", "status", "title", "code", "errors"}
    for word in words:
        assert word.lower() in body["error"].lower(), body["error"]
    return body


# --- POST /api/brief ------------------------------------------------------------------------


def test_web_api_brief_text_is_the_cli_dict(api: httpx.Client, seed_text: str) -> None:
    response = api.post("/api/brief", json={"text": seed_text})
    assert response.status_code == 200, response.text
    card = response.json()
    jsonschema.validate(card, SCHEMA)
    assert [s["label"] for s in card["sections"]] == SEED_SECTIONS
    assert card["headline"].startswith("'Only war if...'")
    text = card["article"]["text"]
    for bullet, spans in zip(card["summary"]["bullets"], card["summary"]["spans"]["bullets"]):
        assert all(text[s:e] in bullet or bullet in text[s:e] for s, e in spans)


def test_web_api_brief_html_as_json_and_as_upload(api: httpx.Client) -> None:
    as_json = api.post("/api/brief", json={"html": ARTICLE_HTML,
                                           "page_url": "https://harbour.example/bridge"})
    upload = api.post("/api/brief", files={"html": ("bridge.html", ARTICLE_HTML, "text/html")},
                      data={"page_url": "https://harbour.example/bridge"})
    for response in (as_json, upload):
        assert response.status_code == 200, response.text
        card = response.json()
        jsonschema.validate(card, SCHEMA)
        assert card["headline"] == "Harbour bridge reopens after repairs"
        assert card["source"]["url"] == "https://harbour.example/bridge"
        assert card["source"]["format"] == "html"
    assert as_json.json()["id"] == upload.json()["id"]


def test_web_api_brief_form_text_and_length_control(api: httpx.Client, seed_text: str) -> None:
    response = api.post("/api/brief", data={"text": seed_text, "bullets": "2", "words": "30"})
    assert response.status_code == 200, response.text
    summary = response.json()["summary"]
    assert len(summary["bullets"]) == 2
    assert len(summary["short"].split()) <= 30


@pytest.mark.parametrize(("request_kw", "status", "words"), [
    ({"json": {"text": ""}}, 400, ["empty"]),
    ({"json": {"text": "   \n "}}, 400, ["empty"]),
    ({"json": {}}, 400, ["exactly one"]),
    ({"json": {"text": "a b c", "url": "https://example.com/"}}, 400, ["exactly one", "text and url"]),
    ({"json": {"text": "Too short to be an article."}}, 422, ["no article"]),
    ({"json": {"text": "bad\u0000bytes " * 50}}, 400, ["binary"]),
    ({"files": {"html": ("x.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 40, "image/png")}},
     400, ["binary"]),
    ({"data": {"text": ""}}, 400, ["empty"]),
    ({"json": {"text": "x", "bullets": 0}}, 422, ["invalid"]),
    ({"json": {"txt": "x"}}, 422, ["invalid"]),
    ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 422, ["invalid"]),
    ({"content": b"hello", "headers": {"content-type": "text/plain"}}, 415, ["json"]),
    ({"json": {"text": "x", "published": "not a date"}}, 400, ["date"]),
])
def test_web_api_brief_bad_input(api: httpx.Client, request_kw: dict[str, Any], status: int,
                                 words: list[str]) -> None:
    body = assert_error(api.post("/api/brief", **request_kw), status, *words)
    if status == 422 and "invalid" in words:
        assert body["errors"] and {"loc", "msg", "type"} <= set(body["errors"][0])


# --- the store: articles, stories, search, related -----------------------------------------


@pytest.fixture(scope="module")
def stocked() -> Iterator[httpx.Client]:
    """A server on a store that holds three articles, in at least two stories."""
    with serving(Settings(db=_stocked_db())) as server, \
            httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def test_web_api_articles_add_then_read(seed_text: str) -> None:
    with serving() as server, httpx.Client(base_url=server.url, timeout=30) as client:
        added = client.post("/api/articles", json={"text": seed_text})
        assert added.status_code == 201, added.text
        body = added.json()
        assert body["ok"] is True and body["status"] == "new"
        assert added.headers["location"] == f"/api/articles/{body['article']}"
        again = client.post("/api/articles", json={"text": seed_text})
        assert again.status_code == 200 and again.json()["status"] == "known"
        copy = client.post("/api/articles", data={"text": seed_text,
                                                 "page_url": "https://copy.example/story"})
        assert copy.status_code == 201 and copy.json()["status"] == "version"
        assert copy.json()["article"] == body["article"]

        stored = client.get(f"/api/articles/{body['article']}").json()
        jsonschema.validate(stored["brief"], SCHEMA)
        assert [s["label"] for s in stored["brief"]["sections"]] == SEED_SECTIONS
        assert len(stored["sources"]) == 2
        story = client.get(f"/api/stories/{stored['story']}").json()
        assert [a["id"] for a in story["articles"]] == [body["article"]]
        assert story["timeline"] and all("sources" in event for event in story["timeline"])
        page = client.get(f"/articles/{body['article']}")
        assert page.status_code == 200 and f'href="/stories/{stored["story"]}"' in page.text


def _all_pages(client: httpx.Client, url: str, key: str) -> list[list[Any]]:
    """Follow `next` links from `url`, returning each page's rows."""
    pages: list[list[Any]] = []
    while url:
        body = client.get(url).json()
        assert body["ok"] is True and {"limit", "offset", "next", key} <= set(body)
        pages.append(body[key])
        url = body["next"]
        assert len(pages) < 20, "pagination does not end"
    return pages


def _first_of_one_by_one(client: httpx.Client, key: str) -> dict:
    """Page through `/api/{key}` one item at a time; the pages must give the whole list, in
    order. Returns the list's first item."""
    everything = client.get(f"/api/{key}", params={"limit": 100}).json()
    assert everything["next"] is None and len(everything[key]) >= 2
    pages = _all_pages(client, f"/api/{key}?limit=1", key)
    assert all(len(page) == 1 for page in pages)
    assert [page[0]["id"] for page in pages] == [item["id"] for item in everything[key]]
    return everything[key][0]


def test_web_api_stories_paginate(stocked: httpx.Client) -> None:
    first = _first_of_one_by_one(stocked, "stories")
    assert {"id", "title", "first_seen", "last_seen", "article_count"} <= set(first)
    story = stocked.get(f"/api/stories/{first['id']}").json()
    assert {"why", "articles", "timeline", "quotes", "people", "related"} <= set(story)


def test_web_api_articles_paginate(stocked: httpx.Client) -> None:
    first = _first_of_one_by_one(stocked, "articles")
    assert {"id", "story", "headline", "published", "outlet", "source_count"} <= set(first)
    assert stocked.get(f"/api/articles/{first['id']}").json()["story"] == first["story"]


def test_web_api_search_paginates(stocked: httpx.Client) -> None:
    hits = stocked.get("/api/search", params={"q": "Pakistan Afghanistan"}).json()["results"]
    assert len(hits) >= 2 and "[" in hits[0]["snippet"]
    pages = _all_pages(stocked, "/api/search?q=Pakistan+Afghanistan&limit=1", "results")
    assert [page[0]["article"] for page in pages] == [hit["article"] for hit in hits]
    odd = stocked.get("/api/search", params={"q": '"unclosed AND ('})
    assert odd.status_code == 200  # not FTS5 syntax: searched as plain words
    assert_error(stocked.get("/api/search"), 422, "invalid")


def test_web_api_related(stocked: httpx.Client) -> None:
    response = stocked.get("/api/articles/1/related", params={"limit": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and isinstance(body["related"], list) and body["limit"] == 2


@pytest.mark.parametrize("path", [
    "/api/articles/999", "/api/stories/999", "/api/articles/999/related",
])
def test_web_api_missing_is_404(stocked: httpx.Client, path: str) -> None:
    assert assert_error(stocked.get(path), 404, "no such")["code"] == "NB050"


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "offset=-1", "limit=x"])
def test_web_api_bad_pagination(stocked: httpx.Client, query: str) -> None:
    body = assert_error(stocked.get(f"/api/stories?{query}"), 422, "invalid")
    assert body["errors"][0]["loc"][0] == "query"


def test_web_api_pages_read_the_store(stocked: httpx.Client) -> None:
    home = stocked.get("/")
    assert home.status_code == 200 and "Harbour bridge reopens after repairs" in home.text
    results = stocked.get("/search", params={"q": "Istanbul"})
    assert results.status_code == 200 and "<mark>" in results.text
    story = stocked.get("/stories/1")
    assert story.status_code == 200 and "Timeline" in story.text
    assert stocked.get("/stories/999").status_code == 404


def test_web_api_error_shape_for_router_errors(api: httpx.Client) -> None:
    assert_error(api.get("/api/no-such-thing"), 404, "/api/no-such-thing")
    assert_error(api.get("/api/brief"), 405, "GET")
    assert_error(api.delete("/api/brief"), 405, "DELETE")


def test_web_api_body_limit(seed_text: str) -> None:
    with serving(Settings(max_body=2048)) as small, httpx.Client(base_url=small.url) as client:
        assert_error(client.post("/api/brief", json={"text": seed_text}), 413, "2,048-byte limit")

        def chunks() -> Iterator[bytes]:  # no Content-Length: the limit counts as bytes arrive
            yield json.dumps({"text": seed_text}).encode()

        response = client.post("/api/brief", content=chunks(),
                               headers={"content-type": "application/json"})
        assert_error(response, 413, "limit")
        assert client.post("/api/brief", json={"text": "x" * 100}).status_code == 422


def test_web_api_token_guards_writes_only(seed_text: str) -> None:
    with serving(Settings(token="s3cret")) as guarded, httpx.Client(base_url=guarded.url) as c:
        refused = c.post("/api/brief", json={"text": seed_text})
        assert_error(refused, 401, "Authorization: Bearer")
        assert refused.headers["www-authenticate"] == "Bearer"
        wrong = {"Authorization": "Bearer nope"}
        assert_error(c.post("/api/brief", json={"text": seed_text}, headers=wrong), 401)
        right = {"Authorization": "Bearer s3cret"}
        assert c.post("/api/brief", json={"text": seed_text}, headers=right).status_code == 200
        assert_error(c.post("/api/articles", json={"text": seed_text}), 401)
        assert c.post("/api/articles", json={"text": seed_text}, headers=right).status_code == 201
        assert c.get("/api/stories").status_code == 200
        assert c.get("/openapi.json").status_code == 200


def test_web_api_security_headers(api: httpx.Client) -> None:
    for response in (api.get("/brief"), api.get("/api/nope"), api.get("/openapi.json")):
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"


# --- OpenAPI ----------------------------------------------------------------------------------


def test_web_api_openapi_document(api: httpx.Client) -> None:
    doc = api.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    assert "/api/brief" in doc["paths"]
    assert {"Brief", "ErrorBody"} <= set(doc["components"]["schemas"])
    responses = doc["paths"]["/api/brief"]["post"]["responses"]
    assert {"400", "401", "413", "422"} <= set(responses)
    docs = api.get("/docs")
    assert docs.status_code == 200 and "swagger-ui" in docs.text
    assert api.get("/docs/assets/swagger-ui-bundle.js").status_code == 200


def _refuse_dns(*args: object, **kwargs: object) -> list[Any]:
    raise socket.gaierror(socket.EAI_NONAME, "no DNS in this test")


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Generated `url` values must never reach the network: refuse every lookup."""
    monkeypatch.setattr(socket, "getaddrinfo", _refuse_dns)


@SCHEMA_UNDER_TEST.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_web_api_schemathesis(case: Any, offline: None) -> None:
    """Generated requests, checked against the OpenAPI document (status, shapes, headers).

    Every check runs but one: "schema-valid data is accepted" cannot hold for a brief, since
    whether a string holds an article is not something a schema can say (400/422 answer it).
    """
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


# --- serve --get ------------------------------------------------------------------------------


def test_web_cli_serve_get_runs_one_request(tmp_path: Path) -> None:
    from newsbrief.cli_serve import serve

    db = str(_stocked_db())
    ok = CliRunner().invoke(serve, ["--db", db, "--get", "/api/stories?limit=1"])
    assert ok.exit_code == 0, ok.output
    assert len(json.loads(ok.output)["stories"]) == 1
    missing = CliRunner().invoke(serve, ["--db", db, "--get", "/api/stories/999"])
    assert missing.exit_code == 1
    assert json.loads(missing.output)["status"] == 404
    (tmp_path / "not.db").write_text("not a database, " * 100)
    bad = CliRunner().invoke(serve, ["--db", str(tmp_path / "not.db"), "--get", "/"])
    assert bad.exit_code == 1 and "Error" in bad.output and "Traceback" not in bad.output


def test_web_serve_is_documented() -> None:
    """Every API endpoint and every `serve` option is in docs/SERVE.md, with load figures."""
    from newsbrief.cli_serve import serve

    text = (ROOT / "docs" / "SERVE.md").read_text()
    paths = create_app().openapi()["paths"]
    endpoints = [f"{method.upper()} {path}" for path, ops in paths.items() for method in ops]
    assert len(endpoints) >= 7
    missing = [e for e in endpoints if f"`{e}`" not in text]
    missing += [o for p in serve.params for o in p.opts if o.startswith("--") and o not in text]
    assert not missing, f"docs/SERVE.md does not mention {missing}"
    for word in ("requests/s", "p50", "p99", "python bench/bench_serve.py"):
        assert word in text

