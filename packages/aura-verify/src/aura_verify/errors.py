"""The one exception of the verifier: a construct it cannot encode soundly.

Raising :class:`Unsupported` never loses soundness: whoever catches it turns the
affected obligation (or, when nothing finer is possible, the whole cell) into
``unknown`` with the exception's message, which names the construct (spec
section 8: "A construct it cannot encode soundly is reported as `unknown` with
a message naming the construct").
"""

from __future__ import annotations

__all__ = ["Unsupported"]


class Unsupported(Exception):
    """``message`` names the construct, e.g. "recursive type `List` inside a `Vec`"."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
