"""The UI's settings: the UI_* names, the older ASSISTANT_* aliases, and the mode they choose."""

from __future__ import annotations

import pytest

from ui.settings import AppSettings, Mode


def test_the_older_assistant_names_still_work_and_ui_names_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_PORT", "8100")
    monkeypatch.setenv("ASSISTANT_STAFF", "1")
    assert (AppSettings().port, AppSettings().mode) == (8100, Mode.STAFF)
    monkeypatch.setenv("UI_PORT", "8200")
    monkeypatch.setenv("UI_LANG", "en")
    assert (AppSettings().port, AppSettings().ui_lang) == (8200, "en")


def test_a_shells_bare_host_or_port_is_not_taken_for_the_apps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "80")
    assert (AppSettings().host, AppSettings().port) == ("127.0.0.1", 7860)


def test_public_and_staff_exclude_each_other() -> None:
    assert AppSettings(public=True).mode is Mode.PUBLIC
    with pytest.raises(ValueError, match="exclude each other"):
        _ = AppSettings(public=True, staff=True).mode
