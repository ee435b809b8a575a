"""Score article extraction on two public sets, beside the extractors people use today.

**article-extraction-benchmark** (Zyte/Scrapinghub, `data/article-extraction-benchmark`). The
benchmark's own metric, re-implemented from its `evaluate.py`: each text is cut into `\\w+`
tokens (case-sensitive) and then into 4-token shingles; per page, the multiset overlap of the
predicted and gold shingles gives TP/FP/FN, normalised by their sum so that long pages weigh no
more than short ones. Precision is the mean over pages with TP+FP > 0, recall the mean over
pages with TP+FN > 0, F1 the harmonic mean of those two means, and accuracy the share of pages
whose token list equals the gold one exactly. Before scoring anything of ours, the shipped
`baseline-outputs/*.json` are scored, so the numbers can be checked against SOURCE.md (they are
published on all 181 pages; this folder has the 121 dev pages, so they differ a little).

newsbrief's body text is the article's paragraphs *and headings*, one per line: the gold
`articleBody` keeps a site's subheadings where it has them, and a reader of the brief sees them.

**trafilatura-eval** (`data/trafilatura-eval`). trafilatura's own metric: each "with" segment
found in the output (whitespace-normalised substring) is a true positive, each "without"
segment found a false positive; precision, recall, accuracy and F1 over all segments. Metadata
accuracy on the gold fields, over the pages whose gold field is not empty:

- title: equal after case folding, collapsing whitespace and unifying typographic dashes and
  quotes ("–" and "-", "’" and "'");
- date: the same day (YYYY-MM-DD; a gold "2022-11-1" is read as 2022-11-01);
- author: a byline is split into names ("A and B", "A; B", "A, B"), each a set of case-folded
  words; a match is one name found that equals, holds or is held by one gold name ("Christian
  Stadtfeld" matches "Christian P. Stadtfeld"; a gold list of names matches any of them).

Every system runs in this process on the same pages: newsbrief (through `ingest`, as a user
calls it: decode, read the HTML, keep an article of 25 words or more), trafilatura (the settings
of each set's published runs), readability-lxml and newspaper4k, and htmldate for dates.

Example:
    python -m newsbrief.evaluate.extraction --limit 20
    newsbrief eval extraction --json
"""

from __future__ import annotations

import gzip
import json
import logging
import re
import sys
import time
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import Any

from .report import task_parser

logger = logging.getLogger(__name__)

BENCHMARK = "article-extraction-benchmark"
TRAFILATURA_EVAL = "trafilatura-eval"
TASK = "extraction"
ANCHORS = ("trafilatura", "readability-lxml", "newspaper4k")
BENCHMARK_METRICS = ("f1", "precision", "recall", "accuracy")
SEGMENT_METRICS = ("f1", "precision", "recall", "accuracy")
META_METRICS = ("title_accuracy", "date_accuracy", "author_accuracy")
# trafilatura's canonical evaluation settings (its tests/eval_common.py EXTRACT_OPTS): the
# published trafilatura-eval numbers were made with them. On the benchmark, the benchmark's own
# runner calls `extract(html, include_comments=False)`, which is the same.
_TRAFILATURA_OPTS: dict[str, Any] = {"include_comments": False, "include_tables": True,
                                     "include_formatting": False}
# A shipped output's file name, where it differs from the name its published row uses.
_SHIPPED_ALIASES = {"newspaper": "newspaper4k"}
_TOKEN = re.compile(r"\w+")
_SHINGLE = 4


# --- the benchmark's metric -------------------------------------------------------------------

def tokenize(text: str | None) -> list[str]:
    """The benchmark's tokens: runs of word characters, case kept."""
    return _TOKEN.findall(text or "")


def _shingles(text: str | None) -> Counter[tuple[str, ...]]:
    tokens = tokenize(text)
    # As the benchmark does: a text of fewer than four tokens is one short shingle.
    return Counter(tuple(tokens[i:i + _SHINGLE])
                   for i in range(max(1, len(tokens) - _SHINGLE + 1)) if tokens[i:i + _SHINGLE])


