"""`newsbrief add`, `watch`, `stories`, `story`, `search`, `related`: the store on the
command line, thin wrappers over `newsbrief.store`."""

from __future__ import annotations

import functools
import json
import re
import sys
import textwrap
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from .cli import CONTEXT, _guarded, _options, cli, fetch_options
from .pipeline import Pipeline
from .store import Outcome, Store, add_inputs, default_path, watch

__all__ = ["add", "parse_duration", "related", "search", "stories", "story", "watch_command"]

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])", re.IGNORECASE)
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> timedelta:
    """`90s`, `15m`, `2h`, `2d`, `1w` or a sum such as `1h30m`.

    Raises:
        click.BadParameter: anything else.
    """
    parts = _DURATION.findall(text)
    if not parts or _DURATION.sub("", text).strip():
        raise click.BadParameter(f"{text!r} is not a duration: use e.g. 90s, 15m, 2h, 2d, 1w.")
    return timedelta(seconds=sum(float(n) * _SECONDS[u.lower()] for n, u in parts))


def _duration(_ctx: click.Context, _param: click.Parameter, value: str | None
              ) -> timedelta | None:
    return parse_duration(value) if value else None


def store_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--db and --json, shared by every store command."""
    command = click.option("--json", "as_json", is_flag=True,
                           help="Print JSON (one object, or JSON Lines for add and watch).")(
        command)
    return click.option(
        "--db", type=click.Path(dir_okay=False, path_type=Path),
        help="The store file [default: $NEWSBRIEF_DB, else "
             "$XDG_DATA_HOME/newsbrief/newsbrief.db or the per-user data folder].")(command)


def _open(db: Path | None, *, create: bool = False, encoder: str | None = None) -> Store:
    return Store(db or default_path(), create=create, encoder=encoder)


def encoder_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--encoder, for the commands that add to the store."""
    return click.option(
        "--encoder", metavar="NAME",
        help="A new store only: cluster with this sentence encoder as well as words "
             "(minilm.v1; needs pip install 'newsbrief[embed]'). The store keeps it.")(command)


