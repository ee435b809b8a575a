"""The story card: the built-in stages, and the `brief` verb that runs them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from . import sections as _sections  # noqa: F401  (registers the topics.v1 segmenter)
from . import summarize as _summarize  # noqa: F401  (registers the built-in summarizers)
from .config import Options
from .facts import extract_entities, extract_quotes
from .facts.timeline import build_timeline
from .ingest import ingest
from .labels import write_headline
from .pipeline import Pipeline, Stage
from .records import Brief
from .registry import segmenters, summarizers
from .segment import split_sentences


def default_stages(options: Options) -> list[Stage]:
    """sentences → sections → summary → facts → timeline.

    The facts stage runs entities and quotes together: quotes resolve their speakers
    through the entities' aliases, which need not outlive the stage.
    """
    segmenter = segmenters.make(options.segmenter)
    summarizer = summarizers.make(options.summarizer)

    def sentences(brief: Brief) -> Mapping[str, Any]:
        return {"sentences": split_sentences(brief.article)}

    def sections(brief: Brief) -> Mapping[str, Any]:
        lede, found = segmenter(brief.article, brief.sentences)
        headline = write_headline(brief.article, lede, brief.sentences)
        return {"headline": headline.text if headline else None, "lede": lede, "sections": found}

    def summary(brief: Brief) -> Mapping[str, Any]:
        return {
            "summary": summarizer(
                brief.article, brief.sentences, bullets=options.bullets, words=options.words
            )
        }

    def facts(brief: Brief) -> Mapping[str, Any]:
        if brief.article.source.language not in (None, "en"):
            return {"people": (), "organizations": (), "places": (), "quotes": ()}
        entities = extract_entities(brief.article, brief.sentences)
        return {
            "people": entities.people,
            "organizations": entities.organizations,
            "places": entities.places,
            "quotes": extract_quotes(brief.article, brief.sentences, entities),
        }

    def timeline(brief: Brief) -> Mapping[str, Any]:
        if brief.article.source.language not in (None, "en"):
            return {"timeline": ()}  # the date grammar is English
        return {"timeline": build_timeline(brief.article, brief.sentences)}

    return [
        Stage("sentences", sentences, requires=("article",), assigns=("sentences",)),
        Stage("sections", sections, requires=("sentences",),
              assigns=("headline", "lede", "sections")),
        Stage("summary", summary, requires=("sentences",), assigns=("summary",)),
        Stage("facts", facts, requires=("sentences",),
              assigns=("people", "organizations", "places", "quotes")),
        Stage("timeline", timeline, requires=("sentences",), assigns=("timeline",)),
    ]


def brief(
    source: str | bytes | Path,
    *,
    url: str | None = None,
    published: str | datetime | None = None,
    options: Options | None = None,
    pipeline: Pipeline | None = None,
) -> Brief:
    """Read one article from `source` and return its brief.

    Args:
        source: a file path, an http(s) URL, or the page itself (HTML or a text capture).
        url: the page's URL, when `source` is its content.
        published: the publication time, when the page does not state it.
        options: ingest and brief options; offline defaults.
        pipeline: a pipeline to reuse across calls (built from `options` if not given).

    Raises:
        IngestError, NoArticle: with a message saying what to do.
    """
    options = options or Options()
    article = ingest(source, url=url, published=published, options=options).unwrap()
    return (pipeline or Pipeline.default(options))(article)
