"""Package revisions (for cached documents) and a lowercased search column.

Revision ID: 0002
Revises: 0001

``search_text`` is filled here for the packages already there, in Python, so
that it is lowercased exactly as the server lowercases it (SQL's ``lower``
differs between databases beyond ASCII).
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("packages") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    packages = sa.table(
        "packages",
        sa.column("id", sa.Integer()),
        sa.column("name", sa.String()),
        sa.column("description", sa.Text()),
        sa.column("keywords", sa.Text()),
        sa.column("search_text", sa.Text()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(packages.c.id, packages.c.name, packages.c.description, packages.c.keywords)
    ).all()
    for row in rows:
        try:
            keywords = [str(k) for k in json.loads(row.keywords or "[]")]
        except ValueError:
            keywords = []
        text = "\n".join([row.name, row.description or "", " ".join(keywords)]).lower()
        connection.execute(
            sa.update(packages).where(packages.c.id == row.id).values(search_text=text)
        )


def downgrade() -> None:
    with op.batch_alter_table("packages") as batch:
        batch.drop_column("search_text")
        batch.drop_column("revision")
