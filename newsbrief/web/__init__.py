"""The web reader and REST API behind `newsbrief serve` (the `web` extra: FastAPI, uvicorn).

`newsbrief.web.app.create_app(Settings(...))` builds the ASGI app. DOCS: docs/SERVE.md
"""