def shingle_counts(true: str | None, pred: str | None) -> tuple[float, float, float]:
    """One page's TP, FP and FN over 4-token shingles, normalised to sum to 1 (or all 0)."""
    gold, ours = _shingles(true), _shingles(pred)
    tp = sum((gold & ours).values())
    fp = sum((ours - gold).values())
    fn = sum((gold - ours).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def benchmark_scores(pairs: Sequence[tuple[str | None, str | None]]) -> dict[str, tuple[float, int]]:
    """F1, precision, recall and accuracy of (gold, predicted) pairs, each with its page count.

    Precision and recall are means over the pages where they are defined; F1 is the harmonic
    mean of the two means (not a mean of per-page F1s), as the benchmark computes it.
    """
    counts = [shingle_counts(true, pred) for true, pred in pairs]
    precisions = [_precision(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [_recall(*c) for c in counts if c[0] + c[2] > 0]
    p = mean(precisions) if precisions else 0.0
    r = mean(recalls) if recalls else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    exact = [float(tokenize(true) == tokenize(pred)) for true, pred in pairs]
    return {"f1": (f1, len(pairs)), "precision": (p, len(precisions)),
            "recall": (r, len(recalls)), "accuracy": (mean(exact) if exact else 0.0, len(pairs))}


# --- trafilatura's segment metric and the metadata fields -------------------------------------

def _ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def segment_counts(item: dict[str, Any], text: str | None) -> tuple[int, int, int, int]:
    """One page's (TP, FP, FN, TN): "with" segments found, "without" segments found, ..."""
    found = _ws(text or "")
    tp = sum(1 for s in item["with"] if _ws(s) in found) if text else 0
    fp = sum(1 for s in item["without"] if _ws(s) in found) if text else 0
    return tp, fp, len(item["with"]) - tp, len(item["without"]) - fp


def segment_scores(counts: Sequence[tuple[int, int, int, int]]) -> dict[str, float]:
    """Precision, recall, accuracy and F1 over all segments of all pages."""
    tp, fp, fn, tn = (sum(c[i] for c in counts) for i in range(4))
    total = tp + fp + fn + tn
    return {
        "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0,
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "accuracy": (tp + tn) / total if total else 0.0,
    }


# Typographic variants of one character: a page's <title> may say "-" and "'" where its
# headline says "–" and "’"; which one a system returns is rendering, not extraction.
_TYPOGRAPHY = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "’": "'", "‘": "'",
                             "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "\xad": None})


def _fold(text: str) -> str:
    return _ws(unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY)).casefold()


def title_matches(gold: str, found: str | None) -> bool:
    """Equal after case folding, collapsing whitespace and unifying dashes and quotes."""
    return bool(found) and _fold(gold) == _fold(found or "")


_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _day(value: str | None) -> str | None:
    m = _DAY.search(value or "")
    return f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}" if m else None


def date_matches(gold: str, found: str | None) -> bool:
    """The same calendar day."""
    return _day(found) is not None and _day(found) == _day(gold)


# Between two names of a byline: "A and B", "A und B", "A & B", "A; B", "A, B".
_NAME_SEPARATORS = re.compile(r"\s*[,;&/|]\s*|\s+(?:and|und|et|y|e|og|en)\s+", re.IGNORECASE)


def _names(text: str) -> list[set[str]]:
    """The names in an author string, each as a set of case-folded words."""
    names = []
    for part in _NAME_SEPARATORS.split(unicodedata.normalize("NFKC", text)):
        words = set(re.sub(r"[\W_]+", " ", part).casefold().split())
        if words:
            names.append(words)
    return names


def author_matches(gold: str | list[str], found: str | None) -> bool:
    """One of the names found is one of the gold names, or holds it or is held by it.

    Names are compared as sets of case-folded words, so "Christian Stadtfeld" matches
    "Christian P. Stadtfeld" and "David Brand; Ramsey Khalifeh" matches "David Brand and
    Ramsey Khalifeh".
    """
    ours = _names(found or "")
    golds = [n for g in ([gold] if isinstance(gold, str) else gold) for n in _names(g)]
    return any(a <= b or b <= a for a in ours for b in golds)


# The metadata each system gives, as run here (readability-lxml and newspaper4k run for their
# text only).
_METADATA = {"newsbrief": ("title", "date", "author"), "trafilatura": ("title", "date", "author"),
             "htmldate": ("date",)}
_MATCHERS: dict[str, Callable[[Any, str | None], bool]] = {
    "title": title_matches, "date": date_matches, "author": author_matches,
}


# --- the systems ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Output:
    """What a system made of one page: body text, and metadata where the system gives it."""

    text: str = ""
    title: str | None = None
    date: str | None = None  # YYYY-MM-DD
    author: str | None = None


def _newsbrief(html: bytes, url: str | None) -> Output:
    from ..ingest import ingest

    result = ingest(html, url=url)
    article = result.article
    if article is None:  # no article (a short post): its title, date and author still count
        page = result.page
        if page is None:
            return Output()
        return Output("", page.title, page.published.date().isoformat() if page.published
                      else None, page.author)
    text = "\n".join(p.text for p in article.paragraphs if p.kind in ("paragraph", "heading"))
    return Output(text, article.title,
                  article.published.date().isoformat() if article.published else None,
                  article.source.author)


def _trafilatura(html: bytes, url: str | None) -> Output:
    import trafilatura

    return Output(trafilatura.extract(html, url=url, **_TRAFILATURA_OPTS) or "")


def _trafilatura_meta(html: bytes, url: str | None) -> Output:
    import trafilatura

    text = trafilatura.extract(html, url=url, **_TRAFILATURA_OPTS) or ""
    # its annotation says `str`, but it parses bytes as `extract` does
    meta = trafilatura.extract_metadata(html, default_url=url)  # type: ignore[arg-type]
    if meta is None:
        return Output(text)
    return Output(text, meta.title, meta.date, meta.author)


def _readability(html: bytes, url: str | None) -> Output:
    from readability import Document

    return Output(_fragment_text(Document(html, url=url).summary()))


def _newspaper(html: bytes, url: str | None) -> Output:
    from newspaper import Article

    article = Article(url or "http://example.com/", fetch_images=False)
    article.download(input_html=_decode(html))
    article.parse()
    return Output(article.text or "")


def _htmldate(*, original: bool) -> Callable[[bytes, str | None], Output]:
    def run(html: bytes, url: str | None) -> Output:
        from htmldate import find_date

        return Output(date=find_date(html, url=url, original_date=original))
    return run


_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
})


