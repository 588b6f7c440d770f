"""The hook through which ``aura run`` finds its execution engines.

``aura run`` belongs to no engine: the interpreter (aura-interpret) and the
native backend (aura-backend-llvm) each register an :class:`Engine` under the
entry-point group :data:`ENGINE_GROUP`, and the command picks one by name
(``interpreter`` unless ``--native`` asks for ``native``).  Neither engine
package depends on the other, and a partial install says which distribution
provides a missing engine.

An engine receives a :class:`RunRequest` and does everything after the command
line: load and check the program, report its diagnostics, run it, and return the
process's exit status (0, 1 for errors in the program, 101 for a panic).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

__all__ = ["ENGINES", "ENGINE_GROUP", "Engine", "EngineMissing", "RunRequest", "find_engine"]

ENGINE_GROUP = "aura.engines"

#: The engines spec section 10 names, and the distribution providing each.
ENGINES: dict[str, str] = {
    "interpreter": "aura-interpret",
    "native": "aura-backend-llvm",
}


@dataclass(frozen=True, slots=True)
class RunRequest:
    """What ``aura run`` was asked to do."""

    file: Path
    #: Arguments for the program (``std::env::args()``), after the file name.
    args: tuple[str, ...] = ()
    #: Skip contract, assertion and refinement checks (every other check stays).
    release: bool = False
    #: Drop the run-time checks the verifier proved (its proven-check export).
    trust_proofs: bool = False


class Engine(Protocol):
    """Runs a program; returns the exit status of ``aura run``."""

    def __call__(self, request: RunRequest) -> int: ...


class EngineMissing(LookupError):
    """No installed distribution provides the engine; the message says which would."""


def find_engine(name: str) -> Engine:
    """The engine registered under ``name``, loaded on first use."""
    from importlib.metadata import entry_points  # slow to import: only when asked

    for ep in entry_points(group=ENGINE_GROUP, name=name):
        engine: Engine = ep.load()
        return engine
    dist = ENGINES.get(name)
    if dist is None:
        raise EngineMissing(f"no execution engine named `{name}`")
    raise EngineMissing(f"the {name} engine is provided by {dist}, which is not installed")
