"""Score the summarizers on CNN/DailyMail highlights: ROUGE-1/2/Lsum F1, beside the baselines.

Data: `summeval/dev.jsonl` and `realsumm/dev.jsonl` under `--data` (see each SOURCE.md): PTB-
tokenized articles, their reference highlights, and the outputs of 16–24 published systems.

Protocol (the one SOURCE.md reports its measured numbers with, so that ours sit beside
theirs): texts are lightly detokenized (`detokenize`), every output and reference is split
into sentences with nupunkt and the sentences joined by newlines (for ROUGE-Lsum), and
`rouge_score` scores it with `use_stemmer=True`; F1 is averaged over documents.

What is scored for newsbrief: its bullets (default 3), concatenated. The highlights are
3–4 sentences (~50 words), which is what a bullet list is; the short summary (≤60 words) is
scored too, as `newsbrief-short`. Lead-3 (`lead.v1`), sumy's LexRank and TextRank (3
sentences) run on the same documents and the same sentences in the same run; each shipped
system's output is scored as it is, to show the scorer reproduces the published numbers.

Nothing is downloaded: sumy gets an offline tokenizer (nupunkt sentences, regex words)
instead of NLTK's punkt, and rouge_score's tokenizer needs no NLTK data.

Example:
    python -m newsbrief.evaluate.summary
    python -m newsbrief.evaluate.summary --limit 20 --json
    python -m newsbrief.evaluate.summary --fit      # refit extractive.WORD_WEIGHTS on these documents
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import Any

import nupunkt

from ..ingest import build_article
from ..records import Article, Block, ParsedPage, Sentence
from ..registry import summarizers
from ..segment import split_sentences
from ..summarize import extractive, lead  # noqa: F401  (lead registers lead.v1)
from .report import table, task_parser

DATASETS = ("summeval", "realsumm")
METRICS = ("rouge1", "rouge2", "rougeLsum")
BULLETS = 3
WORDS = 60

# Published ROUGE-1/2/Lsum F1 (%) of shipped systems, measured on these dev documents by
# the protocol above: copied from summeval/SOURCE.md and realsumm/SOURCE.md.
PUBLISHED_DEV: dict[tuple[str, str], tuple[float, float, float]] = {
    ("summeval", "M0"): (42.01, 19.56, 37.96),
    ("summeval", "M1"): (42.51, 20.12, 38.62),
    ("summeval", "M2"): (42.59, 19.15, 38.36),
    ("summeval", "M8"): (41.61, 19.35, 38.57),
    ("summeval", "M10"): (43.84, 20.66, 40.22),
    ("summeval", "M17"): (46.14, 22.39, 42.58),
    ("summeval", "M20"): (30.93, 10.38, 27.38),
    ("summeval", "M22"): (45.41, 22.58, 41.86),
    ("summeval", "M23"): (46.43, 23.32, 43.05),
    ("realsumm", "bart_out"): (47.80, 23.13, 44.06),
    ("realsumm", "matchsumm_out"): (46.06, 21.13, 41.38),
    ("realsumm", "t5_out_11B"): (46.25, 21.71, 42.89),
    ("realsumm", "heter_graph_out"): (44.11, 20.49, 40.54),
    ("realsumm", "banditsumm_out"): (43.75, 20.67, 39.91),
    ("realsumm", "refresh_out"): (41.37, 19.02, 37.76),
    ("realsumm", "presumm_out_ext_abs"): (42.67, 18.22, 39.18),
    ("realsumm", "ptr_generator_out_pointer_gen_cov"): (39.58, 16.02, 33.04),
}
# Published on the full CNN/DM test set (11,490 documents, ROUGE-1.5.5), as SOURCE.md
# quotes them: another document set, for orientation only. LexRank's R-2 is given as "12.x".
PUBLISHED_FULL_TEST: dict[str, tuple[float, float | None, float]] = {
    "lead-3": (40.42, 17.62, 36.67),
    "textrank": (33.2, 11.8, 29.6),
    "lexrank": (34.7, None, 31.1),
}


@dataclass(frozen=True, slots=True)
class Document:
    """One scored document: the article as newsbrief reads it, and what it is scored against."""

    dataset: str
    id: str
    article: Article
    sentences: tuple[Sentence, ...]
    reference: str  # newline-separated sentences
    shipped: dict[str, str]  # system name -> newline-separated sentences


_LEFT = {".", ",", ";", ":", "?", "!", "%", ")", "]", "...", "n't", "'s", "'m", "'re", "'ve",
         "'ll", "'d"}
_RIGHT = {"(", "[", "$", "#", "“", "‘"}
_CLITICS = ("s", "t", "re", "ve", "ll", "d", "m")


def detokenize(text: str) -> str:
    """Undo PTB tokenization lightly: "doesn ’ t" → "doesn’t", "( CNN )" → "(CNN)", `` '' → ".

    Quotes are paired as they come; a lone "'" after a word ending in "s" is a possessive
    ("the players' boots"). ROUGE ignores punctuation, so this matters only for where
    nupunkt puts sentence breaks.
    """
    tokens = text.replace("``", '"').replace("''", '"').split()
    out: list[str] = []
    glue_next = False
    open_double = open_single = False
    for i, tok in enumerate(tokens):
        left = tok.lower() in _LEFT
        right = tok in _RIGHT
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        prev = out[-1] if out else ""
        if tok == '"':
            left, right, open_double = open_double, not open_double, not open_double
        elif tok == "'":
            if open_single:
                left, open_single = True, False
            elif prev.endswith("s") and prev.lower() not in ("says", "is", "was", "has", "as"):
                left = True
            else:
                right, open_single = True, True
        elif tok == "’":
            left = True
            right = prev[-1:].isalpha() and nxt in _CLITICS
        elif tok[0] == "'" and len(tok) > 1 and not left:
            open_single = True
        if out and not left and not glue_next:
            out.append(" ")
        out.append(tok)
        glue_next = right
    return "".join(out)


def lines(text: str) -> str:
    """`text`'s sentences (nupunkt), one per line: the form ROUGE-Lsum wants."""
    return "\n".join(s.strip() for s, _ in nupunkt.sent_spans_with_text(text) if s.strip())


