"""Semantic analysis: parsed modules in, a typed program and diagnostics out.

``check_modules`` is the whole public API; the typed program it returns is
described in :mod:`aura_core.tir`.
"""

from aura_core.check.program import CheckResult, check_modules

__all__ = ["CheckResult", "check_modules"]
