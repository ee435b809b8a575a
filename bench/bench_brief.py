"""Speed baseline for briefing: newsbrief beside trafilatura and newspaper4k, same pages, one run.

Every system reads the 121 pages of the article-extraction benchmark
(`data/article-extraction-benchmark/html/*.html.gz`) and is measured in its own fresh child
process, so one system's memory or warm caches never hide another's:

- pages per CPU-second: `time.process_time()` around the per-page work only;
- wall time of that same pass;
- peak memory: `ru_maxrss` of the child at the end of its run;
- start-up: imports, model loading and one warm-up page, timed apart from the pass.

Run it from the repository root (see bench/README.md for what is measured and why):

    python bench/bench_brief.py                 # all 121 pages, a table on stdout
    python bench/bench_brief.py --limit 3       # a few seconds: the CI smoke run
    python bench/bench_brief.py --repeat 3 --json
    python bench/bench_brief.py --profile       # cProfile one newsbrief pass, top functions
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from newsbrief.datasets import default_data_dir

DEFAULT_DATA = default_data_dir()
DATASET = "article-extraction-benchmark"
SYSTEMS = ("newsbrief", "trafilatura", "newspaper4k")
# The keys of one --json row, in order; the lead's CI reads these.
ROW_KEYS = (
    "system", "pages", "failures", "cpu_seconds", "pages_per_cpu_second",
    "wall_seconds", "peak_rss_mb", "startup_seconds",
)


@dataclass(frozen=True, slots=True)
class Page:
    """One benchmark page, decompressed before any timing starts."""

    id: str
    url: str | None
    html: bytes


@dataclass(slots=True)
class Outcome:
    """What one pass over the pages produced: how many failed, and why."""

    failures: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def fail(self, reason: str) -> None:
        self.failures += 1
        self.reasons[reason] += 1


class DataMissing(Exception):
    """The benchmark pages are not where --data says."""


def load_pages(data: Path, limit: int | None) -> list[Page]:
    """The benchmark pages, sorted by id, with the URL each was fetched from."""
    folder = data / DATASET
    files = sorted((folder / "html").glob("*.html.gz"))
    if not files:
        raise DataMissing(
            f"no pages found: {folder / 'html'}/*.html.gz does not exist. "
            "Point --data at the folder holding article-extraction-benchmark/."
        )
    truth_file = folder / "ground-truth.json"
    truth = json.loads(truth_file.read_text(encoding="utf-8")) if truth_file.exists() else {}
    if limit is not None:
        files = files[:limit]
    pages = []
    for file in files:
        page_id = file.name.removesuffix(".html.gz")
        with gzip.open(file, "rb") as fh:
            pages.append(Page(page_id, truth.get(page_id, {}).get("url"), fh.read()))
    return pages


# --- the systems -------------------------------------------------------------------------------
# Each `setup_*` does the imports and model loading and returns `run(page, outcome)`, which does
# the work for one page and records a failure in `outcome` instead of raising.

Runner = Callable[[Page, Outcome], None]


def setup_newsbrief() -> Runner:
    from newsbrief import Options, Pipeline
    from newsbrief.errors import NewsbriefError
    from newsbrief.ingest import ingest

    options = Options()
    pipeline = Pipeline.default(options)  # built once; newsbrief.brief() would build one per call

    def run(page: Page, outcome: Outcome) -> None:
        try:
            brief = pipeline(ingest(page.html, url=page.url, options=options).unwrap())
        except NewsbriefError as e:
            outcome.fail(type(e).__name__)
            return
        # A bug, not an expected outcome: count it and keep timing the other pages.
        except Exception as e:  # noqa: BLE001
            outcome.fail(f"unexpected {type(e).__name__}")
            return
        # A page that briefs must give a reader something: a headline and a body.
        if not (brief.headline or "").strip():
            outcome.fail("brief without a headline")
        elif not brief.article.text.strip():
            outcome.fail("brief without a body")

    return run


def setup_trafilatura() -> Runner:
    import trafilatura

    def run(page: Page, outcome: Outcome) -> None:
        # Bytes in, as newsbrief gets them: trafilatura detects the encoding itself.
        try:
            text = trafilatura.extract(page.html, url=page.url, with_metadata=True)
        except Exception as e:  # noqa: BLE001  (count it and keep timing, as for the others)
            outcome.fail(f"unexpected {type(e).__name__}")
            return
        if not text:
            outcome.fail("no text extracted")

    return run


def _offline_split_sentences(text: str) -> list[str]:
    """newspaper4k's `nlp.split_sentences`, with nupunkt in place of NLTK's punkt.

    newspaper4k 0.9.6 splits sentences in `newspaper.nlp.split_sentences`, which imports
    NLTK, loads its punkt model and calls `nltk.download("punkt")` when the model is missing:
    impossible offline (and an ImportError when NLTK is not installed). `nlp.summarize` looks
    the function up in its module globals at call time, so replacing that one module
    attribute is the narrowest patch; everything else in `Article.nlp()` (keywords, scoring)
    is newspaper4k's own. The post-processing below is copied from the original: newlines and
    runs of spaces collapsed, fragments of 10 characters or fewer dropped. Nothing else needs
    a download: newspaper4k ships its stop words (`newspaper/resources/text/stopwords-*.txt`),
    and its word tokenizer is NLTK's regex-only `WhitespaceTokenizer`, or a regex fallback
    when NLTK is absent. Patched in this benchmark only.
    """
    import re

    import nupunkt

    return [re.sub(r"[\n ]+", " ", s) for s in nupunkt.sent_tokenize(text) if len(s) > 10]


def setup_newspaper4k() -> Runner:
    import warnings

    with warnings.catch_warnings():
        # "nltk is not installed. Some NLP features will be unavailable": we patch around it.
        warnings.simplefilter("ignore", UserWarning)
        import newspaper
        import newspaper.nlp

    newspaper.nlp.split_sentences = _offline_split_sentences

    def run(page: Page, outcome: Outcome) -> None:
        try:
            article = newspaper.Article(page.url or "", fetch_images=False)
            # newspaper4k wants text; every page of this data set is UTF-8 (see its SOURCE.md).
            article.download(input_html=page.html.decode("utf-8", errors="replace"))
            article.parse()
            article.nlp()
        # newspaper4k raises ArticleException and friends on pages it cannot read.
        except Exception as e:  # noqa: BLE001
            outcome.fail(type(e).__name__)
            return
        if not article.text.strip():
            outcome.fail("no text extracted")

    return run


SETUPS: dict[str, Callable[[], Runner]] = {
    "newsbrief": setup_newsbrief,
    "trafilatura": setup_trafilatura,
    "newspaper4k": setup_newspaper4k,
}
DISTRIBUTIONS = {"newsbrief": "newsbrief", "trafilatura": "trafilatura",
                 "newspaper4k": "newspaper4k"}
INSTALL_HINTS = {
    "newsbrief": "pip install -e .",
    "trafilatura": "pip install trafilatura",
    "newspaper4k": "pip install 'newsbrief[bench]'",
}


# --- the child: one system, one process --------------------------------------------------------


def one_pass(run: Runner, pages: list[Page], label: str) -> tuple[float, float, Outcome]:
    """Run every page once; return (CPU seconds, wall seconds, outcome)."""
    from tqdm import tqdm

    outcome = Outcome()
    # tqdm writes to stderr and only on a terminal (disable=None); its cost per page is
    # around a microsecond, far below the noise of these timings.
    bar = tqdm(pages, desc=label, unit="page", leave=False, disable=None, file=sys.stderr)
    wall, cpu = time.perf_counter(), time.process_time()
    for page in bar:
        run(page, outcome)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    bar.close()
    return cpu, wall, outcome


def measure(system: str, pages: list[Page], repeat: int) -> dict[str, object]:
    """Start up one system, run it `repeat` times over the pages, keep the best CPU time."""
    import warnings

    # Library warnings (dateutil's "tzname EST identified but not understood" and the like)
    # would only clutter the progress bar; what fails is counted in the outcome instead.
    warnings.simplefilter("ignore")
    base_rss = _max_rss_mb()  # interpreter + the pages in memory, before the system loads
    started = time.perf_counter()
    try:
        run = SETUPS[system]()
    except ImportError as e:
        raise SystemExit(
            f"bench_brief: {system} cannot be imported ({e}). Install it: {INSTALL_HINTS[system]}"
        ) from e
    # One warm-up page, counted as start-up: models and tables that load lazily on first
    # use (sentence splitters, date parsers, language models) belong there, not in the pass.
    run(pages[0], Outcome())
    startup = time.perf_counter() - started

    best: tuple[float, float, Outcome] | None = None
    for i in range(repeat):
        label = f"{system} {i + 1}/{repeat}" if repeat > 1 else system
        result = one_pass(run, pages, label)
        if best is None or result[0] < best[0]:
            best = result
    assert best is not None  # repeat >= 1
    cpu, wall, outcome = best
    return {
        "system": system,
        "pages": len(pages),
        "failures": outcome.failures,
        "cpu_seconds": round(cpu, 3),
        "pages_per_cpu_second": round(len(pages) / cpu, 2) if cpu > 0 else None,
        "wall_seconds": round(wall, 3),
        "peak_rss_mb": round(_max_rss_mb(), 1),
        "startup_seconds": round(startup, 3),
        # For the table only; --json keeps to ROW_KEYS.
        "failure_reasons": dict(outcome.reasons.most_common()),
        "base_rss_mb": round(base_rss, 1),
        "version": _version(DISTRIBUTIONS[system]),
    }


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "?"


def _max_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KiB elsewhere


# --- the parent: one child per system, then the table -----------------------------------------


def run_child(system: str, args: argparse.Namespace) -> dict[str, object]:
    """Measure `system` in a fresh interpreter; its last stdout line is its JSON row."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--only", system,
           "--data", str(args.data), "--repeat", str(args.repeat)]
    if args.limit is not None:
        cmd += ["--limit", str(args.limit)]
    done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False)  # stderr: bar
    if done.returncode != 0:
        raise SystemExit(f"bench_brief: measuring {system} failed (exit {done.returncode}).")
    return json.loads(done.stdout.strip().splitlines()[-1])


