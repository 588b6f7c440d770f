"""The package registry server (``aura registry serve``), spec/packages.md "Registry protocol".

Installed with the ``registry`` extra (FastAPI, uvicorn, SQLAlchemy, Alembic,
psycopg); the client never imports this package.  :func:`create_app` builds the
ASGI application from :class:`Settings`; :mod:`aura_pkg.server.cli` is the
``aura registry`` command group.  ``docs/reference/registry-server.md`` describes
running it, its data and its operations.

Names are loaded on first use, so that ``aura registry --help`` works (and says
what to install) without the extra's dependencies.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aura_pkg.server.app import create_app
    from aura_pkg.server.settings import RateLimit, Settings, StartupError

__all__ = ["RateLimit", "Settings", "StartupError", "create_app"]

_EXPORTS = {
    "create_app": "app",
    "RateLimit": "settings",
    "Settings": "settings",
    "StartupError": "settings",
}


def __getattr__(name: str) -> Any:
    """Import the module defining ``name`` on first use (PEP 562)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'aura_pkg.server' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"aura_pkg.server.{module}"), name)
    globals()[name] = value
    return value
