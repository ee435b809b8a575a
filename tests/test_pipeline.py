"""Pipeline order checks, stage errors, the registry and the record contract."""

from __future__ import annotations

import dataclasses
import json

import jsonschema
import pytest
from conftest import ROOT

from newsbrief import Options, Pipeline, Stage, ingest
from newsbrief.errors import PipelineError, StageError, UnknownBackend
from newsbrief.records import Article
from newsbrief.registry import segmenters, summarizers

SCHEMA = json.loads((ROOT / "newsbrief" / "schema" / "brief.schema.json").read_text())


@pytest.fixture(scope="module")
def seed_article(seed_path) -> Article:
    return ingest(seed_path).unwrap()


def test_pipeline_checks_order_when_built() -> None:
    def summary(brief):  # pragma: no cover - never runs: the pipeline is refused
        return {"summary": brief.summary}

    with pytest.raises(PipelineError, match="requires \\['sentences'\\]"):
        Pipeline([Stage("summary", summary, requires=("sentences",), assigns=("summary",))])
    with pytest.raises(PipelineError, match="unknown Brief fields"):
        Pipeline([Stage("x", summary, assigns=("nonsense",))])


def test_pipeline_names_failing_stage_and_article(seed_article) -> None:
    def broken(brief):
        raise ZeroDivisionError("boom")

    pipeline = Pipeline([Stage("broken", broken, assigns=("places",))])
    with pytest.raises(StageError, match=f"'broken' failed on article {seed_article.id}"):
        pipeline(seed_article)
    liar = Pipeline([Stage("liar", lambda b: {"people": ()}, assigns=("places",))])
    with pytest.raises(StageError, match="instead of its declared assigns"):
        liar(seed_article)


def test_pipeline_custom_stage_plugs_in(seed_article) -> None:
    stages = list(Pipeline.default().stages)
    stages.append(Stage("shout", lambda b: {"places": ("PAKISTAN",)},
                        requires=("sections",), assigns=("places",)))
    brief = Pipeline(stages)(seed_article)
    assert brief.places == ("PAKISTAN",) and brief.sections


def test_registry_unknown_backend_lists_names() -> None:
    with pytest.raises(UnknownBackend, match="Registered: .*source.v1"):
        segmenters.make("nope.v9")
    assert "lead.v1" in summarizers.names()
    with pytest.raises(UnknownBackend):
        Pipeline.default(Options(summarizer="missing.v1"))


def test_records_spans_slice_the_article(seed_article) -> None:
    brief = Pipeline.default()(seed_article)
    text = seed_article.text
    for para in seed_article.paragraphs:
        assert text[para.span.start:para.span.end] == para.text
    for sent in brief.sentences:
        assert text[sent.span.start:sent.span.end] == sent.text
    for section in brief.sections:
        for snippet in (section.label, section.takeaway):
            assert snippet is not None
            assert " ".join(text[s.start:s.end] for s in snippet.spans) == snippet.text
    for bullet in brief.summary.bullets:
        assert " ".join(text[s.start:s.end] for s in bullet.spans) == bullet.text
    jsonschema.validate(brief.to_dict(), SCHEMA)


def test_records_article_round_trips(seed_article) -> None:
    again = Article.from_dict(json.loads(json.dumps(seed_article.to_dict())))
    assert again == seed_article
    with pytest.raises(dataclasses.FrozenInstanceError):
        again.title = "changed"  # type: ignore[misc]  # records are frozen on purpose
