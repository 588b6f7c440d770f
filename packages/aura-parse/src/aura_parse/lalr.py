"""A lean LALR driver over lark's parse table.

Lark builds the tables and the callbacks from the grammar; this loop runs them
over the tokens of :mod:`aura_parse.lexer`.  It splits ``>>`` and ``>=`` where
only ``>`` fits, so ``Map<String, Vec<i64>>`` closes both lists (spec section 2).

It does what lark's own loop does, minus the per-reduction costs that dominate
Aura's deep precedence chain: a rule's callback, size and goto symbol are looked
up once per rule instead of hashing the rule object on every reduction, and
chains of unit rules inlined by ``?`` collapse into one cached step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from lark import Lark
from lark.grammar import NonTerminal
from lark.parsers.lalr_analysis import Shift

from aura_parse.lexer import Token

__all__ = ["FastLalr", "UnexpectedTokenError"]

#: A token the table rejects that may close a type-argument list: (first, rest).
_SPLITS = {"SHR": ("GT", "GT"), "GE": ("GT", "ASSIGN")}


class UnexpectedTokenError(Exception):
    """The table has no action for ``token``; ``expected`` lists what it had."""

    def __init__(self, token: Token, expected: set[str]):
        super().__init__(f"unexpected {token.type}")
        self.token = token
        self.expected = expected


@dataclass(frozen=True, slots=True)
class _Reduce:
    size: int
    goto: str
    callback: Callable[[list[Any]], Any] | None  # None: pass the single child through


class FastLalr:
    """Parses with a constructed :class:`lark.Lark` object's tables and callbacks."""

    def __init__(self, lark: Lark):
        frontend = lark.parser
        table = frontend.parser.parser.parse_table
        callbacks = frontend.parser.parser.callbacks
        self._start_states: dict[str, int] = table.start_states
        self._end_states: dict[str, int] = table.end_states
        reductions: dict[int, _Reduce] = {}
        self._states: dict[int, dict[str, tuple[bool, Any]]] = {}
        for state, actions in table.states.items():
            row: dict[str, tuple[bool, Any]] = {}
            for symbol, (action, arg) in actions.items():
                # Lark names symbols with Token objects, whose __eq__ is Python code:
                # exact str keys keep every lookup in C.
                symbol = str(symbol)
                if action is Shift:
                    row[symbol] = (True, arg)
                    continue
                info = reductions.get(id(arg))
                if info is None:
                    passthrough = (
                        arg.options.expand1
                        and len(arg.expansion) == 1
                        and arg.alias is None
                        and isinstance(arg.expansion[0], NonTerminal)
                    )
                    info = _Reduce(
                        len(arg.expansion),
                        str(arg.origin.name),
                        None if passthrough else callbacks[arg],
                    )
                    reductions[id(arg)] = info
                row[symbol] = (False, info)
            self._states[state] = row
        self._chains: dict[tuple[int, int, str], int] = {}

    @property
    def terminals(self) -> frozenset[str]:
        """Every terminal some state of the table accepts."""
        return frozenset(s for row in self._states.values() for s in row if s.isupper())

    def parse(self, tokens: Iterator[Token], start: str, end_pos: int) -> Any:
        """Run the parser from rule ``start``; returns the start rule's value."""
        state_stack = [self._start_states[start]]
        value_stack: list[Any] = []
        feed = self._feed
        for token in tokens:
            feed(token, state_stack, value_stack)
        end = Token("$END", "", end_pos, end_pos)
        return feed(end, state_stack, value_stack, self._end_states[start])

    def _unit_chain(self, below: int, top: int, kind: str) -> int:
        """Follow pass-through unit reductions from ``top`` on lookahead ``kind``.

        Such a reduction pops one state and pushes one, leaving the stack below
        and the value alone, so where a chain ends depends only on the state
        below, the top state and the lookahead: computed once, then cached.
        """
        key = (below, top, kind)
        final = self._chains.get(key)
        if final is None:
            final = top
            while True:
                entry = self._states[final].get(kind)
                if entry is None or entry[0] or entry[1].callback is not None or entry[1].size != 1:
                    break
                final = self._states[below][entry[1].goto][1]
            self._chains[key] = final
        return final

    def _feed(
        self,
        token: Token,
        state_stack: list[int],
        value_stack: list[Any],
        end_state: int | None = None,
    ) -> Any:
        states = self._states
        kind = token.type
        while True:
            top = state_stack[-1]
            row = states[top]
            try:
                shift, arg = row[kind]
            except KeyError:
                split = _SPLITS.get(kind)
                if split is None or "GT" not in row:
                    raise UnexpectedTokenError(token, {s for s in row if s.isupper()}) from None
                first = token.start_pos + 1
                self._feed(Token("GT", ">", token.start_pos, first), state_stack, value_stack)
                token = Token(split[1], token.value[1:], first, token.end_pos)
                kind = token.type
                continue
            if shift:
                state_stack.append(arg)
                value_stack.append(token)
                return None
            size = arg.size
            callback = arg.callback
            if callback is None and size == 1:
                new_state = self._unit_chain(state_stack[-2], top, kind)
                state_stack[-1] = new_state
            else:
                if size:
                    children = value_stack[-size:]
                    del state_stack[-size:]
                    del value_stack[-size:]
                else:
                    children = []
                value = callback(children) if callback is not None else children[0]
                new_state = states[state_stack[-1]][arg.goto][1]
                state_stack.append(new_state)
                value_stack.append(value)
            if end_state is not None and new_state == end_state:
                return value_stack[-1]
