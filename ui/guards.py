"""What keeps the served app safe: rate limits, staff credentials, and the ASGI layers that set
security headers, refuse uploads and direct runs, and drop foreign `Origin` headers.

Nothing here imports gradio; `ui.serve` plugs these into the launch.
"""

from __future__ import annotations

import contextlib
import hmac
import re
import threading
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "ForeignOriginGuard",
    "RateLimiter",
    "SecurityHeaders",
    "credential_checker",
    "guard_origins",
    "staff_credentials_problem",
]

# Gradio's page needs its inline bootstrap scripts and inline styles; everything else is
# same-origin, and images may only come from this server or inline data.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; "
    "script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; "
    "font-src 'self' data:; "
    "connect-src 'self'; "
    "media-src 'self' data: blob:; "
    "worker-src 'self' blob:; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'self'"
)

_WEAK_PASSWORDS = {
    "admin", "administrator", "password", "passord", "adgangskode", "changeme", "secret",
    "staff", "letmein", "welcome", "qwerty", "123456", "12345678", "1234567890", "test",
}  # fmt: skip


class RateLimiter:
    """At most `limit` events per `window_s` seconds per key (sliding window, bounded memory)."""

    def __init__(
        self,
        limit: int,
        window_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._max_keys = max_keys
        self._events: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one event for `key`; False (and not counted) when over the limit."""
        now = self._clock()
        with self._lock:
            events = self._events.pop(key, None) or deque()
            while events and now - events[0] >= self.window_s:
                events.popleft()
            allowed = len(events) < self.limit
            if allowed:
                events.append(now)
            self._events[key] = events
            while len(self._events) > self._max_keys:
                self._events.popitem(last=False)
            return allowed


def staff_credentials_problem(user: str, password: str) -> str | None:
    """Why these staff credentials must not be used, or None when they are acceptable."""
    if not user.strip() or not password:
        return (
            "Staff mode needs a login: set UI_STAFF_USER and UI_STAFF_PASSWORD (at least 10 "
            "characters; the older ASSISTANT_STAFF_USER and ASSISTANT_STAFF_PASSWORD work too) in the "
            "environment."
        )
    if (
        len(password) < 10
        or password.lower() in _WEAK_PASSWORDS
        or password.lower() == user.lower()
        or len(set(password)) < 4
    ):
        return (
            "The staff password is too easy to guess (a default such as admin/admin, the user "
            "name, or under 10 characters). Choose a long, unique password."
        )
    return None


def credential_checker(user: str, password: str) -> Callable[[str, str], bool]:
    """Gradio's login check, comparing in constant time so timing tells nothing about the password."""

    def check(given_user: str, given_password: str) -> bool:
        same_user = hmac.compare_digest(given_user.encode(), user.encode())
        same_password = hmac.compare_digest(given_password.encode(), password.encode())
        return same_user and same_password

    return check


class SecurityHeaders:
    """ASGI middleware: a Content-Security-Policy (and friends) on every response.

    With `block_uploads`, POSTs to Gradio's upload route are refused before a byte is written:
    an app without file inputs has no reason to accept files.
    """

    def __init__(self, app: ASGIApp, csp: str = CONTENT_SECURITY_POLICY, block_uploads: bool = True) -> None:
        self.app = app
        self.csp = csp
        self.block_uploads = block_uploads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = self.csp
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                headers["X-Frame-Options"] = "SAMEORIGIN"
            await send(message)

        async def refuse(status: int, body: bytes) -> None:
            start = {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"text/plain")],
            }
            await send_with_headers(start)
            await send_with_headers({"type": "http.response.body", "body": body})

        path = str(scope.get("path", "")).rstrip("/")
        if self.block_uploads and scope.get("method") == "POST" and path.endswith("/upload"):
            await refuse(403, b"uploads are disabled")
            return
        # Direct HTTP calls: the queue is closed to them (`api_open=False`), yet an unknown name
        # costs Gradio a traceback in the log and a 500; answer 404 without reaching it.
        if _DIRECT_RUN.match(path):
            await refuse(404, b"not found: use the queue (gradio_client)")
            return
        await self.app(scope, receive, send_with_headers)


_DIRECT_RUN = re.compile(r"^(?:/gradio_api)?/(?:run|api)/")


class ForeignOriginGuard:
    """ASGI wrapper around the whole app: drops an `Origin` header that names another site.

    Gradio's CORS layer grants any origin, with credentials, as soon as the Host is not localhost
    (that is, behind a reverse proxy under a public name). Without the header no layer grants
    anything, so the browser keeps another site's script from reading a response or passing a
    preflight; the app's own page is same-origin and needs no CORS at all."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in {"http", "websocket"}:
            headers = dict(scope.get("headers") or [])
            origin = headers.get(b"origin")
            if origin is not None and not self.same_site(origin, headers):
                scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k != b"origin"]}
        await self.app(scope, receive, send)

    @staticmethod
    def same_site(origin: bytes, headers: dict[bytes, bytes]) -> bool:
        """Whether `origin` names the host the request was sent to (directly or via a proxy)."""
        forwarded = headers.get(b"x-forwarded-host", b"").split(b",")[0].strip()
        hosts = {h.lower() for h in (headers.get(b"host", b""), forwarded) if h}
        return origin.split(b"://", 1)[-1].lower() in hosts


@contextlib.asynccontextmanager
async def guard_origins(app: Any) -> AsyncIterator[None]:
    """Lifespan hook: runs before the server accepts a connection, when Starlette has just built
    the middleware stack, and puts `ForeignOriginGuard` outside all of it (Gradio adds its CORS
    layer outside any middleware passed in)."""
    app.middleware_stack = ForeignOriginGuard(app.middleware_stack or app.build_middleware_stack())
    yield