def _with_store(create: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Open the store named by --db for the command, and close it after."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, db: Path | None, **kw: Any) -> Any:
            with _open(db, create=create) as store:
                return func(*args, store=store, **kw)

        return wrapper

    return decorate


def _emit(outcomes: Iterable[Outcome], as_json: bool, *, progress: bool) -> list[Outcome]:
    """Print each outcome as it comes (JSON Lines with --json); return the failures."""
    failures: list[Outcome] = []
    for outcome in tqdm(outcomes, desc="adding", unit="article", file=sys.stderr,
                        disable=not progress or None, leave=False):
        if as_json:
            click.echo(json.dumps({"input": outcome.name, "status": outcome.status,
                                   **(outcome.added.to_dict() if outcome.added else {}),
                                   "error": outcome.error}, ensure_ascii=False))
        if outcome.error:
            failures.append(outcome)
    return failures


def _tally(outcomes: list[Outcome]) -> str:
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    names = {"new": "new", "version": "new versions of stored articles",
             "known": "already stored", "seen": "feed entries seen before", "failed": "failed"}
    return ", ".join(f"{n} {names[s]}" for s, n in counts.items()) or "nothing to add"


def _fail(failures: list[Outcome], total: int) -> None:
    if not failures:
        return
    click.echo(f"Error: {len(failures)} of {total} inputs failed:", err=True)
    for f in failures:
        click.echo(f"  {f.name}: {f.error}", err=True)
    sys.exit(1)


@cli.command(context_settings=CONTEXT)
@click.argument("inputs", nargs=-1, required=True)
@store_options
@encoder_option
@fetch_options
@_guarded
def add(inputs: tuple[str, ...], db: Path | None, as_json: bool, encoder: str | None,
        debug: bool, **kw: Any) -> None:
    """Brief articles and keep them in the store, grouped into stories.

    INPUTS are files, folders, http(s) URLs, JSON/JSONL dumps and RSS/Atom feeds (URLs or
    files). Copies of a stored article (wire copies, re-publications, updates) become its
    sources. Failures are listed at the end (exit status 1); the rest is stored. Running
    the same command again adds nothing twice.

    \b
    Example:
        newsbrief add page.html captures/ dump.jsonl
        newsbrief add https://example.com/rss.xml --db news.db
        newsbrief add dump.jsonl --db news.db --encoder minilm.v1
    """
    options = _options(**kw)
    with _open(db, create=True, encoder=encoder) as store:
        outcomes: list[Outcome] = []
        progress = len(inputs) > 1 or any(Path(i).is_dir() for i in inputs)
        results = add_inputs(store, inputs, options=options, pipeline=Pipeline.default(options))
        failures = _emit(_collect(results, outcomes), as_json, progress=progress)
        if not as_json:
            click.echo(f"{_tally(outcomes)} in {store.path}", err=True)
    _fail(failures, len(outcomes))


def _collect(outcomes: Iterable[Outcome], into: list[Outcome]) -> Iterable[Outcome]:
    for outcome in outcomes:
        into.append(outcome)
        yield outcome


@cli.command("watch", context_settings=CONTEXT)
@click.argument("feeds", nargs=-1, required=True)
@click.option("--every", default="15m", show_default=True,
              help="How often to poll each feed (90s, 15m, 2h …).")
@click.option("--once", is_flag=True, help="Poll once and exit (status 1 if a feed failed).")
@store_options
@encoder_option
@fetch_options
@_guarded
def watch_command(feeds: tuple[str, ...], every: str, once: bool, db: Path | None,
                  as_json: bool, encoder: str | None, debug: bool, **kw: Any) -> None:
    """Poll RSS/Atom feeds and store what is new, until interrupted.

    Each poll is a conditional GET (ETag, Last-Modified), so an unchanged feed costs one
    small request. A feed that fails (unreachable, malformed, empty, too big) is reported
    and polled again next time; the others go on.

    \b
    Example:
        newsbrief watch https://example.com/rss.xml https://example.org/atom --every 15m
        newsbrief watch https://example.com/rss.xml --once --json
    """
    seconds = parse_duration(every).total_seconds()
    options = _options(**kw)
    with _open(db, create=True, encoder=encoder) as store:
        outcomes = watch(store, list(feeds), every=seconds, once=once, options=options,
                         pipeline=Pipeline.default(options))
        failures: list[Outcome] = []
        try:
            for outcome in outcomes:
                failures += _emit([outcome], as_json, progress=False)
                if not as_json and outcome.added and outcome.added.status != "known":
                    click.echo(f"story {outcome.added.story} ← [{outcome.added.article}] "
                               f"{outcome.added.headline or outcome.name}")
                elif not as_json and outcome.error:
                    click.echo(f"Error: {outcome.error}", err=True)
        except KeyboardInterrupt:
            return
    if once and failures:
        sys.exit(1)


@cli.command(context_settings=CONTEXT)
@click.option("--since", callback=_duration, help="Only stories with an article newer than "
              "this (2d, 12h …).")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="The most stories listed.")
@store_options
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@_guarded
@_with_store()
def stories(store: Store, since: timedelta | None, limit: int, as_json: bool, debug: bool
            ) -> None:
    """List developing stories, the latest first.

    \b
    Example:
        newsbrief stories --since 2d
        newsbrief stories --json --db news.db
    """
    found = store.stories(since=since, limit=limit)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo("No stories yet: add articles with `newsbrief add`.", err=True)
    for s in found:
        span = s["first_seen"][:10] if s["first_seen"][:10] == s["last_seen"][:10] else \
            f"{s['first_seen'][:10]} → {s['last_seen'][:10]}"
        click.echo(f"{s['id']:>6}  {span:<23}  {s['article_count']:>3} articles  "
                   f"{s['outlet_count']:>2} outlets  {s['title'] or '(no headline)'}")


@cli.command(context_settings=CONTEXT)
@click.argument("story_id", type=int)
@store_options
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@_guarded
@_with_store()
def story(store: Store, story_id: int, as_json: bool, debug: bool) -> None:
    """Show one story: articles by time, merged timeline, quotes, people, related stories.

    \b
    Example:
        newsbrief story 12
        newsbrief story 12 --json
    """
    found = store.story(story_id)
    click.echo(json.dumps(found, ensure_ascii=False, indent=2) if as_json else _story_text(found))


