"""Facts: the people, organisations, places and quotes an article holds (and its timeline).

Each module is one concern and exposes plain functions over `Article` and its sentences:
`entities.extract_entities` first, then `quotes.extract_quotes`, which resolves speakers
through the entities it is given.
"""

from .entities import Entities, extract_entities
from .quotes import extract_quotes

__all__ = ["Entities", "extract_entities", "extract_quotes"]
