"""Security headers on every answer, added by a plain ASGI middleware (no per-request task or copy).

The pages need no JavaScript and load nothing from other sites, so the policy is strict: scripts,
styles and images from this server only, no inline script, no plugins, forms posting here only.
Embedded JSON-LD (`<script type="application/ld+json">`) is a data block that browsers never run,
so the policy does not need to allow it. Framing is refused everywhere except for the
reconciliation preview, which reconciliation tools such as OpenRefine show in a frame of their own.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# The preview is made to be framed by other sites' tools; everything else stays as strict.
FRAMEABLE_POLICY = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors *")
FRAMEABLE_PATHS = frozenset({"/reconcile/preview", "/reconcile/v1/preview"})


def _encoded(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]


COMMON = _encoded(
    {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
)
STRICT = [*COMMON, *_encoded({"Content-Security-Policy": CONTENT_SECURITY_POLICY, "X-Frame-Options": "DENY"})]
FRAMEABLE = [*COMMON, *_encoded({"Content-Security-Policy": FRAMEABLE_POLICY})]


class SecurityHeaders:
    """Adds the headers above to every HTTP answer, errors and static files included."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = FRAMEABLE if scope["path"] in FRAMEABLE_PATHS else STRICT

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)
