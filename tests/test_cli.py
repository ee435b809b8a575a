"""The command line, end to end through the installed `newsbrief` script."""

from __future__ import annotations

import gzip
import json
import socket
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jsonschema
import pytest
from conftest import DATA, ROOT, need, threaded

SCHEMA = json.loads((ROOT / "newsbrief" / "schema" / "brief.schema.json").read_text())
INTERFACE_TEXT = ("LOADING...", "Summarize")

ARTICLE_HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Harbour bridge reopens after repairs</title>
<meta property="article:published_time" content="2024-03-05T09:30:00+00:00"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav><article>
<h1>Harbour bridge reopens after repairs</h1>
<p>The harbour bridge reopened to traffic on Tuesday after eight months of repairs, the city
council said, ending long detours for thousands of commuters who cross the river each day.</p>
<p>Engineers replaced the corroded steel cables and resurfaced the deck. The work cost 42 million
dollars, slightly more than planned, because of delays caused by winter storms.</p>
<h2>What comes next</h2>
<p>The council said a second phase of work, on the bridge's lighting and pedestrian paths, would
begin in the autumn and would not require the bridge to close again to cars.</p>
</article><footer>Copyright 2024 The Harbour Times</footer></body></html>"""


def assert_clean_error(proc, *words: str) -> None:
    """A failed run: non-zero exit, a short error naming the problem, no traceback."""
    assert proc.returncode != 0, proc.stdout
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().startswith("Error:"), proc.stderr
    assert len(proc.stderr.strip().splitlines()) <= 3, proc.stderr
    for word in words:
        assert word.lower() in proc.stderr.lower(), proc.stderr


# --- the seed: the story card exactly as the source has it ---------------------------------

def test_cli_seed_json_matches_gold(run, seed_path, seed_expected) -> None:
    proc = run("brief", str(seed_path), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    card = json.loads(proc.stdout)
    jsonschema.validate(card, SCHEMA)
    gold = seed_expected
    assert card["headline"] == gold["headline"]
    assert card["related"] == gold["related"]
    assert card["published"] == gold["published"]
    assert card["lede"]["label"] == gold["lede"]["label"]
    assert card["lede"]["text"].startswith(gold["lede"]["starts_with"])
    assert card["lede"]["text"].endswith(gold["lede"]["ends_with"])
    assert len(card["sections"]) == len(gold["sections"])
    for got, want in zip(card["sections"], gold["sections"]):
        assert (got["label"], got["takeaway"]) == (want["label"], want["takeaway"])
        assert got["text"].startswith(want["starts_with"])
    text = card["article"]["text"]
    for section in card["sections"]:
        (start, end), = section["spans"]["text"]
        assert text[start:end] == section["text"]
    for noise in INTERFACE_TEXT:
        assert noise not in proc.stdout


def test_cli_seed_text_card(run, seed_path, seed_expected) -> None:
    proc = run("brief", str(seed_path))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.splitlines()[0] == seed_expected["headline"]
    assert "Nov 06, 2025 10:27 am" in out
    assert "Related: Turkey to mediate Pakistan-Afghanistan peace talks" in out
    assert "WHAT'S THE STORY" in out
    for section in seed_expected["sections"]:
        assert section["label"].upper() in out and section["takeaway"] in out
    assert "LOADING" not in out
    assert "Khawaja Asif, Defense Minister, Pakistan" in out
    assert "2025-10-18/2025-10-19: The first round of talks was held in Doha" in out


def test_cli_markdown_and_html(run, seed_path, seed_expected) -> None:
    md = run("brief", str(seed_path), "--format", "markdown")
    assert md.returncode == 0 and md.stdout.startswith("# ")
    assert "## Mediation efforts" in md.stdout
    page = run("brief", str(seed_path), "--format", "html")
    assert page.returncode == 0
    html = page.stdout
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "Mediation efforts" in html and "<details>" in html
    assert "&#39;Only war if...&#39;" in html  # escaped, not raw
    assert "<script" not in html and "http-equiv=\"Content-Security-Policy\"" in html
    assert "Tahir Andrabi, Foreign Office spokesperson (Pakistan)" in html
    assert "## People" in md.stdout and "## Timeline" in md.stdout


def test_cli_html_escapes_hostile_article(run, tmp_path) -> None:
    hostile = ARTICLE_HTML.replace(
        "ending long detours", "ending &lt;script&gt;alert(1)&lt;/script&gt; long detours"
    )
    page = tmp_path / "hostile.html"
    page.write_text(hostile)
    proc = run("brief", str(page), "--format", "html")
    assert proc.returncode == 0, proc.stderr
    assert "<script>" not in proc.stdout and "&lt;script&gt;" in proc.stdout


# --- inputs ---------------------------------------------------------------------------------

def test_cli_html_page_with_metadata(run, tmp_path) -> None:
    page = tmp_path / "bridge.html"
    page.write_text(ARTICLE_HTML)
    proc = run("brief", str(page), "--json", "--url", "https://harbour.example/bridge")
    assert proc.returncode == 0, proc.stderr
    card = json.loads(proc.stdout)
    assert card["headline"] == "Harbour bridge reopens after repairs"
    assert card["published"] == "2024-03-05T09:30+00:00"
    assert card["source"]["outlet"] == "harbour.example"
    assert card["lede"]["text"].startswith("The harbour bridge reopened")
    assert card["sections"][-1]["label"] == "What comes next"  # the page's own subheading
    assert "Copyright" not in card["article"]["text"] and "Home" not in card["article"]["text"]


def test_cli_stdin_and_several_inputs_with_out_dir(run, seed_path, tmp_path) -> None:
    proc = run("brief", "-", "--json", input=seed_path.read_bytes())
    assert proc.returncode == 0 and json.loads(proc.stdout)["headline"].startswith("'Only war")
    page = tmp_path / "bridge.html.gz"
    page.write_bytes(gzip.compress(ARTICLE_HTML.encode()))
    out = tmp_path / "briefs"
    proc = run("brief", str(seed_path), str(page), "--out", str(out), "--format", "html")
    assert proc.returncode == 0, proc.stderr
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 2 and all(f.endswith(".html") for f in files)
    assert any(f.startswith("harbour-bridge-reopens") for f in files)


def test_cli_jsonl_records_keep_good_and_list_bad(run, tmp_path) -> None:
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join([
        json.dumps({"url": "https://harbour.example/a", "html": ARTICLE_HTML,
                    "published": "2024-03-06T08:00:00Z"}),
        "{not json",
        json.dumps({"text": ""}),
        json.dumps({"url": "https://harbour.example/b", "text": ARTICLE_HTML.split("<h1>")[1]
                    .replace("<p>", "\n\n").replace("</p>", "")}),
    ]))
    proc = run("brief", str(dump), "--json")
    assert proc.returncode == 1
    cards = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(cards) == 2
    assert cards[0]["published"] == "2024-03-06T08:00+00:00"  # the record's own time wins
    assert "2 of 4 inputs failed" in proc.stderr
    assert "dump.jsonl:2" in proc.stderr and "not valid JSON" in proc.stderr
    assert "dump.jsonl:3" in proc.stderr and "Traceback" not in proc.stderr


def test_cli_folder_of_pages(run, tmp_path, seed_path) -> None:
    (tmp_path / "a.txt").write_bytes(seed_path.read_bytes())
    (tmp_path / "b.html").write_text(ARTICLE_HTML)
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")  # not an input type: ignored
    proc = run("ingest", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    titles = {json.loads(line)["title"] for line in proc.stdout.splitlines()}
    assert titles == {"Harbour bridge reopens after repairs",
                      "'Only war if...': Pakistan warns Afghanistan ahead of truce talks"}


def test_cli_reads_legacy_encodings(run, tmp_path) -> None:
    page = tmp_path / "latin.html"
    page.write_bytes(ARTICLE_HTML.replace('charset="utf-8"', 'charset="windows-1252"')
                     .replace("The harbour bridge", "The café’s harbour bridge")
                     .encode("cp1252"))
    proc = run("brief", str(page), "--json")
    assert proc.returncode == 0, proc.stderr
    assert "The café’s harbour bridge" in json.loads(proc.stdout)["lede"]["text"]


def test_cli_utf8_page_with_a_stray_byte_stays_utf8(run, tmp_path) -> None:
    """A page declaring UTF-8 with one invalid byte is not re-read in a legacy charset."""
    page = tmp_path / "stray.html"
    page.write_bytes(ARTICLE_HTML.replace("The harbour bridge", "The café’s harbour bridge")
                     .encode() .replace(b"slightly more", b"slightly \x96 more"))
    proc = run("brief", str(page), "--json")
    assert proc.returncode == 0, proc.stderr
    assert "The café’s harbour bridge" in json.loads(proc.stdout)["lede"]["text"]


# --- bad input: one plain line, non-zero exit, no traceback ----------------------------------

def test_cli_missing_file(run, tmp_path) -> None:
    assert_clean_error(run("brief", str(tmp_path / "nope.txt")), "no such file")


def test_cli_empty_file(run, tmp_path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert_clean_error(run("brief", str(empty)), "empty")
    blank = tmp_path / "blank.txt"
    blank.write_text("  \n\n \t\n")
    assert_clean_error(run("brief", str(blank)), "empty")


def test_cli_binary_junk(run, tmp_path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 64)
    assert_clean_error(run("brief", str(junk)), "binary")
    png = tmp_path / "image.html"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(4096))
    assert_clean_error(run("brief", str(png)), "binary")


def test_cli_enormous_page(run, tmp_path, seed_path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(seed_path.read_bytes() * 20)
    assert_clean_error(run("brief", str(big), "--max-bytes", "20000"), "limit", "--max-bytes")


def test_cli_page_without_article(run, tmp_path) -> None:
    menu = tmp_path / "menu.html"
    menu.write_text("<html><body><nav><ul><li><a href='/a'>World</a></li>"
                    "<li><a href='/b'>Sport</a></li></ul></nav></body></html>")
    assert_clean_error(run("brief", str(menu)), "no article")


def test_cli_non_english_is_briefed_with_a_plain_note(run, tmp_path) -> None:
    de = tmp_path / "de.txt"
    de.write_text(
        "Brücke wieder offen\n\nDie Hafenbrücke ist am Dienstag nach acht Monaten Bauzeit "
        "wieder für den Verkehr freigegeben worden, teilte die Stadtverwaltung mit. Damit enden "
        "die langen Umwege für Tausende Pendler, die den Fluss jeden Tag überqueren. Die "
        "Ingenieure haben die Stahlseile ersetzt und die Fahrbahn erneuert.\n"
    )
    proc = run("brief", str(de), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["source"]["language"] == "de"
    assert "German" in proc.stderr and "English" in proc.stderr  # said plainly, once
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_cli_batch_reports_failures_and_keeps_good(run, tmp_path, seed_path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    proc = run("brief", str(seed_path), str(empty), str(tmp_path / "gone.html"), "--json")
    assert proc.returncode == 1
    assert len(proc.stdout.splitlines()) == 1  # the seed's brief still comes out
    assert "2 of 3 inputs failed" in proc.stderr and "Traceback" not in proc.stderr


# --- URLs -----------------------------------------------------------------------------------

class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(50):
                    self.wfile.write(b"<p>drip</p>")
                    self.wfile.flush()
                    time.sleep(0.2)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up, as it should
            return
        if self.path == "/article":
            body = ARTICLE_HTML.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_error(404)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    with threaded(httpd):
        yield f"http://127.0.0.1:{httpd.server_address[1]}"


def test_cli_url_brief(run, server) -> None:
    proc = run("brief", f"{server}/article", "--allow-private", "--json")
    assert proc.returncode == 0, proc.stderr
    card = json.loads(proc.stdout)
    assert card["headline"] == "Harbour bridge reopens after repairs"
    assert card["source"]["url"] == f"{server}/article"


def test_cli_url_private_address_refused(run, server) -> None:
    assert_clean_error(run("brief", f"{server}/article"), "loopback", "--allow-private")
    assert_clean_error(run("brief", "http://169.254.169.254/latest/meta-data/"), "link-local")


def test_cli_url_dead_and_slow(run, server) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert_clean_error(run("brief", f"http://127.0.0.1:{port}/", "--allow-private"))
    assert_clean_error(run("brief", f"{server}/missing", "--allow-private"), "404")
    assert_clean_error(
        run("brief", f"{server}/slow", "--allow-private", "--timeout", "1"), "timed out"
    )


# --- the 121 benchmark pages ----------------------------------------------------------------

def test_cli_benchmark_pages_all_brief(tmp_path) -> None:
    """Every page of the extraction benchmark gives a brief with a title and a body."""
    from newsbrief import Options, Pipeline
    from newsbrief.evaluate import faithfulness
    from newsbrief.ingest import count_words, ingest

    pages = sorted(need(DATA / "article-extraction-benchmark" / "html").glob("*.html.gz"))
    assert len(pages) >= 100
    pipeline = Pipeline.default(Options())
    for page in pages:
        card = pipeline(ingest(Path(page)).unwrap())
        assert card.headline, page.name
        assert card.lede and count_words(card.article.body) >= 25, page.name
        jsonschema.validate(card.to_dict(), SCHEMA)
        # Faithful: every quote verbatim; every name and number of the lines newsbrief
        # writes (labels, takeaways, bullets, short summary) in the source.
        verbatim, quotes, found, checked = faithfulness.check(card)
        assert verbatim == quotes, page.name
        if card.article.source.language == "en":
            assert found == checked, page.name


def test_cli_commands_are_documented() -> None:
    """Every command teaches by example and is named in the README (sqlite-utils' habit)."""
    from newsbrief.cli import cli

    readme = (ROOT / "README.md").read_text()
    for name, command in cli.commands.items():
        assert "Example:" in (command.help or ""), name
        assert f"newsbrief {name}" in readme, name


def test_cli_ingest_of_a_short_post_says_what_is_known_of_the_page(run, tmp_path) -> None:
    page = tmp_path / "note.html"
    page.write_text(
        '<html><head><title>Short note on the harbour</title><meta property='
        '"article:published_time" content="2025-03-04T10:00:00+00:00"></head><body><article>'
        "<h1>Short note on the harbour</h1><p>The harbour is closed today.</p></article>"
        "</body></html>", encoding="utf-8")
    proc = run("ingest", str(page))
    assert proc.returncode == 1 and proc.stdout == "" and "Traceback" not in proc.stderr
    assert "[NB020]" in proc.stderr and "no article" in proc.stderr
    assert "“Short note on the harbour”, published 2025-03-04T10:00:00+00:00" in proc.stderr