def _fragment_text(fragment: str) -> str:
    """Text of an HTML fragment, with a line break at each block element so that words of two
    blocks are never glued ("end.</p><p>Start" must not become one token)."""
    import lxml.html

    if not fragment.strip():
        return ""
    root = lxml.html.fromstring(fragment)
    parts: list[str] = []

    def walk(el: Any) -> None:
        block = isinstance(el.tag, str) and el.tag in _BLOCK_TAGS
        if block:
            parts.append("\n")
        if isinstance(el.tag, str) and el.text and el.tag not in ("script", "style"):
            parts.append(el.text)
        for child in el:
            walk(child)
        if block:
            parts.append("\n")
        if el.tail:
            parts.append(el.tail)

    walk(root)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _decode(html: bytes) -> str:
    from ..ingest.decode import decode

    try:
        return decode(html, name="page")
    except Exception:  # noqa: BLE001 - an undecodable page is scored as an empty output
        return html.decode("utf-8", "replace")


System = Callable[[bytes, str | None], Output]


def _systems(dataset: str) -> dict[str, System]:
    systems: dict[str, System] = {"newsbrief": _newsbrief}
    systems["trafilatura"] = _trafilatura_meta if dataset == TRAFILATURA_EVAL else _trafilatura
    systems["readability-lxml"] = _readability
    systems["newspaper4k"] = _newspaper
    if dataset == TRAFILATURA_EVAL:
        systems["htmldate"] = _htmldate(original=False)
        systems["htmldate (original_date)"] = _htmldate(original=True)
    return systems


def _available(systems: dict[str, System]) -> dict[str, System]:
    """The systems whose package is installed; a missing anchor is skipped with a hint."""
    modules = {"trafilatura": "trafilatura", "readability-lxml": "readability",
               "newspaper4k": "newspaper", "htmldate": "htmldate"}
    kept: dict[str, System] = {}
    for name, fn in systems.items():
        module = modules.get(name.split(" ")[0])
        if module:
            try:
                __import__(module)
            except ImportError:
                logger.warning("%s is not installed: skipped (pip install %s)",
                               name, name.split(" ")[0])
                continue
        kept[name] = fn
    return kept


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence the per-page warnings of a run over hundreds of pages: newsbrief's note that a
    page is not in English (most of trafilatura-eval is German), and the anchors' chatter."""
    names = ("newsbrief.ingest", "trafilatura", "htmldate", "newspaper", "readability",
             "readability.readability", "charset_normalizer")
    saved = {n: logging.getLogger(n).level for n in names}
    for n in names:
        logging.getLogger(n).setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            # dateutil (under newspaper4k) warns on every "EST" it reads.
            warnings.simplefilter("ignore")
            yield
    finally:
        for n, level in saved.items():
            logging.getLogger(n).setLevel(level)


