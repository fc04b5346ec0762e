"""Serve the Blocks with the hardening flags: security headers, no uploads without a login, no
monitoring, MCP, PWA or SSR, and the origin guard outside Gradio's own CORS layer."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from assistant.ui_text import ui_lang, ui_text
from ui.guards import CONTENT_SECURITY_POLICY, SecurityHeaders, credential_checker, guard_origins
from ui.page_lang import PageLanguage
from ui.settings import AppSettings, Mode

__all__ = ["launch_app"]


def _static(name: str) -> str:
    return (files("ui") / "static" / name).read_text(encoding="utf-8")


def launch_app(
    demo: gr.Blocks,
    settings: AppSettings,
    *,
    staff_login: tuple[str, str] | None = None,
    max_upload_mb: float = 50.0,
    block: bool = True,
) -> tuple[Any, str, str]:
    """Serve `demo` as `settings` say; `block=False` returns once the server is up (tests).

    Uploads are accepted only with a staff login; otherwise the upload route is refused by the
    middleware and `max_file_size` is tiny as well. Errors are shown except in public mode.
    """
    lang = json.dumps(ui_lang(settings.ui_lang))
    app, local_url, share_url = demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        share=False,
        auth=credential_checker(*staff_login) if staff_login else None,
        auth_message=ui_text("title", ui_lang(settings.ui_lang)) if staff_login else None,
        max_file_size=f"{max_upload_mb:g}mb" if staff_login else "1kb",
        enable_monitoring=False,
        footer_links=["api"],
        show_error=settings.mode is not Mode.PUBLIC,
        ssr_mode=False,
        mcp_server=False,
        pwa=False,
        prevent_thread_lock=not block,
        quiet=False,
        # No run history: it would keep a reader's questions in a shared computer's browser.
        run_history=False,
        app_kwargs={
            "middleware": [
                Middleware(SecurityHeaders, csp=CONTENT_SECURITY_POLICY, block_uploads=staff_login is None),
                Middleware(PageLanguage, lang=ui_lang(settings.ui_lang)),
            ],
            "lifespan": guard_origins,
        },
        theme=gr.themes.Default(),
        css=_static("app.css"),
        head=f"<script>\nconst UI_LANG = {lang};\n{_static('app.js')}</script>\n",
    )
    return app, local_url, share_url
