"""``aura test PATH...`` (spec section 10).

``aura run`` belongs to aura-core, which finds the interpreter through the
``aura.engines`` entry points (:mod:`aura_interpret.engine`).

``aura test`` runs every ``test cell`` of each program it is given and prints::

    test parses_numbers ... ok
    test rejects_empty ... FAILED
        panic: assertion failed: n > 0
          at t.aura:12:5 in rejects_empty

then ``N passed, N failed``; a failing test's captured output is shown with
its panic.  Exit status 1 if a test failed or a program has errors.
"""

from __future__ import annotations

import sys

import click

from aura_core.cli_support import EXIT_ERRORS, guarded
from aura_interpret.compiler import CompileError
from aura_interpret.engine import _interrupted, _report
from aura_interpret.externs import Host
from aura_interpret.session import CaseResult, load_checked, run_tests
from aura_parse.project import programs

__all__ = ["test"]


def _print_result(r: CaseResult) -> None:
    if r.passed:
        click.echo(f"test {r.name} ... ok")
        return
    click.echo(f"test {r.name} ... FAILED")
    lines: list[str] = []
    if r.output:
        lines += ["output:", *("    " + line for line in r.output.rstrip("\n").split("\n"))]
    if r.panic is not None:
        lines += r.panic.render().split("\n")
    elif r.error is not None:
        lines.append(f"internal error: {type(r.error).__name__}: {r.error}")
    for line in lines:
        click.echo("    " + line)


@click.command("test", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--release", is_flag=True, help="Skip contract, assertion and refinement checks.")
@guarded
def test(paths: tuple[str, ...], release: bool) -> None:
    """Run the test cells of Aura files, packages, or directories of programs."""
    passed = failed = 0
    broken = False
    for program in programs(paths):
        checked = load_checked(program, dev=True)
        if isinstance(checked, list):
            _report(checked)
            broken = True
            continue
        host = Host(stdout=sys.stdout, stderr=sys.stderr, stdin=sys.stdin, args=[])
        try:
            results = run_tests(checked, host, release=release, on_result=_print_result)
        except CompileError as e:
            click.echo(f"error: {e}", err=True)
            broken = True
            continue
        except KeyboardInterrupt:
            _interrupted()
        passed += sum(r.passed for r in results)
        failed += sum(not r.passed for r in results)
    click.echo(f"{passed} passed, {failed} failed")
    raise SystemExit(EXIT_ERRORS if failed or broken else 0)