def _story_text(s: dict[str, Any]) -> str:
    wrap = textwrap.TextWrapper(width=88, initial_indent="    ", subsequent_indent="    ")
    lines = [f"Story {s['id']}: {s['title'] or '(no headline)'}",
             (f"{s['first_seen']} → {s['last_seen']} · {s['article_count']} articles, "
              f"{s['source_count']} sources, {s['outlet_count']} outlets")]
    why = "; ".join(f"{k}: {', '.join(v)}" for k, v in s["why"].items() if v)
    if why:
        lines.append(f"Why together: {why}")
    lines += ["", "ARTICLES"]
    for a in s["articles"]:
        outlets = ", ".join(dict.fromkeys(src["outlet"] or src["url"] or "?"
                                          for src in a["sources"]))
        lines.append(f"  [{a['id']}] {a['published'] or '(undated)'}  {a['headline']}  "
                     f"— {outlets}")
    if s["timeline"]:
        lines += ["", "TIMELINE"]
        for e in s["timeline"]:
            sources = ", ".join(dict.fromkeys(str(src["outlet"] or f"#{src['article']}")
                                              for src in e["sources"]))
            lines.append(f"  {e['date'] or 'undated':<23} {e['event']}  [{sources}]")
            for kind, versions in e["conflicts"].items():
                side = "  vs  ".join(f"{v} (#{', #'.join(map(str, ids))})"
                                     for v, ids in versions.items())
                lines.append(f"    ! {kind} differ: {side}")
    if s["quotes"]:
        lines += ["", "QUOTES"]
        for group in s["quotes"]:
            lines.append(f"  {group['speaker'] or '(unattributed)'}")
            for q in group["quotes"]:
                lines += wrap.wrap(f"“{q['text']}” ({len(q['sources'])} source"
                                   f"{'s' if len(q['sources']) > 1 else ''})")
    if s["people"]:
        lines += ["", "PEOPLE"]
        for p in s["people"]:
            about = ", ".join(p["roles"] + p["affiliations"])
            lines.append(f"  {p['name']}{f' ({about})' if about else ''} — "
                         f"{len(p['articles'])} article(s)")
    if s["related"]:
        lines += ["", "RELATED STORIES"]
        lines += [_related_line(r) for r in s["related"]]
    return "\n".join(lines)


def _related_line(r: dict[str, Any]) -> str:
    shared = f" — shared: {', '.join(r['shared'][:6])}" if r["shared"] else ""
    return (f"  [{r['id']}] {r['title']} ({r['article_count']} articles, score {r['score']})"
            f"{shared}")


@cli.command(context_settings=CONTEXT)
@click.argument("query")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="The most articles listed.")
@store_options
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@_guarded
@_with_store()
def search(store: Store, query: str, limit: int, as_json: bool, debug: bool) -> None:
    """Full-text search of stored articles, best match first.

    QUERY is words, "an exact phrase", prefix* or a OR b.

    \b
    Example:
        newsbrief search "peace talks" Turkey
        newsbrief search 'ceasefire OR truce' --json
    """
    found = store.search(query, limit=limit)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo(f"Nothing matches {query!r}.", err=True)
    for r in found:
        click.echo(f"[{r['article']}] {r['headline']} — {r['outlet'] or '?'}, "
                   f"{r['published'] or 'undated'} (story {r['story']})")
        click.echo(f"    {' '.join(r['snippet'].split())}")


@cli.command(context_settings=CONTEXT)
@click.argument("article_id", type=int)
@click.option("--limit", type=click.IntRange(min=1), default=5, show_default=True,
              help="The most stories listed.")
@store_options
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@_guarded
@_with_store()
def related(store: Store, article_id: int, limit: int, as_json: bool, debug: bool) -> None:
    """Stories related to an article's story: the same people or places, another event.

    \b
    Example:
        newsbrief related 42
        newsbrief related 42 --json
    """
    found = store.related(article_id, limit=limit)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo(f"No related stories for article {article_id}.", err=True)
    for r in found:
        click.echo(_related_line(r).strip())

