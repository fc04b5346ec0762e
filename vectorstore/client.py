"""Connecting to Chroma: the embedded folder, a server (version- and exposure-checked), or memory.

The store (vectorstore/store.py) talks to whatever client this returns; all knowledge of how a
client is made, which server versions work and when a server is dangerously exposed is here.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from vectorstore.errors import StoreError
from vectorstore.settings import StoreSettings

__all__ = ["check_server_version", "collection_names", "in_memory_client", "make_client", "warn_if_exposed"]

# The Rust server of every chromadb 1.x reports this fixed version (chroma-core/chroma#4849).
_RUST_SERVER_VERSION = "1.0.0"

log = logging.getLogger(__name__)


def make_client(settings: StoreSettings) -> Any:
    """A client for `settings`: an HTTP client when CHROMA_HOST is set, else the embedded folder."""
    import chromadb
    from chromadb.config import Settings

    chroma_settings = Settings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        where = f"{settings.chroma_host}:{settings.chroma_port}"
        warn_if_exposed(settings)
        try:
            client = chromadb.HttpClient(
                host=settings.chroma_host,
                port=settings.chroma_port,
                ssl=settings.chroma_ssl,
                headers=settings.chroma_headers or None,
                settings=chroma_settings,
            )
            server_version = str(client.get_version())
        except ValueError as exc:  # chromadb's "Could not connect to a Chroma server"
            raise StoreError(
                f"Cannot reach the Chroma server at {where} ({exc}). Start it with "
                f"`chroma run --path DIR --host {settings.chroma_host} --port {settings.chroma_port}`, "
                "or unset CHROMA_HOST to use the embedded index."
            ) from exc
        check_server_version(server_version, chromadb.__version__, where)
        return client
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    # chromadb shares one loaded system per folder within a process; a new client must load what is
    # on disk now, not a copy that another process's writes have made stale. chromadb offers only
    # `SharedSystemClient.clear_system_cache()`, which would forget every folder's system (and the
    # in-memory clients' data), so the one entry of this folder is dropped from its private maps.
    # Clients made earlier keep their own system (they refresh themselves).
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(str(settings.chroma_path), None)
    SharedSystemClient._identifier_to_refcount.pop(str(settings.chroma_path), None)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)


def in_memory_client() -> Any:
    """Chroma's in-memory client (tests, throwaway demos); all of them in a process share data."""
    import chromadb
    from chromadb.config import Settings

    return chromadb.EphemeralClient(Settings(anonymized_telemetry=False))


def collection_names(client: Any) -> set[str]:
    """Names of every collection the client sees (chromadb returns names or objects by version)."""
    return {c if isinstance(c, str) else c.name for c in client.list_collections()}


def check_server_version(server: str, client: str, where: str = "the server") -> None:
    """Refuse a server of another major.minor version: its storage and API may differ.

    The Rust server of every 1.x release answers "1.0.0" (chroma-core/chroma#4849), so that answer
    can only confirm the major version.
    """
    server_mm, client_mm = server.split(".")[:2], client.split(".")[:2]
    if server_mm == client_mm:
        return
    if server == _RUST_SERVER_VERSION and client_mm[0] == server_mm[0]:
        log.debug("Chroma server %s reports %s; only its major version can be checked", where, server)
        return
    raise StoreError(
        f"The Chroma server at {where} runs version {server}, but this program uses chromadb {client}; "
        f"client and server must have the same major.minor version. Run the server with "
        f"chromadb {'.'.join(client_mm)}.x (the `chroma run` of this installation), or install the "
        "server's version here."
    )


def warn_if_exposed(settings: StoreSettings) -> bool:
    """Log a warning (and return True) for a remote server reached without TLS or headers."""
    host = settings.chroma_host
    if not host or _is_loopback(host) or settings.chroma_ssl or settings.chroma_headers:
        return False
    log.warning(
        "Chroma server %s:%s is not on this machine and is reached without TLS or headers. "
        "Chroma 1.x has no authentication of its own: anyone who can reach it can read and change "
        "the index. Keep it on loopback or behind an authenticating proxy (CHROMA_SSL, CHROMA_HEADERS).",
        host,
        settings.chroma_port,
    )
    return True


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