def load(data_dir: Path, limit: int | None = None) -> list[Document]:
    """The documents of every `<dataset>/*.jsonl` under `data_dir`, each read into an Article."""
    docs: list[Document] = []
    for name in DATASETS:
        for path in sorted((data_dir / name).glob("*.jsonl")):
            with path.open(encoding="utf-8") as fh:
                rows = [json.loads(line) for line in fh if line.strip()]
            for row in rows[:limit]:
                page = ParsedPage(blocks=(Block(detokenize(row["article"])),))
                article = build_article(page, name=row["id"], fmt="capture", url=None,
                                        published=None)
                shipped = {
                    key.removesuffix(".txt"): lines(detokenize(out["summary"]))
                    for key, out in row.get("system_summaries", {}).items()
                }
                docs.append(Document(name, row["id"], article, split_sentences(article),
                                     lines(detokenize(row["highlights"])), shipped))
    return docs


def _sumy(kind: str) -> Callable[[Document], str]:
    """sumy's LexRank or TextRank picking `BULLETS` of the article's own sentences."""
    try:
        from sumy.models.dom import ObjectDocumentModel, Paragraph
        from sumy.models.dom import Sentence as SumySentence
        from sumy.nlp.stemmers import Stemmer
        from sumy.nlp.tokenizers import Tokenizer
        from sumy.summarizers.lex_rank import LexRankSummarizer
        from sumy.summarizers.text_rank import TextRankSummarizer
        from sumy.utils import get_stop_words
    except ImportError as e:
        raise SystemExit(f"{e}: the evaluation needs sumy (pip install sumy)") from e

    class OfflineTokenizer(Tokenizer):
        """sumy's tokenizer without NLTK data: nupunkt sentences, regex words.

        The documents are built from newsbrief's own sentences, so every system picks from
        the same units; `to_sentences` serves any sumy path that splits text itself.
        """

        def __init__(self) -> None:  # Tokenizer.__init__ would load NLTK's punkt model
            self._language = "english"

        def to_sentences(self, paragraph: str) -> tuple[str, ...]:
            return tuple(s.strip() for s, _ in nupunkt.sent_spans_with_text(paragraph) if s.strip())

        def to_words(self, sentence: str) -> tuple[str, ...]:
            return tuple(w for w in re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", sentence)
                         if self._is_word(w))

    tokenizer = OfflineTokenizer()
    stemmer = Stemmer("english")
    summarizer = (LexRankSummarizer if kind == "lexrank" else TextRankSummarizer)(stemmer)
    summarizer.stop_words = get_stop_words("english")

    def summarize(doc: Document) -> str:
        model = ObjectDocumentModel(
            (Paragraph([SumySentence(s.text, tokenizer) for s in doc.sentences]),)
        )
        return "\n".join(str(s) for s in summarizer(model, BULLETS))

    return summarize


def _newsbrief(name: str, part: str) -> Callable[[Document], str]:
    summarize = summarizers.make(name)

    def run(doc: Document) -> str:
        summary = summarize(doc.article, doc.sentences, bullets=BULLETS, words=WORDS)
        if part == "short":
            return summary.short.text if summary.short else ""
        return "\n".join(b.text for b in summary.bullets)

    return run


