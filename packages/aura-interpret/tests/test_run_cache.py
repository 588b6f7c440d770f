"""The run cache (run_cache.py, program_image.py): a hit runs exactly like a miss, and
every input of a build invalidates it."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from aura_core.cli import main
from aura_interpret import program_image, run_cache, session
from aura_interpret.externs import Host
from aura_interpret.sourcemap import SourceMap


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def aura(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AURA_CACHE_DIR", str(tmp_path / ".cache"))
    return tmp_path


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The programs loaded (cache misses), in order."""
    seen: list[Path] = []
    original = session.load_checked

    def counting(path: Path, *, dev: bool = False) -> object:
        seen.append(path)
        return original(path, dev=dev)

    monkeypatch.setattr(session, "load_checked", counting)
    return seen


def entries(here: Path) -> list[Path]:
    return sorted((here / ".cache" / "run").glob("*.run"))


RICH = """
import std::env

type Point = record { x: i64, y: i64 }

type Shape = enum { Circle(r: f64), Rect(a: Point, b: Point), Empty }

cell area(s: Shape) -> f64:
    match s:
        Shape::Circle(r):
            return 3.0 * r * r
        Shape::Rect(a, b):
            return ((b.x - a.x) * (b.y - a.y)) as f64
        Shape::Empty:
            return 0.0

cell last(v: Vec<i64>, n: i64) -> i64:
    return v[n]

cell main() -> i32:
    val shapes = [Shape::Circle(1.5), Shape::Rect(Point { x: 0, y: 0 }, Point { x: 2, y: 3 })]
    println(shapes)
    val mut m: Map<String, Vec<Point>> = Map::new()
    m.insert("a", [Point { x: 1, y: 2 }])
    println(m)
    for s in shapes:
        println(area(s))
    val args = env::args()
    if args.len() == 0:
        return 3
    if args[0] == "key":
        println(m["z\\n"])
    println(last([1, 2, 3], 7))
    return 0
"""


def test_a_hit_runs_exactly_like_a_miss(here: Path, loads: list[Path]) -> None:
    _write(here / "p.aura", RICH)
    first = [aura("run", "p.aura", *args) for args in ((), ("key",), ("index",))]
    assert loads == [Path("p.aura")]  # arguments are not part of what is compiled
    assert len(entries(here)) == 1
    again = [aura("run", "p.aura", *args) for args in ((), ("key",), ("index",))]
    assert loads == [Path("p.aura")]
    for a, b in zip(first, again, strict=True):
        assert (a.stdout, a.stderr, a.exit_code) == (b.stdout, b.stderr, b.exit_code)
    assert first[0].exit_code == 3
    assert first[0].stdout.startswith(
        "[Shape::Circle(1.5), Shape::Rect(Point { x: 0, y: 0 }, Point { x: 2, y: 3 })]\n"
        '{"a": [Point { x: 1, y: 2 }]}\n6.75\n6.0\n'
    )
    assert again[1].stderr == 'panic: key not found in map: "z\\n"\n  at p.aura:31:17 in main\n'
    assert again[2].stderr == (
        "panic: index out of bounds: the length is 3 but the index is 7\n"
        "  at p.aura:17:12 in last\n"
        "  at p.aura:32:13 in main\n"
    )
    assert (again[1].exit_code, again[2].exit_code) == (101, 101)


def test_editing_the_program_or_a_module_it_imports_rebuilds(here: Path, loads: list[Path]) -> None:
    app = here / "app"
    _write(app / "aura.toml", '[package]\nname = "app"\nversion = "0.1.0"\n')
    util = _write(app / "src" / "util.aura", 'pub cell word() -> String:\n    return "one"\n')
    entry = _write(
        app / "src" / "main.aura",
        'import app::util\n\ncell main():\n    println("main {util::word()}")\n',
    )
    assert aura("run", str(entry)).stdout == "main one\n"
    assert aura("run", str(entry)).stdout == "main one\n"
    assert len(loads) == 1
    util.write_text('pub cell word() -> String:\n    return "two"\n', encoding="utf-8")
    assert aura("run", str(entry)).stdout == "main two\n"
    assert len(loads) == 2
    entry.write_text(
        entry.read_text(encoding="utf-8").replace('"main ', '"edited '), encoding="utf-8"
    )
    assert aura("run", str(entry)).stdout == "edited two\n"
    assert aura("run", str(entry)).stdout == "edited two\n"
    assert len(loads) == 3
    # The manifest decides where modules are: editing it rebuilds too.
    manifest = app / "aura.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert aura("run", str(entry)).stdout == "edited two\n"
    assert len(loads) == 4


def test_a_manifest_appearing_above_a_program_rebuilds(here: Path, loads: list[Path]) -> None:
    program = _write(here / "dir" / "p.aura", 'cell main():\n    println("hi")\n')
    assert aura("run", str(program)).stdout == "hi\n"
    _write(here / "aura.toml", '[package]\nname = "outer"\nversion = "0.1.0"\n')
    assert aura("run", str(program)).stdout == "hi\n"
    assert aura("run", str(program)).stdout == "hi\n"
    assert len(loads) == 2


