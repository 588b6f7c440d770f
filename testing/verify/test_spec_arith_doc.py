"""The example of `docs/reference/verification.md`'s decisions on specification
arithmetic is verified as the page says."""

from __future__ import annotations

from pathlib import Path

from aura_verify import Options, verify_paths

PAGE = Path(__file__).parents[2] / "docs" / "reference" / "verification.md"


def test_the_decisions_example(tmp_path: Path) -> None:
    text = PAGE.read_text(encoding="utf-8").split("**Specification arithmetic**", 1)[1]
    example = text.split("```aura\n", 1)[1].split("```", 1)[0]
    source = tmp_path / "example.aura"
    source.write_text(example, encoding="utf-8")
    files, compiled, _ = verify_paths([str(source)], Options(timeout=30.0))
    assert compiled
    cells = {c.name.name: c for f in files for c in f.cells}
    assert {n: c.status for n, c in cells.items()} == {
        "exact": "verified",
        "negative_amount": "failed",
        "unfitting_field": "failed",
    }

    def where(cell: str) -> tuple[str, str]:
        (f,) = cells[cell].failures
        return f.code, example[f.span.start : f.span.start + 30].split("\n")[0]

    assert where("negative_amount") == ("V0008", "(x >> n) <= x or x < 0")
    assert where("unfitting_field") == ("V0007", "x + 1 }.v > x")
