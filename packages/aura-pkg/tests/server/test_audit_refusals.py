"""Every refused publish is audited once, however early in its checks it was refused."""

from __future__ import annotations

from pathlib import Path

import httpx
from registry_server import Publisher, Running, package_archive, signature_of, upload
from sqlalchemy import select

from aura_pkg.server.models import AuditEvent


def _publish_events(running: Running) -> list[tuple[str, int, str]]:
    with running.service.sessions() as session:
        rows = session.execute(
            select(AuditEvent.outcome, AuditEvent.status, AuditEvent.detail)
            .where(AuditEvent.action == "publish")
            .order_by(AuditEvent.id)
        ).all()
        return [(str(o), int(s), str(d)) for o, s, d in rows]


def test_refusals_before_and_in_the_database_step_are_audited_once(
    server: Running, http: httpx.Client, ada: Publisher, tmp_path: Path
) -> None:
    before = len(_publish_events(server))
    garbage = upload(http, ada, b"not an archive", "x")
    assert garbage.status_code == 422
    archive = package_archive(tmp_path, "audited", "1.0.0")
    missing_signature = http.put(
        "/api/v1/packages",
        data={"key_id": ada.key_id},
        files={"archive": ("a.tar.gz", archive.data, "application/gzip")},
        headers=ada.auth,
    )
    assert missing_signature.status_code == 422
    assert "signature: Field required" in missing_signature.json()["error"]["message"]
    unknown_key = upload(http, ada, archive.data, signature_of(ada, archive), key_id="0" * 64)
    assert unknown_key.status_code == 422
    events = _publish_events(server)[before:]
    assert [(outcome, status) for outcome, status, _ in events] == [("refused", 422)] * 3
    assert garbage.json()["error"]["message"] in events[0][2]
    assert "not registered" in events[2][2]
