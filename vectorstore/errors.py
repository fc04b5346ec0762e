"""What the index raises when it cannot be used as asked; each message says what to do."""

from __future__ import annotations

__all__ = ["ModelMismatchError", "StoreError"]


class StoreError(RuntimeError):
    """The index cannot be used as asked; the message says what to do."""


class ModelMismatchError(StoreError):
    """The index was built with another embedding model."""