def print_table(rows: list[dict[str, object]], args: argparse.Namespace) -> None:
    nb = next((r for r in rows if r["system"] == "newsbrief"), None)
    head = ("system", "pages", "failures", "pages/CPU-s", "CPU s", "wall s",
            "peak RSS MB", "start-up s", "speed vs nb", "memory vs nb")
    lines = []
    for r in rows:
        speed = memory = "-"
        if nb and nb["pages_per_cpu_second"] and r["pages_per_cpu_second"]:
            speed = f"{r['pages_per_cpu_second'] / nb['pages_per_cpu_second']:.2f}x"
        if nb and nb["peak_rss_mb"]:
            memory = f"{r['peak_rss_mb'] / nb['peak_rss_mb']:.2f}x"
        lines.append((r["system"], r["pages"], r["failures"], r["pages_per_cpu_second"],
                      r["cpu_seconds"], r["wall_seconds"], r["peak_rss_mb"],
                      r["startup_seconds"], speed, memory))
    cells = [head, *[tuple(str(c) for c in line) for line in lines]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(head))]
    # Other work on the machine stretches wall time (CPU time much less): say how busy it was.
    load = ("  load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())
            if hasattr(os, "getloadavg") else "")
    print(f"bench_brief  {datetime.now(UTC):%Y-%m-%d %H:%M} UTC  "
          f"Python {platform.python_version()}  {os.cpu_count()} CPUs  "
          f"{platform.machine()}  repeat={args.repeat} (best CPU pass){load}")
    print("versions: " + ", ".join(f"{r['system']} {r['version']}" for r in rows))
    print(" | ".join(h.ljust(w) for h, w in zip(head, widths)))
    print("-+-".join("-" * w for w in widths))
    for row in cells[1:]:
        print(" | ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in
                         enumerate(zip(row, widths))))
    base = min(float(r["base_rss_mb"]) for r in rows)
    print(f"\npeak RSS includes ~{base:.0f} MB of interpreter and pages held in memory, "
          "the same for every system.")
    for r in rows:
        if r["failure_reasons"]:
            reasons = ", ".join(f"{k} x{v}" for k, v in r["failure_reasons"].items())
            print(f"{r['system']} failures: {reasons}")


