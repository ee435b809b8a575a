"""`newsbrief serve`: the web reader and REST API in one process (FastAPI under uvicorn).

A module of its own so that the command line does not import the web stack (an extra)
until `serve` runs.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from types import ModuleType

import click

from .cli import CONTEXT, _guarded, cli
from .errors import MissingDependency

logger = logging.getLogger(__name__)

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _web() -> tuple[ModuleType, ModuleType]:
    """The web module and uvicorn, or a hint naming the extra to install."""
    try:
        import uvicorn

        from .web import app
    except ImportError as e:
        raise MissingDependency(
            f"`newsbrief serve` needs the web extra ({e.name} is missing): "
            "pip install 'newsbrief[web]'"
        ) from e
    return app, uvicorn


@cli.command(context_settings=CONTEXT)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on.")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
              help="The store of articles and stories (default: $NEWSBRIEF_DB, else the "
              "per-user data folder; the same store as `newsbrief add`).")
@click.option("--token", envvar="NEWSBRIEF_TOKEN", show_envvar=True,
              help="Require this API token (Authorization: Bearer) for writes.")
@click.option("--max-body", type=click.IntRange(min=1024), default=5_000_000, show_default=True,
              help="Refuse request bodies larger than this many bytes (413).")
@click.option("--cache-seconds", type=click.FloatRange(min=0), default=10.0, show_default=True,
              help="Reuse a rendered article or story page this long.")
@click.option("--get", "get_path", metavar="PATH",
              help="Run one GET request in-process, print the response body and exit.")
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@_guarded
def serve(host: str, port: int, db: Path | None, token: str | None, max_body: int,
          cache_seconds: float, get_path: str | None, debug: bool) -> None:
    """Serve the web reader and the REST API.

    Pages: / (latest stories), /brief (paste, upload or give a URL), /articles/ID,
    /stories/ID, /search. API: /api/... with OpenAPI at /openapi.json and docs at /docs.
    URLs on loopback, private or link-local addresses are never fetched.

    \b
    Example:
        newsbrief serve --port 8000
        NEWSBRIEF_TOKEN=s3cret newsbrief serve --host 0.0.0.0
        newsbrief serve --get /api/stories
    """
    from .store import default_path

    web, uvicorn = _web()
    app = web.create_app(web.Settings(db=db or default_path(), token=token or None,
                                      max_body=max_body, cache_seconds=cache_seconds))
    if get_path:
        status, body = asyncio.run(_get(app, get_path))
        app.state.server.close()
        click.echo(body)
        sys.exit(0 if status < 400 else 1)
    if host not in _LOOPBACK and not token:
        logger.warning("serving on %s without --token: anyone who can reach it can post "
                       "articles to brief", host)
    uvicorn.run(app, host=host, port=port, log_level="debug" if debug else "info",
                server_header=False)


async def _get(app: object, path: str) -> tuple[int, str]:
    """One GET through the app in-process, as Datasette's `serve --get` does."""
    import httpx

    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]  # a FastAPI app is an ASGI app
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        response = await client.get(path)
    return response.status_code, response.text
