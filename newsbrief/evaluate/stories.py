"""Score story clustering on four public sets, beside two TF-IDF baselines run in the same run.

Data sets (`data/<name>/SOURCE.md` says where each comes from):
- allsides-neus: one AllSides story = one event covered by 2-3 outlets; no dates, so
  content alone must separate the events (the hard one).
- basil: one event covered by Fox, NYT and HuffPost; dated.
- duc-2006-2007: DUC topic sets of 25 articles that span months: topics, not events.
- wikiref220: Wikipedia reference articles by topic; undated.

Systems, all fed title + text (no brief, so clustering is measured alone):
- newsbrief: `stories.StoryClusterer` over a `MemoryIndex`, one article at a time in
  publication order. An undated set has no order, and an incremental clusterer's result
  depends on it, so its scores are the mean over `ORDERS` pseudo-random orders (hashes of
  the ids with different salts; the first is the order `load` returns).
- single-pass TF-IDF: each article joins the most similar story centroid (cosine ≥ 0.3)
  or starts a new story (Allan et al. 1998, the classic TDT baseline); same orders.
- agglomerative TF-IDF: average-linkage over all pairs at cosine distance 0.8, which sees
  the whole set at once (the offline upper reference).
Both baselines use scikit-learn's TfidfVectorizer (English stop words, sublinear TF); their
thresholds were chosen once for the best B³ F1 on allsides-neus dev, which favours them.
- newsbrief + ENCODER (with `--encoder minilm.v1`, the `embed` extra): newsbrief with a
  sentence encoder's cosine in the pair score (`newsbrief.encoders`).

B³ falls as a set holds more events to confuse: the same clusterer scores lower on 986
articles than on 493. So allsides-neus is also scored at the size of its held-out part
(491 articles): as the mean over `HALVES` random splits of its stories into two halves,
row "allsides-neus (halves)", for every system.

Metrics: B³ precision, recall and F1 (Bagga & Baldwin 1998, averaged over articles) and
pairwise F1. For newsbrief, `articles_per_second` is clustering alone (what `Store.add`
does once the brief and its features exist) and `features_per_second` the features from
title and text (with an encoder, its vectors included).

Example:
    python -m newsbrief.evaluate.stories
    python -m newsbrief.evaluate.stories --limit 300 --json
    python -m newsbrief.evaluate.stories --encoder minilm.v1
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..stories import Features, MemoryIndex, StoryClusterer, encoder_text, features, timestamp
from .report import table, task_parser

DATASETS = ("allsides-neus", "basil", "duc-2006-2007", "wikiref220")
SINGLE_PASS = 0.3
ORDERS = 5
AGGLOMERATIVE = 0.8
HALVED = ("allsides-neus",)  # sets also scored at the size of their held-out part
HALVES = 2  # random splits into two halves by story (so 2 × 2 halves)


@dataclass(frozen=True, slots=True)
class Doc:
    id: str
    cluster: str
    title: str
    text: str
    date: str | None


def load(data_dir: Path, name: str, limit: int | None = None) -> list[Doc]:
    """One data set's articles in stream order (by date, then by a hash of the id)."""
    folder = data_dir / name
    docs: list[Doc] = []
    if (folder / "articles.jsonl").exists():
        for line in (folder / "articles.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            docs.append(Doc(row["id"], str(row["cluster_id"]), row.get("title") or "",
                            row["text"], row.get("date")))
    elif (folder / "labels.tsv").exists():  # wikiref220: one cp1252 file per article
        labels = dict(line.split("\t") for line in
                      (folder / "labels.tsv").read_text(encoding="utf-8").splitlines()[1:])
        for path in sorted((folder / "docs").glob("*.txt")):
            title, _, body = path.read_bytes().decode("cp1252", "replace").strip().partition("\n")
            docs.append(Doc(path.name, labels[path.name], title, body, None))
    docs.sort(key=lambda d: (d.date or "", hashlib.sha1(d.id.encode()).hexdigest()))
    return docs[:limit] if limit else docs


def b_cubed(pred: Sequence[object], gold: Sequence[object]) -> tuple[float, float, float]:
    """B³ precision, recall and F1, averaged over items."""
    pred_sets: defaultdict[object, set[int]] = defaultdict(set)
    gold_sets: defaultdict[object, set[int]] = defaultdict(set)
    for i, (p, g) in enumerate(zip(pred, gold)):
        pred_sets[p].add(i)
        gold_sets[g].add(i)
    precision = recall = 0.0
    for i, (p, g) in enumerate(zip(pred, gold)):
        both = len(pred_sets[p] & gold_sets[g])
        precision += both / len(pred_sets[p])
        recall += both / len(gold_sets[g])
    n = len(gold)
    precision, recall = precision / n, recall / n
    return precision, recall, 2 * precision * recall / (precision + recall)


