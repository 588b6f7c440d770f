"""The registry of diagnostic codes.

Codes are stable: once published a code keeps its meaning forever, and a
retired code is never reused.  ``E`` codes are compile errors, ``W`` codes
warnings, ``V`` codes verification failures (spec sections 8 and 9).  Each code
has a page under ``aura_core/explanations/`` printed by ``aura explain``.
"""

from __future__ import annotations

__all__ = ["CODES", "is_known"]

#: code -> one-line title.  Add new codes at the end of their series.
CODES: dict[str, str] = {
    # Reading and lexing
    "E0001": "syntax error",
    "E0002": "unexpected indent",
    "E0003": "tab in indentation",
    "E0004": "unterminated string literal",
    "E0005": "invalid escape sequence",
    "E0006": "integer literal out of range for its type",
    "E0007": "chained comparison",
    "E0008": "source file is not valid UTF-8",
    "E0009": "dedent does not match any outer indentation level",
    "E0010": "block on the same line as its header",
    "E0011": "contract or loop clause after a statement",
    "E0012": "loop clauses written both in the loop head and in its body",
    "E0013": "unexpected character",
    "E0014": "nesting too deep",
    "E0015": "invalid numeric literal",
    "E0016": "invalid combination or order of modifiers",
    "E0017": "cell body missing or not allowed",
    "E0018": "clause not allowed here",
    "E0019": "cannot read source file",
    "E0020": "invalid interpolation in string literal",
    "E0021": "source file too large",
    # Modules, names and types (semantic analysis)
    "E0100": "cannot find name",
    "E0101": "name already declared in this block",
    "E0102": "unknown type",
    "E0103": "module not found",
    "E0104": "import cycle",
    "E0105": "package is not a direct dependency",
    "E0106": "unknown field",
    "E0107": "unknown method",
    "E0108": "wrong number of arguments",
    "E0109": "mismatched types",
    "E0110": "type cannot be inferred",
    "E0111": "operator cannot be applied to these types",
    "E0112": "integer literal out of range for its type",
    "E0113": "invalid cast",
    "E0114": "cannot change an immutable variable",
    "E0115": "not a place that can be changed",
    "E0116": "`mut` argument mismatch",
    "E0117": "overlapping `mut` arguments",
    "E0118": "use of a moved resource",
    "E0119": "untrusted extern cell called outside `unsafe:`",
    "E0120": "match is not exhaustive",
    "E0121": "specification-only construct outside a specification",
    "E0122": "impure cell called in a specification",
    "E0123": "pure cell breaks a purity rule",
    "E0124": "missing `decreases` clause",
    "E0125": "invalid use of `?`",
    "E0126": "cell may end without returning a value",
    "E0127": "refinement type used as a type argument",
    "E0128": "operation on an opaque type parameter",
    "E0129": "wrong number of type arguments",
    "E0130": "invalid record literal",
    "E0131": "cannot evaluate constant",
    "E0132": "invalid signature for a test, lemma or main cell",
    "E0133": "private declaration",
    "E0134": "duplicate declaration",
    "E0135": "`break` or `continue` outside a loop",
    "E0136": "lemma argument is not a specification expression",
    "E0137": "`assume` inside a lemma",
    "E0138": "map key type without an equivalence",
    "E0139": "constant breaks its type's refinement",
    "E0140": "an argument changes a place the call takes as `mut`",
    "W0001": "value computed and dropped",
    "W0120": "unreachable match arm",
    # Packages: manifests, lock files, archives, trust (spec/packages.md)
    "E0901": "malformed TOML file",
    "E0902": "invalid manifest value",
    "E0903": "invalid package name",
    "E0904": "malformed lock file",
    "E0905": "invalid package archive",
    "E0906": "checksum, signature or key does not verify",
    "E0907": "transparency-log proof does not verify",
    "E0908": "malformed dependency index",
    "E0909": "cannot read or write a package file",
    "E0910": "the registry server cannot start",
    "E0911": "the registry refused the request",
    "W0901": "unknown manifest key",
    # Native code generation (aura build)
    "E1001": "construct not supported by the native backend",
    # Verification (spec section 8)
    "V0001": "precondition might not hold",
    "V0002": "postcondition might not hold",
    "V0003": "assertion might not hold",
    "V0004": "loop invariant might not hold on entry",
    "V0005": "loop invariant might not be preserved",
    "V0006": "termination measure might not decrease",
    "V0007": "arithmetic might overflow",
    "V0008": "division by zero or shift out of range",
    "V0009": "index out of range or missing map key",
    "V0010": "refinement predicate might not hold",
    "V0011": "unwrap of None or Err",
    "V0012": "lemma postcondition might not follow",
    # Warnings
    "W0006": "while loop without a decreases clause",
    "W0007": "`assume` trusted without proof",
    "W0008": "quantifier without a usable trigger",
    "W0009": "trigger chosen by the verifier",
    "W0010": "verifier directive not understood",
}


def is_known(code: str) -> bool:
    return code in CODES
