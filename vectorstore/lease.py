"""One writer at a time across machines: a lease record in the Chroma server (server mode).

The file lock of vectorstore/lock.py only keeps apart processes that share a data directory. With
a Chroma server, writers on several machines are kept apart by claims in a small collection
(`<prefix>_writer_lease`): each names its holder (host, pid, data directory, purpose), when it
started and when it expires. The holder renews its claim from a background thread; a claim that
has expired (its holder was killed, or lost the server for a whole lease) may be taken over.

Chroma has no compare-and-swap, so a claim is taken in three steps: refuse if an unexpired claim
exists, write our own, wait `settle` seconds and read all claims back; the earliest unexpired
claim (by start time, then id) wins and every other claimant withdraws. Two racing writers cannot
both win as long as a claim is visible within `settle / 2` of its start time (a slower write is
withdrawn and retried) and the machines' clocks agree to within the other half. Residual risk:
clocks skewed by more than that, or a holder stalled for a whole lease (it then finds its claim
gone at the next renewal and stops writing, but a write already in flight may land).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from vectorstore.errors import StoreError
from vectorstore.lock import WriterBusyError, holder_info, writer_busy

__all__ = ["Claim", "LeaseLostError", "WriterLease", "lease_collection_name", "server_holder"]

log = logging.getLogger(__name__)

_ATTEMPTS = 3


class LeaseLostError(WriterBusyError):
    """This process's lease expired and may have been taken over: it must stop writing."""


def lease_collection_name(prefix: str) -> str:
    return f"{prefix}_writer_lease"


@dataclass(frozen=True)
class Claim:
    """One writer's claim: who, since when (`started`, epoch seconds) and until when."""

    claim_id: str
    started: float
    expires: float
    holder: Mapping[str, Any]

    def described(self) -> dict[str, Any]:
        """The holder as `writer_busy` names it, with the lease's end."""
        return {**self.holder, "until": time.strftime("%H:%M:%S", time.localtime(self.expires))}


class WriterLease:
    """A lease on the index of `collection_prefix` in the Chroma server `client` talks to.

    >>> with WriterLease(client, "strategy", "the Chroma server db:8000", holder).held():
    ...     ingest()  # a second writer anywhere gets WriterBusyError naming this process
    """

    def __init__(
        self,
        client: Any,
        collection_prefix: str,
        where: str,
        holder: Mapping[str, Any],
        seconds: float = 60.0,
        settle: float = 0.5,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.name = lease_collection_name(collection_prefix)
        self.where = where
        self.holder = dict(holder)
        self.seconds = seconds
        self.settle = settle
        self.clock = clock
        self.claim_id = uuid.uuid4().hex
        self._started = 0.0
        self._expires = 0.0
        self._lost = threading.Event()
        self._collection: Any = None

    # ---------------------------------------------------------------- records
    def _claims(self) -> Any:
        if self._collection is None:
            self._collection = self.client.get_or_create_collection(
                self.name, metadata={"role": "writer lease"}, embedding_function=None
            )
        return self._collection

    def _read(self) -> list[Claim]:
        got = self._claims().get(include=["metadatas"])
        claims = []
        for claim_id, meta in zip(got["ids"], got["metadatas"] or [], strict=True):
            meta = dict(meta or {})
            started, expires = float(meta.pop("started", 0.0)), float(meta.pop("expires", 0.0))
            claims.append(Claim(str(claim_id), started, expires, meta))
        return claims

    def _write(self) -> None:
        metadata = {**self.holder, "started": self._started, "expires": self._expires}
        self._claims().upsert(ids=[self.claim_id], embeddings=[[1.0]], metadatas=[metadata])

    def _withdraw(self) -> None:
        try:
            self._claims().delete(ids=[self.claim_id])
        except Exception:  # the server is gone: the claim expires on its own
            log.warning("could not withdraw the writer lease %s", self.claim_id, exc_info=True)

    # ---------------------------------------------------------------- taking and keeping
    def acquire(self) -> None:
        """Take the lease or raise `WriterBusyError` naming the holder (see the module docstring)."""
        for _ in range(_ATTEMPTS):
            now = self.clock()
            claims = self._read()
            expired = [c.claim_id for c in claims if c.expires <= now]
            if expired:  # their holders died or lost the server: take over
                log.info("taking over %d expired writer lease(s) on %s", len(expired), self.where)
                self._claims().delete(ids=expired)
            live = [c for c in claims if c.expires > now]
            if live:
                raise writer_busy(self.where, _earliest(live).described())
            self._started = self.clock()
            self._expires = self._started + self.seconds
            self._write()
            if self.clock() - self._started > self.settle / 2:
                self._withdraw()  # too slow to be sure a racing claim would have seen ours
                time.sleep(self.settle)
                continue
            time.sleep(self.settle)
            now = self.clock()
            winner = _earliest([c for c in self._read() if c.expires > now or c.claim_id == self.claim_id])
            if winner.claim_id == self.claim_id:
                return
            self._withdraw()
            raise writer_busy(self.where, winner.described())
        raise StoreError(
            f"Could not take the writer lease on {self.where}: writing a claim took longer than "
            f"{self.settle / 2:.2f} s {_ATTEMPTS} times. Raise STORE_LEASE_SETTLE_SECONDS for a slow link."
        )

    def renew(self) -> None:
        """Extend our claim; mark the lease lost when it is gone or has expired."""
        if self._lost.is_set():
            return
        got = self._claims().get(ids=[self.claim_id], include=[])
        now = self.clock()
        if not got["ids"] or now >= self._expires:
            self._lost.set()
            log.error("the writer lease on %s expired before it was renewed; writing stops", self.where)
            return
        self._expires = now + self.seconds
        self._write()

    def check(self) -> None:
        """Raise `LeaseLostError` when the lease was lost: called before every write."""
        if self._lost.is_set() or self.clock() >= self._expires:
            self._lost.set()
            raise LeaseLostError(
                f"This process's writer lease on {self.where} expired (it could not be renewed within "
                f"{self.seconds:g} s), so another writer may have taken over; its writing stopped. "
                "Run it again: committed documents are kept and the rest is redone."
            )

    def _keep(self, stop: threading.Event) -> None:
        while not stop.wait(self.seconds / 3):
            try:
                self.renew()
            except Exception:  # the server may come back before the lease ends
                log.warning("could not renew the writer lease on %s", self.where, exc_info=True)
            if self._lost.is_set():
                return

    @contextmanager
    def held(self) -> Iterator[WriterLease]:
        """Hold the lease for a block, renewed in the background; withdrawn on leaving."""
        self.acquire()
        stop = threading.Event()
        keeper = threading.Thread(target=self._keep, args=(stop,), name="writer-lease", daemon=True)
        keeper.start()
        try:
            yield self
        finally:
            stop.set()
            keeper.join()
            if not self._lost.is_set():
                self._withdraw()


def server_holder(purpose: str, data_dir: str) -> dict[str, Any]:
    """This process as a lease names it: the lock file's fields plus its data directory."""
    return {**holder_info(purpose), "data_dir": data_dir}


def _earliest(claims: list[Claim]) -> Claim:
    return min(claims, key=lambda c: (c.started, c.claim_id))