def profile_newsbrief(pages: list[Page], top: int, repeat: int) -> None:
    """cProfile one newsbrief pass; print the top functions by cumulative time.

    As in the benchmark, start-up and one warm-up page come first, unprofiled; with
    `--repeat K` the first K-1 passes run unprofiled too, so the profile shows a warm pass.
    """
    import cProfile
    import pstats

    run = setup_newsbrief()
    run(pages[0], Outcome())
    for _ in range(repeat - 1):
        for page in pages:
            run(page, Outcome())
    outcome = Outcome()
    profiler = cProfile.Profile(time.process_time)  # CPU time, as the benchmark counts it
    profiler.enable()
    for page in pages:
        run(page, outcome)
    profiler.disable()
    print(f"newsbrief, {len(pages)} pages, pass {repeat} of {repeat}, "
          f"{outcome.failures} failures; top {top} by cumulative CPU time "
          "(profiling slows everything down: compare shares):")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Pages per CPU-second, wall time and peak memory of newsbrief, "
        "trafilatura and newspaper4k on the same pages.",
        epilog="Example: python bench/bench_brief.py --limit 20 --json",
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help=f"folder holding {DATASET}/ (default: {DEFAULT_DATA})")
    parser.add_argument("--limit", type=int, default=None, metavar="N",
                        help="only the first N pages (sorted by id), for a quick run")
    parser.add_argument("--repeat", type=int, default=1, metavar="K",
                        help="run each pass K times and keep the best CPU time (default 1)")
    parser.add_argument("--json", action="store_true", help="print one JSON list of rows")
    parser.add_argument("--only", choices=SYSTEMS,
                        help="measure one system in this process and print its row "
                        "(what the parent runs in each child)")
    parser.add_argument("--profile", nargs="?", const=10, type=int, metavar="TOP",
                        help="cProfile one newsbrief pass and print the top TOP functions "
                        "by cumulative time (default 10), instead of the benchmark")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.profile is not None and args.profile < 1:
        parser.error("--profile TOP must be at least 1")

    try:
        wanted = args.only or args.profile is not None
        pages = load_pages(args.data, args.limit) if wanted else None
        if pages is None:  # the parent only checks the data, so a bad --data fails fast
            load_pages(args.data, 1)
    except DataMissing as e:
        print(f"bench_brief: {e}", file=sys.stderr)
        return 2

    if args.profile is not None:
        profile_newsbrief(pages, args.profile, args.repeat)
        return 0
    if args.only:
        print(json.dumps(measure(args.only, pages, args.repeat)))
        return 0

    rows = [run_child(system, args) for system in SYSTEMS]
    if args.json:
        print(json.dumps([{k: r[k] for k in ROW_KEYS} for r in rows], indent=1))
    else:
        print_table(rows, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
