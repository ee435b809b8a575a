"""Shared fixtures: the seed page, the shared data sets, and the real command line."""

from __future__ import annotations

import json
import shutil
import socketserver
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from newsbrief.datasets import shared_dir
from newsbrief.records import Article, Paragraph, Span

ROOT = Path(__file__).resolve().parent.parent
SHARED = shared_dir()
DATA = SHARED / "data"
SEED = SHARED / "seeds" / "000_7b21f39052bb84c7.txt"
SEED_EXPECTED = SHARED / "samples" / "seed.expected.json"


def pytest_configure(config: pytest.Config) -> None:
    sys._called_from_test = True  # type: ignore[attr-defined]  # the registry skips entry points


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", help="also run tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def need(path: Path) -> Path:
    """Skip a test whose shared data is missing, saying which."""
    if not path.exists():
        pytest.skip(f"shared data not found: {path} (set NEWSBRIEF_SHARED)")
    return path


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return need(SEED)


@pytest.fixture(scope="session")
def seed_expected() -> dict:
    return json.loads(need(SEED_EXPECTED).read_text())


Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def run() -> Run:
    """Run the installed `newsbrief` console script, as a user would."""
    exe = shutil.which("newsbrief", path=str(Path(sys.executable).parent)) or shutil.which(
        "newsbrief"
    )
    assert exe, "the newsbrief command is not installed: pip install -e ."

    def run_cli(*args: str, input: bytes | str | None = None, timeout: float = 120
                ) -> subprocess.CompletedProcess[str]:
        data = input.encode() if isinstance(input, str) else input
        proc = subprocess.run([exe, *args], input=data, capture_output=True, timeout=timeout,
                              check=False)
        return subprocess.CompletedProcess(
            proc.args, proc.returncode, proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"),
        )

    return run_cli


def build_article(*paragraphs: str, published: datetime | None = None) -> Article:
    """A tiny article: paragraphs joined by blank lines, as ingest lays them out."""
    text = "\n\n".join(paragraphs)
    spans, start = [], 0
    for para in paragraphs:
        spans.append(Paragraph(para, Span(start, start + len(para))))
        start += len(para) + 2
    return Article(id="test", title=None, text=text, paragraphs=tuple(spans),
                   published=published)


@contextmanager
def threaded(server: socketserver.BaseServer) -> Iterator[socketserver.BaseServer]:
    """Serve from a thread for the block; shut down and close however the block ends."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