def pairwise_f1(pred: Sequence[object], gold: Sequence[object]) -> float:
    """F1 over the pairs of items put in one cluster."""
    def pairs(counts: Counter[Any]) -> int:
        return sum(c * (c - 1) // 2 for c in counts.values())

    both = pairs(Counter(zip(pred, gold)))
    predicted, actual = pairs(Counter(pred)), pairs(Counter(gold))
    if not both:
        return 0.0
    precision, recall = both / predicted, both / actual
    return 2 * precision * recall / (precision + recall)


def orders(docs: list[Doc], count: int = ORDERS) -> list[list[int]]:
    """The stream orders a set is scored in: the one `load` gives for a dated set, `count`
    pseudo-random ones for an undated set."""
    identity = list(range(len(docs)))
    if all(d.date for d in docs):
        return [identity]
    return [identity] + [sorted(identity, key=lambda i: hashlib.sha1(
        f"{salt}:{docs[i].id}".encode()).hexdigest()) for salt in range(1, count)]


def newsbrief(docs: list[Doc], order: Sequence[int],
              feats: Sequence[Features]) -> tuple[list[int], float]:
    """Story ids in input order, and the seconds clustering took."""
    index = MemoryIndex()
    clusterer = StoryClusterer(index)
    start = time.perf_counter()
    for i in order:
        clusterer.add(i, feats[i])
    seconds = time.perf_counter() - start
    stories = index.stories()
    return [stories[i] for i in range(len(docs))], seconds


def doc_features(docs: list[Doc], encoder: Any = None) -> tuple[list[Features], float]:
    """Clustering features of each article (with `encoder`'s vectors, if given), and the
    seconds they took."""
    start = time.perf_counter()
    vectors = (list(encoder.encode([encoder_text(d.title, d.text) for d in docs]))
               if encoder is not None else [None] * len(docs))
    feats = [features(d.title, d.text, time=timestamp(d.date) if d.date else None, vector=v)
             for d, v in zip(docs, vectors)]
    return feats, time.perf_counter() - start


def halves(docs: list[Doc], splits: int = HALVES) -> list[list[int]]:
    """The positions of the articles of each half of each random split of the stories."""
    out: list[list[int]] = []
    for salt in range(splits):
        side = [int(hashlib.sha1(f"half{salt}:{d.cluster}".encode()).hexdigest(), 16) % 2
                for d in docs]
        out += [[i for i, s in enumerate(side) if s == k] for k in (0, 1)]
    return out


def tfidf_gram(docs: list[Doc]) -> Any:
    """The baselines' article × article cosines of TF-IDF vectors (a dense array), made
    once per data set for every order and both baselines."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(
        [f"{d.title}\n{d.text}" for d in docs])
    return (matrix @ matrix.T).toarray()


def single_pass(gram: Any, order: Sequence[int], threshold: float = SINGLE_PASS) -> list[int]:
    """Each article joins the closest story centroid above `threshold`, or starts one.

    A centroid is the sum of its members' vectors, so its dot product with an article is
    a sum over the Gram matrix: one column added per step, not a matrix rebuilt.
    """
    import numpy as np

    n = len(gram)
    dots = np.zeros((n, n))  # article × story: dot with the story's sum
    norms: list[float] = []  # squared norm of each story's sum
    labels = [0] * n
    for i in order:
        best = -1
        if norms:
            scores = dots[i, :len(norms)] / np.sqrt(np.maximum(norms, 1e-24))
            best = int(scores.argmax())
            if scores[best] < threshold:
                best = -1
        if best < 0:
            best = len(norms)
            norms.append(0.0)
        norms[best] += 2 * dots[i, best] + gram[i, i]
        dots[:, best] += gram[:, i]
        labels[i] = best
    return labels


def agglomerative(gram: Any, threshold: float = AGGLOMERATIVE) -> list[int]:
    """Average linkage over cosine distances, cut at `threshold`."""
    from sklearn.cluster import AgglomerativeClustering

    distances = 1.0 - gram
    distances[distances < 0] = 0.0
    return list(AgglomerativeClustering(
        n_clusters=None, distance_threshold=threshold, metric="precomputed",
        linkage="average").fit_predict(distances))


def run(data_dir: Path, limit: int | None = None, encoder: str | None = None
        ) -> list[dict[str, Any]]:
    """Score every system on every data set found under `data_dir`.

    Args:
        data_dir: the folder holding the data sets (`newsbrief.datasets.default_data_dir()`).
        limit: score only the first `limit` articles of each set (in stream order).
        encoder: also score newsbrief with this sentence encoder (`newsbrief.encoders`).

    Returns:
        Rows `{"task": "stories", "dataset", "system", "metric", "value", "n"}`.
    """
    model = None
    if encoder:
        from ..encoders import make

        model = make(encoder)
    rows: list[dict[str, Any]] = []
    for name in DATASETS:
        if not (data_dir / name).is_dir():
            continue
        docs = load(data_dir, name, limit)
        variants = {"newsbrief": doc_features(docs)}
        if model is not None:
            variants[f"newsbrief + {encoder}"] = doc_features(docs, model)
        parts = [list(range(len(docs)))]
        if name in HALVED and limit is None:
            parts += halves(docs)
        for k, part in enumerate(parts):
            subset = [docs[i] for i in part]
            label = name if k == 0 else f"{name} (halves)"
            results = _systems(subset, {v: [feats[i] for i in part]
                                        for v, (feats, _) in variants.items()})
            for system, scores in results.items():
                if k:  # speed is measured on the whole set only
                    scores = {m: v for m, v in scores.items() if not m.endswith("per_second")}
                elif system in variants:
                    scores["features_per_second"] = len(docs) / variants[system][1]
                rows.append({"dataset": label, "system": system, "n": len(subset), **scores})
    return _merge_halves(rows)


def _systems(docs: list[Doc], variants: dict[str, list[Features]]
             ) -> dict[str, dict[str, float]]:
    """Each system's scores on `docs` (newsbrief once per features variant)."""
    gold = [d.cluster for d in docs]
    streams = orders(docs)
    gram = tfidf_gram(docs)
    out: dict[str, dict[str, float]] = {}
    for system, feats in variants.items():
        ours = [newsbrief(docs, order, feats) for order in streams]
        out[system] = {**_mean([_scores(pred, gold) for pred, _ in ours]),
                       "articles_per_second": len(docs) * len(ours) / sum(t for _, t in ours)}
    out["single-pass TF-IDF"] = _mean([_scores(single_pass(gram, order), gold)
                                       for order in streams])
    out["agglomerative TF-IDF"] = _scores(agglomerative(gram), gold)
    return out


def _merge_halves(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per (data set, system, metric): the halves' scores and sizes averaged."""
    grouped: defaultdict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in runs:
        grouped[(r["dataset"], r["system"])].append(r)
    rows: list[dict[str, Any]] = []
    for (dataset, system), group in grouped.items():
        n = round(sum(r["n"] for r in group) / len(group))
        metrics = [m for m in group[0] if m not in ("dataset", "system", "n")]
        rows += [{"task": "stories", "dataset": dataset, "system": system, "metric": m,
                  "value": round(sum(r[m] for r in group) / len(group), 4), "n": n}
                 for m in metrics]
    return rows


def _scores(pred: Sequence[object], gold: Sequence[object]) -> dict[str, float]:
    precision, recall, f1 = b_cubed(pred, gold)
    return {"b3_precision": precision, "b3_recall": recall, "b3_f1": f1,
            "pairwise_f1": pairwise_f1(pred, gold)}


def _mean(runs: list[dict[str, float]]) -> dict[str, float]:
    return {k: sum(r[k] for r in runs) / len(runs) for k in runs[0]}


def main(argv: Sequence[str] | None = None) -> int:
    parser = task_parser(__doc__, limit_help="score only the first N articles of each set")
    parser.add_argument("--encoder", help="also score newsbrief with this sentence encoder "
                        "(e.g. minilm.v1; needs the embed extra)")
    args = parser.parse_args(argv)
    if not any((args.data / name).is_dir() for name in DATASETS):
        print(f"no clustering data set under {args.data} (looked for {', '.join(DATASETS)})",
              file=sys.stderr)
        return 2
    rows = run(args.data, args.limit, args.encoder)
    print(json.dumps(rows, indent=2) if args.json else table(rows, markdown=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