def _call(system: System, name: str, html: bytes, url: str | None, page: str) -> Output:
    try:
        return system(html, url)
    except Exception as e:  # noqa: BLE001 - a crash is a miss, as in both benchmarks' runners
        logger.info("%s failed on %s: %s", name, page, e)
        return Output()


# --- the data sets ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Page:
    """One page of a set: its key, URL, raw bytes and gold annotation."""

    key: str
    url: str | None
    html: bytes
    gold: dict[str, Any]


def benchmark_pages(data_dir: Path, limit: int | None = None) -> list[Page]:
    """The benchmark's pages with gold, in id order: every `html/*.html.gz` with a gold entry."""
    root = data_dir / BENCHMARK
    gold = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    files = {p.name.split(".")[0]: p for p in root.glob("html/*.html.gz")}
    keys = sorted(k for k in files if k in gold)[:limit]
    return [Page(k, gold[k].get("url"), gzip.decompress(files[k].read_bytes()), gold[k])
            for k in keys]


def trafilatura_eval_pages(data_dir: Path, limit: int | None = None) -> list[Page]:
    """trafilatura-eval's annotated pages, in URL order: every entry whose file is in `html/`."""
    root = data_dir / TRAFILATURA_EVAL
    items = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    files = {p.name: p for p in root.glob("html/*")}
    keys = sorted(k for k, v in items.items() if v.get("file") in files)[:limit]
    pages = []
    for key in keys:
        data = files[items[key]["file"]].read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        pages.append(Page(key, key if key.startswith("http") else None, data, items[key]))
    return pages