def run(data_dir: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Score newsbrief, the baselines and the shipped systems on every data set under `data_dir`.

    Returns:
        rows `{"task": "summary", "dataset", "system", "metric", "value", "n"}`; `metric` is
        rouge1, rouge2, rougeLsum (F1, 0..1) or articles_per_second (process time of the
        summarizer alone, sentences given).
    """
    try:
        from rouge_score import rouge_scorer
    except ImportError as e:
        raise SystemExit(f"{e}: the evaluation needs rouge-score (pip install rouge-score)") from e

    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    docs = load(data_dir, limit)
    systems: dict[str, Callable[[Document], str]] = {
        "newsbrief": _newsbrief("extractive.v1", "bullets"),
        "newsbrief-short": _newsbrief("extractive.v1", "short"),
        "lead-3": _newsbrief("lead.v1", "bullets"),
        "lexrank": _sumy("lexrank"),
        "textrank": _sumy("textrank"),
    }
    rows: list[dict[str, Any]] = []
    for dataset in DATASETS:
        subset = [d for d in docs if d.dataset == dataset]
        if not subset:
            continue
        outputs: dict[str, list[str]] = {}
        for system, summarize in systems.items():
            started = time.process_time()
            raw = [summarize(d) for d in subset]
            elapsed = time.process_time() - started
            outputs[system] = [lines(text) for text in raw]
            if system != "newsbrief-short":  # the same run as newsbrief's
                rows.append(_row(dataset, system, "articles_per_second",
                                 len(subset) / max(elapsed, 1e-9), len(subset)))
        shipped_names = sorted({k for d in subset for k in d.shipped},
                               key=lambda k: (len(k), k))
        for system in shipped_names:
            outputs[f"{system} (shipped)"] = [d.shipped.get(system, "") for d in subset]
        for system, predictions in outputs.items():
            scores = [scorer.score(d.reference, p) for d, p in zip(subset, predictions,
                                                                   strict=True)]
            for metric in METRICS:
                value = mean(s[metric].fmeasure for s in scores)
                rows.append(_row(dataset, system, metric, value, len(subset)))
        rows += [_row(name, f"{system} (published)", metric, value / 100, None)
                 for (name, system), values in PUBLISHED_DEV.items() if name == dataset
                 for metric, value in zip(METRICS, values, strict=True)]
    rows += [_row("cnn-dm-test", f"{system} (published)", metric, value / 100, None)
             for system, values in PUBLISHED_FULL_TEST.items()
             for metric, value in zip(METRICS, values, strict=True) if value is not None]
    return rows


def _row(dataset: str, system: str, metric: str, value: float, n: int | None) -> dict[str, Any]:
    return {"task": "summary", "dataset": dataset, "system": system, "metric": metric,
            "value": value, "n": n}


def fit_word_weights(data_dir: Path, limit: int | None = None) -> tuple[float, ...]:
    """Fit `extractive.WORD_WEIGHTS`: logistic regression of "the highlights use this term".

    Every distinct term of every document's candidates is one example, with the features of
    `extractive.word_features`; Newton's method with a small ridge, as numpy alone allows.
    """
    import numpy as np

    features: list[tuple[float, ...]] = []
    labels: list[float] = []
    for doc in load(data_dir, limit):
        units = extractive.extract_units(doc.article, doc.sentences)
        reference = set(extractive.terms(doc.reference))
        for term, f in extractive.word_features(units).items():
            features.append(f)
            labels.append(float(term in reference))
    x, y = np.array(features), np.array(labels)
    w = np.zeros(x.shape[1])
    ridge = 1e-3
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-x @ w))
        gradient = x.T @ (p - y) / len(y) + ridge * w
        hessian = (x.T * (p * (1 - p))) @ x / len(y) + ridge * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return tuple(round(float(v), 2) for v in w)


def main(argv: list[str] | None = None) -> int:
    """Command line: print the table (or JSON rows with --json), or refit with --fit."""
    parser = task_parser(__doc__, limit_help="score only the first N documents of each data set",
                         holding="summeval/ and realsumm/")
    parser.add_argument("--fit", action="store_true",
                        help="fit the word salience weights on the data and print them")
    args = parser.parse_args(argv)
    if not any(any((args.data / name).glob("*.jsonl")) for name in DATASETS):
        print(f"No summeval/ or realsumm/ *.jsonl under {args.data}: pass --data DIR.",
              file=sys.stderr)
        return 2
    if args.fit:
        print("WORD_WEIGHTS =", fit_word_weights(args.data, args.limit))
        return 0
    rows = run(args.data, args.limit)
    print(json.dumps(rows, indent=2) if args.json else table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
