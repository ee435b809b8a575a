"""The sentence encoder on the real all-MiniLM-L6-v2 shipped by the embed extra: no mocks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from newsbrief.encoders import MODEL_ENV, Encoder, make
from newsbrief.errors import MissingDependency, UnknownBackend

pytest.importorskip(
    "sentence_transformers", reason="the embed extra is not installed (pip install -e '.[embed]')"
)

BILL = "Senate passes $1 trillion infrastructure bill"
PARAPHRASE = "Senators approve a huge public-works package"
RAIN = "Heavy rain floods Mumbai streets"


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return make("minilm.v1", threads=1)


def test_paraphrase_is_closer_than_an_unrelated_story(encoder: Encoder) -> None:
    bill, paraphrase, rain = encoder.encode([BILL, PARAPHRASE, RAIN])
    assert float(bill @ paraphrase) > float(bill @ rain) + 0.2


def test_shape_type_and_unit_rows(encoder: Encoder) -> None:
    vectors = encoder.encode([BILL, PARAPHRASE + "\n" + RAIN * 200, ""])
    assert encoder.name == "minilm.v1"
    assert encoder.dim == 384
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_rows_keep_the_input_order(encoder: Encoder) -> None:
    # lengths differ, so the longest-first batching really reorders them
    long = RAIN + " " + "Trains stopped and schools closed across the city. " * 5
    forward = encoder.encode([BILL, long, PARAPHRASE])
    backward = encoder.encode([PARAPHRASE, long, BILL])
    assert np.allclose(forward, backward[::-1], atol=1e-5)
    assert np.allclose(forward[0], encoder.encode([BILL])[0], atol=1e-5)


def test_empty_input(encoder: Encoder) -> None:
    vectors = encoder.encode([])
    assert vectors.shape == (0, 384)
    assert vectors.dtype == np.float32


def test_deterministic(encoder: Encoder) -> None:
    twice = encoder.encode([BILL, BILL])
    assert np.array_equal(twice[0], twice[1])
    assert np.array_equal(encoder.encode([RAIN]), encoder.encode([RAIN]))


def test_a_folder_that_is_not_a_model_is_named(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a model")
    with pytest.raises(MissingDependency, match="modules.json") as caught:
        make("minilm.v1", model=str(tmp_path))
    assert str(tmp_path) in str(caught.value)


def test_a_missing_folder_from_the_environment_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nowhere"
    monkeypatch.setenv(MODEL_ENV, str(missing))
    with pytest.raises(MissingDependency, match=MODEL_ENV) as caught:
        make("minilm.v1")
    assert str(missing) in str(caught.value)


def test_unknown_encoder() -> None:
    with pytest.raises(UnknownBackend, match="minilm.v1"):
        make("nosuch.v1")
