"""Alembic's environment: migrations run on the connection the server hands over.

The server builds the Alembic configuration in code (:func:`aura_pkg.server.db.migrate`)
and passes an open connection in ``config.attributes["connection"]``; there is
no ``alembic.ini`` and no offline (SQL script) mode.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from aura_pkg.server.models import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


_connection = context.config.attributes.get("connection")
if not isinstance(_connection, Connection):
    raise RuntimeError("the registry's migrations run only from aura_pkg.server.db.migrate")
_run(_connection)
