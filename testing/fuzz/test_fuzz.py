"""A bounded, seeded sample of the mutation fuzzer (``fuzzing.py``).

Twelve mutants of the conformance programs and the cookbook go through
``aura check`` and ``aura fmt --check``; every fourth through ``aura run`` and
every sixth through ``aura verify`` with a one-second solver budget.  The same
seed gives the same mutants, so a failure here reproduces; ``run.py`` runs the
fuzzer for longer (``python testing/fuzz/run.py --minutes 10``).
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from fuzzing import COMMANDS, mutants, run_command, seeds

SEED = 20261208
COUNT = 12


def _sample() -> list[tuple[str, bytes]]:
    return list(itertools.islice(mutants(random.Random(SEED), seeds()), COUNT))


def _commands(index: int) -> list[str]:
    names = ["check", "fmt"]
    if index % 4 == 0:
        names.append("run")
    if index % 6 == 0:
        names.append("verify")
    return names


def test_the_seeds_are_there() -> None:
    names = {p.name for p in seeds()}
    assert len(names) > 50 and "fizzbuzz.aura" in names


def test_the_sample_is_reproducible() -> None:
    assert _sample() == _sample()


@pytest.mark.parametrize("index", range(COUNT))
def test_mutant_gets_an_answer(index: int, tmp_path: Path) -> None:
    what, data = _sample()[index]
    file = tmp_path / "mutant.aura"
    file.write_bytes(data)
    for name in _commands(index):
        finding = run_command(COMMANDS[name], file, tmp_path)
        assert finding is None, f"{what}: aura {name}: {finding}\n{data[:2000]!r}"
