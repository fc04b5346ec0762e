"""How the UI is served: read from `UI_*` environment variables.

The older `ASSISTANT_*` names (`ASSISTANT_PORT`, `ASSISTANT_STAFF_PASSWORD`, …) keep working as
aliases; when both are set, the `UI_*` one wins.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["AppSettings", "Mode"]


class Mode(StrEnum):
    """The three ways to serve one layout: what differs is which handlers are registered."""

    DEFAULT = "default"  # chat, sources, export and feedback
    PUBLIC = "public"  # the citizen demo: no handler that writes anything
    STAFF = "staff"  # behind a login, plus upload, re-index and delete


def _env(name: str, **kwargs: Any) -> Any:
    """A field read from `UI_<NAME>`, or from the older `ASSISTANT_<NAME>`."""
    return Field(validation_alias=AliasChoices(f"UI_{name}", f"ASSISTANT_{name}"), **kwargs)


class AppSettings(BaseSettings):
    """How the UI is served. Construct with field names (`AppSettings(port=8000)`) in code."""

    model_config = SettingsConfigDict(env_prefix="UI_", extra="ignore", populate_by_name=True)

    host: str = _env("HOST", default="127.0.0.1")
    port: int = _env("PORT", default=7860)
    public: bool = _env("PUBLIC", default=False)
    staff: bool = _env("STAFF", default=False)
    staff_user: str = _env("STAFF_USER", default="")
    staff_password: SecretStr = _env("STAFF_PASSWORD", default=SecretStr(""))
    # Labels before the first question; after it the UI follows the question's language.
    ui_lang: str = Field(default="nb", validation_alias=AliasChoices("UI_LANG", "ASSISTANT_UI_LANG"))
    # Per browser session, and per client address (a script can open many sessions).
    questions_per_minute: int = _env("QUESTIONS_PER_MINUTE", default=10)
    questions_per_minute_per_client: int = _env("QUESTIONS_PER_MINUTE_PER_CLIENT", default=60)
    concurrency_limit: int = _env("CONCURRENCY_LIMIT", default=2)
    queue_size: int = _env("QUEUE_SIZE", default=16)
    # Pause between streamed pieces of an answer.
    stream_delay_s: float = _env("STREAM_DELAY_S", default=0.03)

    @property
    def mode(self) -> Mode:
        """The serving mode; public and staff exclude each other."""
        if self.public and self.staff:
            raise ValueError("public and staff mode exclude each other; choose one")
        return Mode.PUBLIC if self.public else Mode.STAFF if self.staff else Mode.DEFAULT
