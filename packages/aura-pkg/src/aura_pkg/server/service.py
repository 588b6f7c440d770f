"""One registry's resources and its two disciplines: audited writes and authentication.

:class:`RegistryService` opens the database (migrating it), the root key and
the archive store, and checks the transparency log before anything is served.
Every write goes through :meth:`RegistryService.write`, which runs it in one
transaction and records an audit event: with the change when it succeeds, on
its own when it is refused.  Writers of the log (publishing, keys) are
serialised: by a lock in this process and by a row lock on the tree head, which
also orders several server processes sharing one PostgreSQL database.  SQLite
has one writer at a time anyway, so there every write takes the process lock,
which avoids its busy errors.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from aura_pkg.server.accounts import Caller, find_caller
from aura_pkg.server.blobs import BlobStore
from aura_pkg.server.db import make_engine, make_sessions, migrate, now
from aura_pkg.server.documents import DocumentCache, GraphAnswer, RevisionCache, graph_size
from aura_pkg.server.errors import ApiError
from aura_pkg.server.keys import check_root_key, load_root_key
from aura_pkg.server.limits import TokenBuckets
from aura_pkg.server.models import AuditEvent
from aura_pkg.server.queries import ranking_size
from aura_pkg.server.settings import Settings, StartupError
from aura_pkg.server.translog import LeafCache, check_log, start_log

__all__ = ["Origin", "RegistryService"]

_LOG = logging.getLogger("aura_pkg.server")


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a request came from and what it asked, for the audit log."""

    address: str
    method: str
    path: str


class RegistryService:
    """The resources of one running registry (see the module documentation)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        settings.storage.mkdir(parents=True, exist_ok=True)
        self.engine = make_engine(settings.db_url)
        try:
            migrate(self.engine)
            self.sessions = make_sessions(self.engine)
            self.root = load_root_key(settings)
            self.root_public = self.root.public_key()
            self.blobs = BlobStore(settings.storage)
            self.leaves = LeafCache()
            self.documents = DocumentCache()
            self.rankings = RevisionCache(ranking_size, 4 * 1024 * 1024)
            self.graphs: RevisionCache[GraphAnswer] = RevisionCache(graph_size, 16 * 1024 * 1024)
            self.log_lock = threading.Lock()
            self._denials = TokenBuckets(settings.denied_audit_rate)
            self._unrecorded: dict[str, int] = {}
            self._unrecorded_lock = threading.Lock()
            self.serial_writes = self.engine.dialect.name == "sqlite"
            try:
                with self.sessions.begin() as session:
                    check_root_key(session, self.root_public, settings.root_key_path)
                    start_log(session, self.root)
                with self.sessions() as session:
                    self.log_size_at_start = check_log(session, self.root_public)
            except SQLAlchemyError as exc:
                raise StartupError(f"cannot read the registry database: {exc}") from None
        except BaseException:
            self.engine.dispose()
            raise

    def close(self) -> None:
        self.engine.dispose()

    def small_write(self) -> contextlib.AbstractContextManager[object]:
        """The lock an unaudited bookkeeping write takes (a download count)."""
        return self.log_lock if self.serial_writes else contextlib.nullcontext()

    # -- writes ---------------------------------------------------------------------

    @contextlib.contextmanager
    def write(
        self,
        origin: Origin,
        caller: Caller | None,
        action: str,
        target: str,
        *,
        log: bool = False,
    ) -> Iterator[Session]:
        """A transaction for one write, audited whatever its outcome.

        ``log`` marks writers of the transparency log (or of what depends on
        its size), which are serialised.
        """
        lock = self.log_lock if log else self.small_write()
        with lock:
            session = self.sessions()
            try:
                yield session
                session.add(self._event(origin, caller, action, target, "ok", 200, ""))
                session.commit()
            except ApiError as exc:
                session.rollback()
                self.record_refusal(origin, caller, action, target, exc)
                raise
            except BaseException as exc:
                session.rollback()
                if isinstance(exc, Exception):
                    self._record(origin, caller, action, target, "failed", 500, type(exc).__name__)
                raise
            finally:
                session.close()

    def record_refusal(
        self, origin: Origin, caller: Caller | None, action: str, target: str, exc: ApiError
    ) -> None:
        """Audit a refused write once, wherever in its checks it was refused."""
        if not exc.audited:
            exc.audited = True
            self._record(origin, caller, action, target, "refused", exc.status, exc.message)

    def _event(
        self,
        origin: Origin,
        caller: Caller | None,
        action: str,
        target: str,
        outcome: str,
        status: int,
        detail: str,
    ) -> AuditEvent:
        return AuditEvent(
            at=now(),
            actor=caller.name if caller is not None else None,
            token_id=caller.token_id if caller is not None else None,
            action=action[:32],
            target=target[:1000].replace("\0", ""),
            outcome=outcome,
            status=status,
            address=origin.address[:64],
            detail=detail[:2000].replace("\0", ""),
        )

    def _record(
        self,
        origin: Origin,
        caller: Caller | None,
        action: str,
        target: str,
        outcome: str,
        status: int,
        detail: str,
    ) -> None:
        """An audit event in a transaction of its own (the write's was rolled back)."""
        try:
            with self.sessions.begin() as session:
                session.add(self._event(origin, caller, action, target, outcome, status, detail))
        except SQLAlchemyError:
            _LOG.exception("cannot record an audit event for %s %s", action, target)

    # -- authentication -------------------------------------------------------------------

    def authenticate(self, origin: Origin, authorization: str | None, scope: str) -> Caller:
        """The caller of a request that needs ``scope``; 401 or 403 (audited) otherwise."""
        target = f"{origin.method} {origin.path}"
        scheme, _, token = (authorization or "").partition(" ")
        token = token.strip()
        if not authorization:
            reason = "no API token (Authorization: Bearer TOKEN)"
        elif scheme.lower() != "bearer" or not token:
            reason = "malformed Authorization header (expected Bearer TOKEN)"
        else:
            with self.sessions() as session:
                caller = find_caller(session, token)
            if caller is not None:
                if scope in caller.scopes:
                    return caller
                message = f"the token has no `{scope}` scope"
                self._record_denial(origin, caller, target, 403, message)
                raise ApiError(403, "forbidden", message)
            reason = "unknown or revoked API token"
        self._record_denial(origin, None, target, 401, reason)
        raise ApiError(401, "unauthorized", reason, headers={"WWW-Authenticate": "Bearer"})

    def _record_denial(
        self, origin: Origin, caller: Caller | None, target: str, status: int, reason: str
    ) -> None:
        """Audit a refused authentication, at most at ``denied_audit_rate`` per address.

        Each event is a durable (synced) write, so a client guessing tokens could
        otherwise make the server write as fast as it asks.  Refusals over the
        rate are counted, and the count is recorded with the address's next event.
        """
        address = origin.address
        with self._unrecorded_lock:
            if self._denials.take("audit:" + address):
                if len(self._unrecorded) >= 50_000:  # many addresses: forget the counts
                    self._unrecorded.clear()
                self._unrecorded[address] = self._unrecorded.get(address, 0) + 1
                return
            skipped = self._unrecorded.pop(address, 0)
        if skipped:
            reason += f" ({skipped} earlier refusals from this address not recorded)"
        self._record(origin, caller, "auth", target, "denied", status, reason)
