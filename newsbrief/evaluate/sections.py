"""Score topical sections (`topics.v1`) against pages' own subheadings.

Pages that have their own sections (the seed's story card; benchmark pages in English with at
least two subheadings) are re-read with the headings hidden, segmented, and the boundaries
scored against the originals with Pk (Beeferman et al. 1999) and WindowDiff (Pevzner & Hearst
2002), lower is better. Units are body paragraphs, since boundaries may only fall between
them; k is half the mean reference section length, as usual. Beside them: a fixed-length
baseline (the same number of segments, of equal word length) and the sanity lines "no
boundaries" and "all boundaries".

Takeaways are scored where the headings were: for each original section, the takeaway written
from its paragraphs against the heading (the takeaway line on story cards), by ROUGE-1 F1
(stemmed), beside the section's lead sentence; averaged per page, then over pages.

Example:
    python -m newsbrief.evaluate.sections -v
    python -m newsbrief.evaluate.sections --data /work/shared/data --limit 40 --json
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import Any

from ..errors import NewsbriefError
from ..ingest import build_article, ingest
from ..labels import lemma, write_takeaway
from ..records import Article, Block, ParsedPage, Sentence
from ..sections import make_topic_segmenter
from ..segment import split_sentences
from .report import task_parser

logger = logging.getLogger(__name__)

BENCHMARK = "article-extraction-benchmark"
# A page needs this many subheadings for its sections to be a reference worth scoring
# against: a single heading is mostly "Comments" or a promotion, not a section.
MIN_HEADINGS = 2


@dataclass(frozen=True, slots=True)
class _Page:
    """A page with its own sections: the article, and where its headings were."""

    dataset: str
    article: Article
    gold: tuple[int, ...]  # indices of body paragraphs that open a section (0 excluded)
    headings: tuple[tuple[str, int, int], ...]  # (heading, first, end) body paragraph range


def pk(reference: Sequence[int], hypothesis: Sequence[int], n: int, k: int) -> float:
    """Pk: how often a window of k units is wrongly judged to hold a boundary or not.

    Boundaries are the indices of units that open a segment (0 < i < n).
    """
    ref, hyp = _marks(reference, n), _marks(hypothesis, n)
    windows = range(n - k)
    if not windows:
        return 0.0
    errors = sum((sum(ref[i + 1 : i + k + 1]) > 0) != (sum(hyp[i + 1 : i + k + 1]) > 0)
                 for i in windows)
    return errors / len(windows)


def windowdiff(reference: Sequence[int], hypothesis: Sequence[int], n: int, k: int) -> float:
    """WindowDiff: how often a window of k units holds a different number of boundaries."""
    ref, hyp = _marks(reference, n), _marks(hypothesis, n)
    windows = range(n - k)
    if not windows:
        return 0.0
    errors = sum(sum(ref[i + 1 : i + k + 1]) != sum(hyp[i + 1 : i + k + 1]) for i in windows)
    return errors / len(windows)


def _marks(boundaries: Sequence[int], n: int) -> list[int]:
    marks = [0] * n
    for b in boundaries:
        marks[b] = 1
    return marks


def fixed_length(words: Sequence[int], segments: int) -> list[int]:
    """Boundaries of `segments` segments of about equal words, snapped to paragraphs."""
    out: list[int] = []
    total, run = sum(words), 0
    for i, w in enumerate(words[:-1]):
        run += w
        if len(out) < segments - 1 and run >= total * (len(out) + 1) / segments:
            out.append(i + 1)
    return out


def _pages(data_dir: Path, limit: int | None) -> Iterator[_Page]:
    seeds = sorted((data_dir.parent / "seeds").glob("*.txt"))
    for path in seeds:
        page = _page("seed", path)
        if page:
            yield page
    files = sorted((data_dir / BENCHMARK / "html").glob("*.html*"))
    for path in files[:limit] if limit is not None else files:
        page = _page(BENCHMARK, path)
        if page:
            yield page


def _page(dataset: str, path: Path) -> _Page | None:
    result = ingest(path)
    if result.article is None:
        logger.info("%s: skipped: %s", path.name, result.reason)
        return None
    article = result.article
    if (article.source.language or "en") != "en":
        return None
    # Headings in a row (a story card's label and takeaway lines) open one section; the last
    # of them that is not a bare label is the headline the section is scored against.
    groups: list[list[Any]] = []  # [heading, first body paragraph]
    body, after_heading = 0, False
    for para in article.paragraphs:
        if para.kind == "paragraph":
            body, after_heading = body + 1, False
        elif after_heading:
            if para.kind != "label":
                groups[-1][0] = para.text
        else:
            groups.append([para.text, body])
            after_heading = True
    ends = [first for _, first in groups[1:]] + [body] if groups else []
    headings = [(text, first, end) for (text, first), end in zip(groups, ends, strict=True)
                if end > first]
    gold = sorted({first for _, first in groups if 0 < first < body})
    if dataset != "seed" and len(headings) < MIN_HEADINGS:
        return None
    return _Page(dataset, article, tuple(gold), tuple(headings))


def _hidden(article: Article) -> Article:
    """The same article without its headings, labels and takeaways."""
    page = ParsedPage(
        blocks=tuple(Block(p.text) for p in article.paragraphs if p.kind == "paragraph"),
        title=article.title, lede_label=article.lede_label, url=article.source.url,
    )
    return build_article(page, name=article.id, fmt=article.source.format or "html",
                         url=article.source.url, published=article.published)


def _section_sentences(article: Article, sentences: Sequence[Sentence], first: int,
                       end: int) -> list[Sentence]:
    body = [p for p in article.paragraphs if p.kind == "paragraph"][first:end]
    start, stop = body[0].span.start, body[-1].span.end
    return [s for s in sentences if start <= s.span.start and s.span.end <= stop]


def run(data_dir: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Segment and write takeaways for every page with its own sections; score both.

    Args:
        data_dir: the shared `data/` folder (the seed is read from `../seeds/` beside it).
        limit: read only the first `limit` benchmark pages (in file-name order).

    Returns:
        rows `{"task": "sections", "dataset", "system", "metric", "value", "n"}`.
    """
    from rouge_score import rouge_scorer  # eval-only dependency: pip install rouge-score

    rouge = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    segment = make_topic_segmenter()
    lemma("news")  # load the word tables now, so the timing below is per page
    scores: dict[tuple[str, str, str], list[float]] = {}
    seconds, pages = 0.0, 0

    def add(dataset: str, system: str, metric: str, value: float) -> None:
        scores.setdefault((dataset, system, metric), []).append(value)

    for page in _pages(data_dir, limit):
        try:
            hidden = _hidden(page.article)
        except NewsbriefError as e:
            logger.info("%s: skipped: %s", page.article.id, e)
            continue
        body = [p for p in hidden.paragraphs if p.kind == "paragraph"]
        n = len(body)
        began = time.perf_counter()
        sentences = split_sentences(hidden)
        _, sections = segment(hidden, sentences)
        seconds += time.perf_counter() - began
        pages += 1
        starts = {p.span.start: i for i, p in enumerate(body)}
        hyp = sorted(starts[s.span.start] for s in sections if starts[s.span.start] > 0)
        words = [len(p.text.split()) for p in body]
        k = max(1, round(n / (2 * (len(page.gold) + 1))))
        systems = {
            "newsbrief": hyp,
            "fixed-length": fixed_length(words, len(hyp) + 1),
            "no-boundaries": [],
            "all-boundaries": list(range(1, n)),
        }
        for system, guess in systems.items():
            add(page.dataset, system, "pk", pk(page.gold, guess, n, k))
            add(page.dataset, system, "windowdiff", windowdiff(page.gold, guess, n, k))
        original = split_sentences(page.article)
        ours: list[float] = []
        lead: list[float] = []
        for heading, first, end in page.headings:
            inside = _section_sentences(page.article, original, first, end)
            if not inside:
                continue
            takeaway = write_takeaway(page.article, inside)
            ours.append(rouge.score(heading, takeaway.text if takeaway else "")["rouge1"].fmeasure)
            lead.append(rouge.score(heading, inside[0].text)["rouge1"].fmeasure)
        if ours:  # a page with 54 "Meal 2"-style headings must not outweigh the others
            add(page.dataset, "newsbrief", "takeaway_rouge1", mean(ours))
            add(page.dataset, "lead-sentence", "takeaway_rouge1", mean(lead))
    logger.info("segmented %d pages in %.1f ms per page", pages, 1000 * seconds / max(pages, 1))
    return [
        {"task": "sections", "dataset": dataset, "system": system, "metric": metric,
         "value": round(mean(values), 4), "n": len(values)}
        for (dataset, system, metric), values in sorted(scores.items())
    ]


def main(argv: list[str] | None = None) -> int:
    parser = task_parser(__doc__, limit_help="read only N benchmark pages")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log skipped pages and the time per page")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR,
                        format="%(message)s")
    rows = run(args.data, args.limit)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'dataset':<30} {'system':<16} {'metric':<16} {'value':>7} {'n':>5}")
    for r in rows:
        print(f"{r['dataset']:<30} {r['system']:<16} {r['metric']:<16} {r['value']:>7.3f} "
              f"{r['n']:>5}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