def shipped_outputs(data_dir: Path) -> dict[str, dict[str, str]]:
    """Each shipped baseline's predictions, `{system: {page id: articleBody}}`."""
    outputs: dict[str, dict[str, str]] = {}
    for path in sorted((data_dir / BENCHMARK).glob("baseline-outputs/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data.get("output"), dict):  # {"version": v, "output": {...}}
            data = data["output"]
        outputs[path.stem] = {k: (v or {}).get("articleBody") or "" for k, v in data.items()}
    return outputs


# --- published numbers ------------------------------------------------------------------------

_COLUMNS = {"f1": "f1", "f-score": "f1", "precision": "precision", "recall": "recall",
            "accuracy": "accuracy"}
_NUMBER = re.compile(r"\d*\.\d+|\d+")


def published_scores(data_dir: Path, dataset: str) -> dict[str, dict[str, float]]:
    """The first table of published scores in a set's SOURCE.md: `{system label: {metric: v}}`.

    A table counts when its header names at least two of our metrics; a cell's first number is
    its value ("0.958 ± 0.006" → 0.958).
    """
    path = data_dir / dataset / "SOURCE.md"
    if not path.exists():
        return {}
    scores: dict[str, dict[str, float]] = {}
    header: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            if scores:
                break
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = [c.lower() for c in cells]
            if sum(c in _COLUMNS for c in header) < 2:
                header = []
            continue
        if not header or set("".join(cells)) <= set("-: "):
            continue
        row = {_COLUMNS[h]: float(m[0]) for h, c in zip(header, cells, strict=False)
               if h in _COLUMNS and (m := _NUMBER.search(c))}
        if row and cells[0] not in scores:
            scores[cells[0]] = row
    return scores


def _labels(label: str) -> set[str]:
    """The names a published row goes by: "readability (readability-lxml)" → both."""
    names = {label.split(" ")[0].lower()}
    names.update(m.lower() for m in re.findall(r"\(([\w.-]+)\)", label))
    return names


def published_for(system: str, published: dict[str, dict[str, float]]) -> str | None:
    """The published row of a system of this run (its first, if several: "standard")."""
    base = system.removesuffix(" (shipped)")
    base = _SHIPPED_ALIASES.get(base, base).lower()
    return next((label for label in published if base in _labels(label)), None)


# --- the run ----------------------------------------------------------------------------------

def _row(dataset: str, system: str, metric: str, value: float, n: int | None) -> dict[str, Any]:
    return {"task": TASK, "dataset": dataset, "system": system, "metric": metric,
            "value": float(value), "n": n}


def _live_outputs(
    dataset: str, pages: Sequence[Any], systems: Sequence[str] | None,
    timings: dict[tuple[str, str], float] | None,
) -> Iterator[tuple[str, list[Any]]]:
    """Every installed system's outputs on `pages`, timed in CPU seconds into `timings`."""
    live = _available({k: v for k, v in _systems(dataset).items()
                       if systems is None or k in systems})
    with _quiet():
        for name, system in live.items():
            start = time.process_time()
            outputs = [_call(system, name, p.html, p.url, p.key) for p in pages]
            if timings is not None:
                timings[(dataset, name)] = len(pages) / max(time.process_time() - start, 1e-9)
            yield name, outputs


def score_benchmark(
    data_dir: Path, limit: int | None = None, *, systems: Sequence[str] | None = None,
    timings: dict[tuple[str, str], float] | None = None,
) -> list[dict[str, Any]]:
    """Rows for the benchmark: the shipped outputs first (the reproduction check), then every
    system run live on the same pages, then the published numbers."""
    pages = benchmark_pages(data_dir, limit)
    rows: list[dict[str, Any]] = []
    for name, output in shipped_outputs(data_dir).items():
        scores = benchmark_scores([(p.gold.get("articleBody"), output.get(p.key, ""))
                                   for p in pages])
        rows += [_row(BENCHMARK, f"{name} (shipped)", m, v, n) for m, (v, n) in scores.items()]
    for name, outputs in _live_outputs(BENCHMARK, pages, systems, timings):
        scores = benchmark_scores([(p.gold.get("articleBody"), o.text)
                                   for p, o in zip(pages, outputs, strict=True)])
        rows += [_row(BENCHMARK, name, m, v, n) for m, (v, n) in scores.items()]
    rows += _published_rows(data_dir, BENCHMARK)
    return rows


def score_trafilatura_eval(
    data_dir: Path, limit: int | None = None, *, systems: Sequence[str] | None = None,
    timings: dict[tuple[str, str], float] | None = None,
) -> list[dict[str, Any]]:
    """Rows for trafilatura-eval: segments and metadata, every system on the same pages."""
    pages = trafilatura_eval_pages(data_dir, limit)
    rows: list[dict[str, Any]] = []
    for name, outputs in _live_outputs(TRAFILATURA_EVAL, pages, systems, timings):
        if not name.startswith("htmldate"):
            scores = segment_scores([segment_counts(p.gold, o.text)
                                     for p, o in zip(pages, outputs, strict=True)])
            rows += [_row(TRAFILATURA_EVAL, name, m, v, len(pages))
                     for m, v in scores.items()]
        for field, matches in _MATCHERS.items():
            if field not in _METADATA.get(name.split(" ")[0], ()):
                continue
            scored = [(p.gold[field], getattr(o, field)) for p, o in
                      zip(pages, outputs, strict=True) if p.gold.get(field)]
            if not scored:
                continue
            hits = sum(matches(gold, found) for gold, found in scored)
            rows.append(_row(TRAFILATURA_EVAL, name, f"{field}_accuracy",
                             hits / len(scored), len(scored)))
    rows += _published_rows(data_dir, TRAFILATURA_EVAL)
    return rows


def _published_rows(data_dir: Path, dataset: str) -> list[dict[str, Any]]:
    return [_row(dataset, f"{label} (published)", m, v, None)
            for label, scores in published_scores(data_dir, dataset).items()
            for m, v in scores.items()]


def run(data_dir: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Every extraction score: both sets, newsbrief and the anchors on the same pages.

    Args:
        data_dir: the folder holding `article-extraction-benchmark/` and `trafilatura-eval/`.
        limit: score only the first N pages of each set (in id / URL order).

    Returns:
        Rows `{"task", "dataset", "system", "metric", "value", "n"}`; a shipped output's system
        is `"<name> (shipped)"`, a number copied from SOURCE.md `"<label> (published)"` (n None).
    """
    return _score(Path(data_dir), limit)


def _score(data_dir: Path, limit: int | None, *, systems: Sequence[str] | None = None,
           timings: dict[tuple[str, str], float] | None = None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if (data_dir / BENCHMARK / "ground-truth.json").exists():
        rows += score_benchmark(data_dir, limit, systems=systems, timings=timings)
    else:
        logger.warning("%s/%s not found: skipped", data_dir, BENCHMARK)
    if (data_dir / TRAFILATURA_EVAL / "evaldata.json").exists():
        rows += score_trafilatura_eval(data_dir, limit, systems=systems, timings=timings)
    else:
        logger.warning("%s/%s not found: skipped", data_dir, TRAFILATURA_EVAL)
    return rows


# --- the table --------------------------------------------------------------------------------

def table(rows: Sequence[dict[str, Any]],
          timings: dict[tuple[str, str], float] | None = None) -> str:
    """Per data set, one line per system (ours, the anchors, the shipped outputs), its scores,
    and the published numbers of the same system from SOURCE.md beside them."""
    lines: list[str] = []
    for dataset in dict.fromkeys(r["dataset"] for r in rows):
        mine = [r for r in rows if r["dataset"] == dataset]
        published: dict[str, dict[str, float]] = {}
        scores: dict[str, dict[str, float]] = {}
        count: dict[str, int] = {}
        for r in mine:
            if r["system"].endswith(" (published)"):
                published.setdefault(r["system"].removesuffix(" (published)"), {})[
                    r["metric"]] = r["value"]
            else:
                scores.setdefault(r["system"], {})[r["metric"]] = r["value"]
                if r["metric"] in ("f1", "date_accuracy"):
                    count.setdefault(r["system"], r["n"])
        metrics = [m for m in (*BENCHMARK_METRICS, *META_METRICS)
                   if any(m in s for s in scores.values())]
        shown = [m for m in BENCHMARK_METRICS if any(m in p for p in published.values())]
        n = max(count.values(), default=0)
        lines.append(f"\n{dataset}: {n} pages here; the published numbers (SOURCE.md) are on "
                     "the whole set, dev and held-out pages")
        order = sorted(scores, key=lambda name: (name != "newsbrief", name.endswith("(shipped)")))
        scores = {name: scores[name] for name in order}
        width = max([len(s) for s in scores] + [len(p) for p in published] + [10]) + 2
        title = (f"{'system':<{width}}" + "".join(f"{_short(m):>9}" for m in metrics)
                 + (f"{'pages/s':>9}" if timings else "") + "   | published "
                 + " ".join(f"{_short(m):>6}" for m in shown))
        lines += [title, "-" * len(title)]
        used: set[str] = set()
        for system, values in scores.items():
            label = published_for(system, published)
            if label:
                used.add(label)
            rate = (timings or {}).get((dataset, system))
            lines.append(
                f"{system:<{width}}" + "".join(
                    f"{values[m]:>9.3f}" if m in values else f"{'':>9}" for m in metrics)
                + ((f"{rate:>9.1f}" if rate else f"{'':>9}") if timings else "")
                + "   | " + (_published_cells(published[label], shown) + f"  {label}"
                             if label else ""))
        for label, values in published.items():
            if label not in used:
                lines.append(f"{'':<{width}}" + " " * (9 * len(metrics) + (9 if timings else 0))
                             + "   | " + _published_cells(values, shown) + f"  {label}")
        gaps = [abs(values["f1"] - published[label]["f1"]) for system, values in scores.items()
                if system.endswith("(shipped)") and "f1" in values
                and (label := published_for(system, published)) and "f1" in published[label]]
        if gaps:
            lines.append(f"reproduction: the {len(gaps)} shipped outputs scored here are within "
                         f"{max(gaps):.3f} F1 of their published numbers (mean gap "
                         f"{sum(gaps) / len(gaps):.3f}; the pages differ, see above)")
    return "\n".join(lines)


def _short(metric: str) -> str:
    return {"precision": "P", "recall": "R", "accuracy": "acc", "title_accuracy": "title",
            "date_accuracy": "date", "author_accuracy": "author"}.get(metric, metric.upper())


def _published_cells(values: dict[str, float], shown: Sequence[str]) -> str:
    return "          " + " ".join(
        f"{values[m]:>6.3f}" if m in values else f"{'':>6}" for m in shown)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m newsbrief.evaluate.extraction [--data DIR] [--limit N] [--json]`."""
    parser = task_parser(__doc__, limit_help="score only the first N pages of each set",
                         holding="article-extraction-benchmark/ and trafilatura-eval/")
    parser.add_argument("--systems", help="comma-separated systems to run live (default: all)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    systems = args.systems.split(",") if args.systems else None
    timings: dict[tuple[str, str], float] = {}
    rows = _score(args.data, args.limit, systems=systems, timings=timings)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(table(rows, timings))
        print("\npages/s: pages per CPU-second of each system in this run.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
