"""How the cost of adding one article grows with the store: clustering alone, and `add`.

Articles are synthesised by recombining real ones (AllSides, BASIL and DUC texts: the
headline of one, paragraphs of three others) and dated `--per-day` apart in stream order,
as a store grows: a bigger store holds a longer history, not a denser day. The timed batch
is the newest. For each store size (1k and 10k by default):

- clustering alone: a `MemoryIndex` filled with `size` articles, then `--batch` more
  added (features and clustering) and timed;
- store add: a SQLite store filled with `size` pre-briefed articles, then `--batch` more
  stored and timed (near-duplicate check, clustering, all writes, one transaction each);
- add: the same, each article first ingested and briefed by the default pipeline, which is
  what `newsbrief add` does per article.

If the cost per article grew linearly with the store, articles/s at 10k would be a tenth
of that at 1k. Prints a table (or `--json` rows). With `--encoder minilm.v1` (the embed
extra) the two store rows use a store that also clusters by sentence-encoder vectors, each
article encoded as `Store.add` does it (the fill in batches of 64).

Example:
    python bench/bench_stories.py
    python bench/bench_stories.py --sizes 1000 --batch 100
    python bench/bench_stories.py --sizes 1000 --batch 200 --encoder minilm.v1
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsbrief import Pipeline, ingest
from newsbrief.datasets import default_data_dir
from newsbrief.store import Store
from newsbrief.stories import MemoryIndex, StoryClusterer, article_features

SOURCES = ("allsides-neus", "basil", "duc-2006-2007")
START = datetime(2025, 1, 1, tzinfo=UTC)


def real_articles(data_dir: Path) -> list[dict[str, Any]]:
    rows = []
    for name in SOURCES:
        path = data_dir / name / "articles.jsonl"
        if path.exists():
            rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return rows


def synthesise(real: list[dict[str, Any]], n: int, seed: int, per_day: int
               ) -> list[dict[str, Any]]:
    """`n` articles, oldest first: one real headline and paragraphs from three real texts,
    `per_day` to a day."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        head, *bodies = rng.sample(real, 4)
        paragraphs = [p for b in bodies for p in b["text"].split("\n\n")[:3] if p.strip()]
        when = START + timedelta(days=i / per_day)
        out.append({"title": head["title"] or "Untitled", "text": "\n\n".join(paragraphs),
                    "published": when.isoformat(timespec="minutes"),
                    "url": f"https://synthetic.example/{seed}/{i}"})
    return out


def brief_dict(a: dict[str, Any]) -> dict[str, Any]:
    """A pre-briefed article in `Brief.to_dict()` shape, without running the pipeline."""
    digest = hashlib.sha1(f"{a['url']}\n{a['text']}".encode()).hexdigest()[:16]
    return {"id": digest, "headline": a["title"], "published": a["published"],
            "source": {"url": a["url"], "outlet": "synthetic.example"},
            "article": {"title": a["title"], "text": a["text"]},
            "people": [], "organizations": [], "places": [], "quotes": [], "timeline": []}


def capture(a: dict[str, Any]) -> bytes:
    """The article as a text capture, the shape `newsbrief add` reads from a file."""
    return f"{a['title']}\n\n{a['published']}\n\n{a['text']}\n".encode()


def clustering_alone(fill: list[dict[str, Any]], batch: list[dict[str, Any]]) -> float:
    clusterer = StoryClusterer(MemoryIndex())
    for i, a in enumerate(fill):
        clusterer.add(i, article_features(brief_dict(a)))
    start = time.perf_counter()
    for i, a in enumerate(batch, len(fill)):
        clusterer.add(i, article_features(brief_dict(a)))
    return len(batch) / (time.perf_counter() - start)


def store_add(fill: list[dict[str, Any]], batch: list[dict[str, Any]], pipeline: Pipeline,
              encoder: str | None = None) -> tuple[float, float]:
    """Articles/s for storing pre-briefed articles, and for ingest + brief + store."""
    with tempfile.TemporaryDirectory() as tmp, \
            Store(Path(tmp) / "bench.db", encoder=encoder) as store:
        for start in range(0, len(fill), 64):
            store.add(*[brief_dict(a) for a in fill[start:start + 64]])
        half = len(batch) // 2
        start = time.perf_counter()
        for a in batch[:half]:
            store.add(brief_dict(a))
        stored = half / (time.perf_counter() - start)
        start = time.perf_counter()
        for a in batch[half:]:
            article = ingest(capture(a), url=a["url"]).unwrap()
            store.add(pipeline(article))
        added = (len(batch) - half) / (time.perf_counter() - start)
    return stored, added


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=default_data_dir(),
                        help="the folder holding the data sets (default: %(default)s)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000],
                        help="store sizes to measure at")
    parser.add_argument("--batch", type=int, default=400, help="articles timed at each size")
    parser.add_argument("--per-day", type=int, default=200,
                        help="articles a day in the synthetic stream (default: %(default)s)")
    parser.add_argument("--encoder", help="store rows: a store with this sentence encoder "
                        "(e.g. minilm.v1; needs the embed extra)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args(argv)
    real = real_articles(args.data)
    if not real:
        print(f"no articles under {args.data} ({', '.join(SOURCES)})", file=sys.stderr)
        return 2
    pipeline = Pipeline.default()
    rows = []
    for size in args.sizes:
        pool = synthesise(real, size + args.batch, seed=size, per_day=args.per_day)
        fill, batch = pool[:size], pool[size:]
        alone = clustering_alone(fill, batch)
        stored, added = store_add(fill, batch, pipeline, args.encoder)
        rows.append({"stored": size, "clustering_per_second": round(alone),
                     "store_add_per_second": round(stored), "add_per_second": round(added, 1)})
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print("| stored articles | clustering alone (articles/s) | store add, pre-briefed "
          "(articles/s) | add: ingest + brief + store (articles/s) |")
    print("|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['stored']:,} | {r['clustering_per_second']:,} | "
              f"{r['store_add_per_second']:,} | {r['add_per_second']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
