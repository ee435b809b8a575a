"""Where the shared evaluation data lives (`data/` with one folder per data set)."""

from __future__ import annotations

import os
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent
# In order: the environment, the layout of this project's checkouts (the repo beside
# `shared/`), and the workplace's fixed mount point (for clones made elsewhere, as in CI).
_CANDIDATES = (Path.cwd().parent / "shared", _REPO.parent / "shared", Path("/work/shared"))


def shared_dir() -> Path:
    """The `shared/` folder holding `data/`, `seeds/` and `samples/` (`NEWSBRIEF_SHARED`)."""
    if env := os.environ.get("NEWSBRIEF_SHARED"):
        return Path(env)
    return next((p for p in _CANDIDATES if (p / "data").is_dir()), _CANDIDATES[1])


def default_data_dir() -> Path:
    """The default `--data` of the evaluation and benchmark commands."""
    return shared_dir() / "data"
