"""Speed: per stage and end to end, and how the cost grows with article length.

CPU seconds (`time.process_time`), not wall time: the machine may be shared. The length test
joins the benchmark pages' English paragraphs into articles of about 1k, 10k and 100k words;
the cost per 1,000 words should stay about the same (linear growth).
"""

from __future__ import annotations

import logging
import resource
import time
from pathlib import Path
from typing import Any

from ..config import Options
from ..errors import NewsbriefError
from ..ingest import build_article, ingest
from ..pipeline import Pipeline
from ..records import Article, Block, ParsedPage

logger = logging.getLogger(__name__)

LENGTHS = (1_000, 10_000, 100_000)


def _row(dataset: str, metric: str, value: float, n: int) -> dict[str, Any]:
    return {"task": "speed", "dataset": dataset, "system": "newsbrief", "metric": metric,
            "value": value, "n": n}


def _long_article(paragraphs: list[str], words: int) -> Article:
    """An English article of about `words` words, made of real paragraphs in turn."""
    blocks: list[Block] = []
    count = 0
    while count < words:
        text = paragraphs[len(blocks) % len(paragraphs)]
        blocks.append(Block(text))
        count += len(text.split())
    page = ParsedPage(blocks=tuple(blocks), title="A long article")
    return build_article(page, name=f"{words} words", fmt="capture", url=None, published=None)


def run(data_dir: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Rows for `newsbrief eval speed`: pages per CPU-second, ms per stage, length growth."""
    pages = sorted((data_dir / "article-extraction-benchmark" / "html").glob("*.html.gz"))
    pages = pages[:limit]
    pipeline = Pipeline.default(Options())
    if pages:  # start-up (models, tables, dateparser's locales) is not per-page cost
        pipeline(ingest(pages[0]).unwrap())
    timings: dict[str, float] = {}
    # Only the English paragraphs' text is kept for the length test: holding every Article
    # (and its brief) alive would make the garbage collector's passes, and so every page, slower.
    paragraphs: list[str] = []
    started = time.process_time()
    for page in pages:
        before = time.process_time()
        try:
            article = ingest(page).unwrap()
        except NewsbriefError as e:
            logger.info("%s: %s", page.name, e)
            continue
        timings["ingest"] = timings.get("ingest", 0.0) + time.process_time() - before
        pipeline(article, timings=timings)
        if article.source.language == "en":
            paragraphs += [p.text for p in article.paragraphs if p.kind == "paragraph"]
    elapsed = time.process_time() - started
    done = len(pages)
    dataset = "article-extraction-benchmark"
    rows = [_row(dataset, "pages_per_second", done / elapsed if elapsed else 0.0, done)]
    rows += [_row(dataset, f"ms_{name}", 1000 * seconds / done, done)
             for name, seconds in timings.items()]
    rows.append(_row(dataset, "peak_rss_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                     / 1024, done))
    if paragraphs:
        for words in LENGTHS:
            article = _long_article(paragraphs, words)
            before = time.process_time()
            pipeline(article)
            seconds = time.process_time() - before
            rows.append(_row("synthetic long articles", f"ms_per_1k_words_at_{words // 1000}k",
                             1000 * seconds / (article.word_count / 1000), article.word_count))
    return rows
