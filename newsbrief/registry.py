"""A small registry per kind of pluggable backend.

Names are versioned (`"source.v1"`): a change of behaviour gets a new name and the old one
keeps working. Built-ins register through the same decorator third parties use; third-party
packages may also expose factories under the entry-point group `newsbrief.<kind>`
(e.g. `newsbrief.summarizers`), loaded lazily on the first lookup of an unknown name.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any, Generic, TypeVar

from .errors import UnknownBackend

T = TypeVar("T")


class Registry(Generic[T]):
    """Factories of one kind of backend, by versioned name."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._factories: dict[str, Callable[..., T]] = {}
        self._entry_points_loaded = False

    def register(self, name: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
        """Decorator: register `factory` under `name`."""

        def decorate(factory: Callable[..., T]) -> Callable[..., T]:
            self._factories[name] = factory
            return factory

        return decorate

    def names(self) -> list[str]:
        self._load_entry_points()
        return sorted(self._factories)

    def make(self, name: str, **config: Any) -> T:
        """Build the backend registered as `name` with keyword `config`."""
        if name not in self._factories:
            self._load_entry_points()
        try:
            factory = self._factories[name]
        except KeyError:
            known = ", ".join(sorted(self._factories)) or "none"
            raise UnknownBackend(
                f"No {self.kind} backend named {name!r}. Registered: {known}."
            ) from None
        return factory(**config)

    def _load_entry_points(self) -> None:
        # Tests run on built-ins only, as sqlite-utils and Datasette do.
        if self._entry_points_loaded or hasattr(sys, "_called_from_test"):
            return
        self._entry_points_loaded = True
        for ep in entry_points(group=f"newsbrief.{self.kind}"):
            self._factories.setdefault(ep.name, ep.load())


encoders: Registry[Any] = Registry("encoders")
segmenters: Registry[Any] = Registry("segmenters")
summarizers: Registry[Any] = Registry("summarizers")