def test_release_has_an_entry_of_its_own(here: Path, loads: list[Path]) -> None:
    _write(here / "p.aura", 'cell main():\n    assert false\n    println("ran")\n')
    checked = aura("run", "p.aura")
    assert (checked.exit_code, checked.stderr) == (
        101,
        "panic: assertion failed: false\n  at p.aura:2:5 in main\n",
    )
    assert aura("run", "--release", "p.aura").stdout == "ran\n"
    assert aura("run", "p.aura").stderr == checked.stderr
    assert aura("run", "--release", "p.aura").stdout == "ran\n"
    assert len(loads) == 2 and len(entries(here)) == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),
        lambda data: data.replace(b"aura-run-cache ", b"aura-run-cache 9", 1),
        lambda data: b"",
    ],
    ids=["truncated", "flipped", "foreign", "empty"],
)
def test_a_damaged_entry_is_ignored_and_replaced(
    here: Path, loads: list[Path], damage: object
) -> None:
    _write(here / "p.aura", 'cell main():\n    println("hi")\n')
    assert aura("run", "p.aura").stdout == "hi\n"
    [entry] = entries(here)
    good = entry.read_bytes()
    assert callable(damage)
    damaged = damage(good)
    entry.write_bytes(damaged)
    r = aura("run", "p.aura")
    assert (r.stdout, r.stderr, r.exit_code) == ("hi\n", "", 0)
    assert len(loads) == 2
    assert entry.read_bytes() != damaged  # replaced by a good one: the next run hits
    assert aura("run", "p.aura").stdout == "hi\n"
    assert len(loads) == 2


def test_programs_that_cannot_run_are_not_stored(here: Path) -> None:
    _write(here / "bad.aura", 'cell main():\n    val y: i64 = "no"\n')
    _write(here / "lib.aura", "cell helper() -> i64:\n    return 1\n")
    for name in ("bad.aura", "lib.aura", "bad.aura", "lib.aura", "missing.aura"):
        assert aura("run", name).exit_code == 1
    assert entries(here) == []


def test_runs_trusting_proofs_are_neither_stored_nor_served(here: Path, loads: list[Path]) -> None:
    _write(here / "p.aura", 'cell main():\n    assert false\n    println("ran")\n')
    assert aura("run", "p.aura").exit_code == 101  # stored
    for _ in range(2):
        r = aura("run", "--trust-proofs", "p.aura")  # nothing verified: every check runs
        assert (r.exit_code, r.stderr) == (
            101,
            "panic: assertion failed: false\n  at p.aura:2:5 in main\n",
        )
    assert len(loads) == 3 and len(entries(here)) == 1


def test_a_cache_others_can_write_is_not_used(here: Path, loads: list[Path]) -> None:
    folder = here / ".cache" / "run"
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    _write(here / "p.aura", 'cell main():\n    println("hi")\n')
    assert aura("run", "p.aura").stdout == "hi\n"
    assert aura("run", "p.aura").stdout == "hi\n"
    assert len(loads) == 2 and entries(here) == []


def test_racing_stores_leave_one_whole_entry(here: Path) -> None:
    program = _write(here / "p.aura", 'cell main():\n    println("hi")\n')
    checked = session.load_checked(Path("p.aura"))
    assert not isinstance(checked, list)
    from aura_core.types import QualName
    from aura_interpret.compiler import compile_program

    host = Host()
    name = QualName(checked.entry, "main")
    compiled = compile_program(checked.program, [name], host=host)
    image = program_image.Image(compiled.globals, compiled.source_map, compiled.functions[name])
    seen = run_cache.context(program) + run_cache.sources([("p.aura", program.read_text())])
    key = run_cache.key(Path("p.aura"), False)
    assert key is not None and key != run_cache.key(Path("p.aura"), True)
    stored: list[bool] = []
    threads = [
        threading.Thread(
            target=lambda: stored.append(run_cache.store(Path("p.aura"), key, seen, image, host))
        )
        for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert stored == [True] * 6
    assert len(entries(here)) == 1
    assert not [p for p in (here / ".cache" / "run").iterdir() if p.name.startswith(".")]
    out = io.StringIO()
    hit = run_cache.lookup(Path("p.aura"), key, Host(stdout=out))
    assert hit is not None
    hit.function()()
    assert out.getvalue() == "hi\n"


def test_what_an_image_cannot_express_is_refused() -> None:
    for value in (json.dumps, lambda: 1, io.StringIO()):
        image = program_image.Image({"f": print, "x": value}, SourceMap(), "f")
        with pytest.raises(program_image.NotStorable):
            program_image.dump(image, Host())
    with pytest.raises(ValueError, match="not a program image"):
        program_image.load(b"not a pickle", Host())


HEAVY = (
    "aura_parse",
    "lark",
    "aura_core.ast",
    "aura_core.tir",
    "aura_core.check",
    "aura_interpret.compiler",
    "aura_interpret.codegen_cell",
    "aura_interpret.session",
    "aura_core.trust",
)

PROBE = """
import sys
from aura_core.cli import main
try:
    main(sys.argv[1:])
finally:
    heavy = sorted(m for m in sys.modules if m.startswith({heavy!r}))
    print("heavy:", heavy, file=sys.stderr)
"""


def test_a_hit_imports_neither_parser_checker_nor_compiler(here: Path) -> None:
    _write(here / "p.aura", RICH)
    probe = PROBE.format(heavy=HEAVY)
    command = [sys.executable, "-c", probe]
    env = {**os.environ, "AURA_CACHE_DIR": str(here / ".cache")}
    miss = subprocess.run(
        [*command, "run", "p.aura", "index"], capture_output=True, text=True, env=env
    )
    hit = subprocess.run(
        [*command, "run", "p.aura", "index"], capture_output=True, text=True, env=env
    )
    assert miss.returncode == hit.returncode == 101
    assert "'aura_interpret.compiler'" in miss.stderr
    assert hit.stderr.endswith("heavy: []\n")
    assert miss.stderr.split("heavy:")[0] == hit.stderr.split("heavy:")[0]
    assert miss.stdout == hit.stdout
    helped = subprocess.run([*command, "--help"], capture_output=True, text=True, env=env)
    assert helped.stderr == "heavy: []\n"
