"""The pipeline: ordered, named stages that fill a `Brief` from an `Article`.

Each stage declares what it `requires` and what it `assigns` (fields of `Brief`), as spaCy's
components do. `Pipeline` checks the order when it is built, not halfway through a batch,
and names the stage and the article when a stage fails.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .config import Options
from .errors import NewsbriefError, PipelineError, StageError
from .records import Article, Brief

logger = logging.getLogger(__name__)

StageFunc = Callable[[Brief], Mapping[str, Any]]
_BRIEF_FIELDS = frozenset(f.name for f in dataclasses.fields(Brief))


@dataclass(frozen=True, slots=True)
class Stage:
    """A named step: `func(brief)` returns the values of exactly the fields it `assigns`."""

    name: str
    func: StageFunc
    requires: tuple[str, ...] = ("article",)
    assigns: tuple[str, ...] = ()


class Pipeline:
    """An ordered list of stages, checked at construction.

    Example:
        >>> pipeline = Pipeline.default()
        >>> brief = pipeline(article)
    """

    def __init__(self, stages: Iterable[Stage]) -> None:
        self.stages = tuple(stages)
        available = {"article"}
        for stage in self.stages:
            unknown = [f for f in (*stage.requires, *stage.assigns) if f not in _BRIEF_FIELDS]
            if unknown:
                raise PipelineError(
                    f"Stage {stage.name!r} names unknown Brief fields {unknown}; "
                    f"known fields: {sorted(_BRIEF_FIELDS)}."
                )
            missing = [f for f in stage.requires if f not in available]
            if missing:
                raise PipelineError(
                    f"Stage {stage.name!r} requires {missing}, which no earlier stage assigns. "
                    f"Order: {[s.name for s in self.stages]}."
                )
            available.update(stage.assigns)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    @classmethod
    def default(cls, options: Options | None = None) -> Pipeline:
        """The built-in stages, with backends chosen by `options`."""
        from .brief import default_stages  # brief.py builds on this module

        return cls(default_stages(options or Options()))

    def __call__(self, article: Article, *, timings: dict[str, float] | None = None) -> Brief:
        """Run every stage on `article`; add each stage's CPU seconds to `timings` if given."""
        brief = Brief(article=article)
        for stage in self.stages:
            started = time.process_time()
            try:
                assigned = dict(stage.func(brief))
            except NewsbriefError:
                raise
            except Exception as e:  # any bug in a stage is reported with its name and article
                raise StageError(
                    f"Stage {stage.name!r} failed on article {article.id}: "
                    f"{type(e).__name__}: {e}. Re-run with --debug for the traceback."
                ) from e
            if set(assigned) != set(stage.assigns):
                raise StageError(
                    f"Stage {stage.name!r} returned {sorted(assigned)} instead of its declared "
                    f"assigns {sorted(stage.assigns)} (article {article.id})."
                )
            brief = dataclasses.replace(brief, **assigned)
            if timings is not None:
                timings[stage.name] = timings.get(stage.name, 0.0) + time.process_time() - started
        return brief

    def run_many(self, articles: Iterable[Article]) -> Iterator[Brief]:
        """Brief many articles; stages are deterministic, so order does not matter."""
        for article in articles:
            yield self(article)
