"""What a proof may spend: the resource budget and the wall-clock safety net.

The verdict of an obligation is decided under a *resource budget*, Z3's
``rlimit`` (a count of the solver's basic steps, the same on every machine), so
that a file gets the same verdict on any machine under any load.  The default
can be changed for a run (``aura verify --rlimit N``) and for one cell, by a
comment line directly above the cell (among its doc comments, if any)::

    # verify: rlimit = 200_000_000
    cell hard(x: Int) -> Int:

A cell's line wins over the run's option.  A ``# verify:`` line that does not
say that is warning W0010 and is ignored.

This module imports neither the checker nor Z3: a run served from the proof
cache needs the budgets (they are part of every key) but not the solver.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aura_core import tir
from aura_core.diagnostics import Diagnostic, Help, Severity
from aura_core.source import SourceFile, Span

__all__ = [
    "DEFAULT_RLIMIT",
    "DEFAULT_TIMEOUT",
    "MAX_RLIMIT",
    "Limits",
    "cell_rlimit",
]

#: The resource budget of an obligation unless its cell or the run sets another.
#: Of the project's own verified programs' 906 obligations, the median uses
#: about 1,300 units and the largest about 5 million
#: (``docs/reference/verification.md`` has the figures), so this leaves a
#: margin of ten times; on one idle core it is about ten seconds of solver
#: work, the old default time limit.
DEFAULT_RLIMIT = 50_000_000
#: Z3 takes the budget as an unsigned 32-bit number.
MAX_RLIMIT = 2**32 - 1
#: The wall-clock safety net, in seconds per obligation: far above what the
#: default budget takes even on a loaded machine, so the budget decides.
DEFAULT_TIMEOUT = 120.0

_DIRECTIVE = re.compile(r"#\s*verify\s*:(.*)")
_RLIMIT = re.compile(r"\s*rlimit\s*=\s*([0-9][0-9_]*)\s*")


@dataclass(frozen=True)
class Limits:
    """What one obligation may spend: resource units, and seconds of wall clock."""

    rlimit: int = DEFAULT_RLIMIT
    timeout: float = DEFAULT_TIMEOUT


def cell_rlimit(
    program: tir.Program, cell: tir.CellDef, default: int
) -> tuple[int, Diagnostic | None]:
    """The budget of ``cell``'s obligations: its ``# verify: rlimit = N`` line, else
    ``default``; and warning W0010 for a ``# verify:`` line not understood."""
    source = program.modules[cell.name.module].source
    for start, end in _comment_lines_above(source, cell.span.start):
        line = source.text[start:end]
        directive = _DIRECTIVE.match(line.strip())
        if directive is None:
            continue
        m = _RLIMIT.fullmatch(directive.group(1))
        value = int(m.group(1).replace("_", "")) if m and not m.group(1).endswith("_") else 0
        if 1 <= value <= MAX_RLIMIT:
            return value, None
        indent = len(line) - len(line.lstrip())
        return default, _malformed(source, Span(start + indent, end))
    return default, None


def _comment_lines_above(source: SourceFile, offset: int) -> list[tuple[int, int]]:
    """The (start, end) of each comment line directly above the line of ``offset``,
    nearest first; a blank or code line ends them."""
    text = source.text
    out: list[tuple[int, int]] = []
    end = text.rfind("\n", 0, offset)
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        if not text[start:end].lstrip().startswith("#"):
            break
        out.append((start, end))
        end = start - 1
    return out


def _malformed(source: SourceFile, span: Span) -> Diagnostic:
    return Diagnostic(
        "W0010",
        Severity.WARNING,
        "verifier directive not understood; the cell keeps the run's resource budget",
        source,
        span,
        notes=(f"the only directive is `# verify: rlimit = N`, with 1 <= N <= {MAX_RLIMIT:_}",),
        help=Help("write the budget as a whole number, such as `# verify: rlimit = 100_000_000`"),
    )
