"""newsbrief: faithful, skimmable briefs of news articles, offline.

    >>> from newsbrief import brief
    >>> card = brief("seed.txt")
    >>> card.to_dict()["sections"][0]["label"]
"""

import logging

from .brief import brief
from .config import Options
from .ingest import IngestResult, ingest, ingest_many
from .pipeline import Pipeline, Stage
from .records import Article, Brief
from .store import Store
from .version import __version__

__all__ = [
    "Article", "Brief", "IngestResult", "Options", "Pipeline", "Stage", "Store",
    "__version__", "brief", "ingest", "ingest_many",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
