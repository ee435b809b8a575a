"""ASGI middleware that every response passes through: body size limit and security headers.

Written as plain ASGI rather than Starlette's `BaseHTTPMiddleware` so that the size limit
counts bytes as they arrive: a client that lies in `Content-Length`, or sends none (chunked),
is stopped at the limit instead of after the whole body has been buffered.
"""

from __future__ import annotations

import json
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import PayloadTooLarge, error_body

logger = logging.getLogger(__name__)

# Article text is untrusted. Scripts come only from our own /static; no inline script, no
# eval, no plugins, no framing; forms post only here. Styles likewise come from /static.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)


class Guard:
    """Refuse bodies above `max_body` bytes (413) and add `SECURITY_HEADERS` to every response."""

    def __init__(self, app: ASGIApp, *, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            await self._refuse(scope, send)
            return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:  # the app's error handler answers 413
                    raise self._too_large()
            return message

        async def secured_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", [])
                           if h[0].lower() not in dict(SECURITY_HEADERS)]
                message = {**message, "headers": [*headers, *SECURITY_HEADERS]}
            await send(message)

        await self.app(scope, counted_receive, secured_send)

    def _too_large(self) -> PayloadTooLarge:
        return PayloadTooLarge(
            f"The request body is larger than the server's {self.max_body:,}-byte limit. "
            "Send a smaller page, or start the server with a larger --max-body."
        )

    async def _refuse(self, scope: Scope, send: Send) -> None:
        """Answer 413 before reading the body, when `Content-Length` already says it is too big."""
        logger.info("refused a body above %d bytes for %s", self.max_body, scope.get("path"))
        body = json.dumps(error_body(self._too_large())).encode()
        await send({"type": "http.response.start", "status": 413, "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
            *SECURITY_HEADERS,
        ]})
        await send({"type": "http.response.body", "body": body})
