"""What the ``aura registry`` commands share: storage options, the extra's check, codes.

Imports click only; the server's dependencies are imported by the commands.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from aura_pkg.cli._common import fail

__all__ = ["CODE_SERVER", "FAULT_ENV", "RATE", "need_extra", "storage_options"]

#: Names a point of the publish transaction where the server exits at once
#: (crash-safety tests only; see Settings.fault).
FAULT_ENV = "AURA_REGISTRY_FAULT"
#: The diagnostic code of a registry that cannot start or open its database.
CODE_SERVER = "E0910"

F = TypeVar("F", bound=Callable[..., Any])


class _Rate(click.ParamType[tuple[float, float], Any]):
    """``BURST/PER_SECOND``, two non-negative numbers, as a pair."""

    name = "rate"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[float, float]:
        if isinstance(value, tuple):
            return value
        burst, slash, rate = str(value).partition("/")
        try:
            pair = (float(burst), float(rate)) if slash else None
        except ValueError:
            pair = None
        if pair is None or not all(0 <= x < float("inf") for x in pair) or pair[0] < 1:
            self.fail(f"{value!r} is not BURST/PER_SECOND (for example 600/50)", param, ctx)
        return pair


#: The type of the rate options (``BURST/PER_SECOND``).
RATE = _Rate()


def need_extra() -> None:
    try:
        import fastapi  # noqa: F401
        import sqlalchemy  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        fail(
            f"the registry server needs {exc.name}, which is not installed",
            help="pip install 'aura-pkg[registry]'",
        )


def storage_options(fn: F) -> F:
    fn = click.option(
        "--db",
        "database",
        metavar="URL",
        envvar="AURA_REGISTRY_DB",
        help="SQLAlchemy database URL, e.g. postgresql+psycopg://USER@HOST/DB.  "
        "[default: SQLite file registry.db in the storage directory]",
    )(fn)
    return click.option(
        "--storage",
        metavar="DIR",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("registry-data"),
        show_default=True,
        envvar="AURA_REGISTRY_STORAGE",
        help="Directory for archives, the generated root key and the SQLite database.",
    )(fn)
