"""What `aura verify` says of one documented program: the obligations it could
not prove and the warnings it gave, in the form of the pages' marks
(``doc_blocks.Block.expected``)."""

from __future__ import annotations

from pathlib import Path

from aura_verify import Options, verify_paths

Found = set[tuple[str, str, int, int]]


def verify_text(text: str, path: Path) -> tuple[Found, Found]:
    """Verify ``text`` saved at ``path``: its failures and its warnings, each as
    ``(status, code, line, column)``.  The program must compile and have cells."""
    path.write_text(text, encoding="utf-8")
    files, compiled, _ = verify_paths([str(path)], Options(timeout=30.0))
    errors = [d.message for f in files for d in f.diagnostics if d.is_error]
    assert compiled and not errors, errors
    cells = [c for f in files for c in f.cells]
    assert cells, "no cell to verify"
    failures: Found = set()
    for c in cells:
        for fl in c.failures:
            pos = fl.file.position(fl.span.start)
            failures.add((fl.status, fl.code, pos.line, pos.column))
    warnings: Found = set()
    for f in files:
        for d in f.diagnostics:
            assert d.file is not None and d.span is not None
            pos = d.file.position(d.span.start)
            warnings.add(("warning", d.code, pos.line, pos.column))
    return failures, warnings
