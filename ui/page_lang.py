"""ASGI middleware that gives Gradio's page the UI language before any of its scripts run.

Gradio chooses its own texts (login page, upload area, buttons) from the browser's language, and
the login page has none of the app's `head`; so every HTML page gets `<html lang>` and a first
script that reports the UI language as the browser's. Nothing here imports gradio.
"""

from __future__ import annotations

import json
import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["PageLanguage"]

# Gradio ships no Nynorsk texts; Bokmål is the nearest it has.
_GRADIO_LOCALE = {"nn": "nb"}
_HTML_TAG = re.compile(rb"<html([^>]*)>", re.IGNORECASE)


class PageLanguage:
    """Rewrite HTML responses to GET requests so the page starts out in `lang`."""

    def __init__(self, app: ASGIApp, lang: str = "nb") -> None:
        self.app = app
        self.lang = lang
        locale = json.dumps(_GRADIO_LOCALE.get(lang, lang))
        self.script = (
            "<script>try{for(const[k,v]of[['language'," + locale + "],['languages',[" + locale + "]]])"
            "Object.defineProperty(Navigator.prototype,k,{get:()=>v,configurable:true})}catch(e){}</script>"
        ).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def rewrite(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                content_type = MutableHeaders(scope=message).get("content-type", "")
                if not content_type.startswith("text/html"):
                    start = None
                    await send(message)
                    return
                start = message
                return
            if start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = self.localized(b"".join(chunks))
            headers = MutableHeaders(scope=start)
            headers["content-length"] = str(len(body))
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, rewrite)

    def localized(self, page: bytes) -> bytes:
        """`page` with `<html lang>` set and the locale script first in its head."""
        lang = f' lang="{self.lang}"'.encode()
        page = _HTML_TAG.sub(
            lambda m: b"<html" + re.sub(rb'\s+lang="[^"]*"', b"", m.group(1)) + lang + b">", page, count=1
        )
        head = page.lower().find(b"<head>")
        return page if head < 0 else page[: head + 6] + self.script + page[head + 6 :]
