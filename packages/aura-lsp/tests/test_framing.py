"""The framer: every byte stream gives the well-formed messages in it, and problems for the rest."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aura_lsp.framing import MAX_BODY, MAX_HEADER, Body, Framer, Problem


def frame(body: bytes, header: bytes = b"Content-Length: %d\r\n\r\n") -> bytes:
    return (header % len(body)) + body


def feed(*chunks: bytes) -> list[Body | Problem]:
    framer = Framer()
    return [item for chunk in chunks for item in framer.feed(chunk)]


def bodies(items: list[Body | Problem]) -> list[bytes]:
    return [i.data for i in items if isinstance(i, Body)]


def problems(items: list[Body | Problem]) -> list[str]:
    return [i.message for i in items if isinstance(i, Problem)]


def test_well_formed_messages_come_out_in_order() -> None:
    items = feed(frame(b'{"a":1}') + frame(b'{"b":2}', b"Content-Length: %d\r\nX: y\r\n\r\n"))
    assert items == [Body(b'{"a":1}'), Body(b'{"b":2}')]


def test_header_names_ignore_case_and_lines_may_end_in_lf() -> None:
    stream = frame(b"{}", b"content-length: %d\r\n\r\n") + frame(b"[]", b"CONTENT-LENGTH:%d\n\n")
    assert feed(stream) == [Body(b"{}"), Body(b"[]")]


def test_a_body_waits_for_all_its_bytes() -> None:
    framer = Framer()
    assert framer.feed(b"Content-Length: 4\r\n\r\n{}") == []
    assert framer.feed(b"[]") == [Body(b"{}[]")]


def test_an_absurd_length_is_dropped_and_the_next_message_read() -> None:
    stream = b"Content-Length: 99999999999999999999\r\n\r\n{}" + frame(b'{"ok":1}')
    items = feed(stream)
    assert bodies(items) == [b'{"ok":1}']
    assert "invalid Content-Length" in problems(items)[0]
    huge = b"Content-Length: %d\r\n\r\n{}" % (MAX_BODY + 1)
    items = feed(huge + frame(b'{"ok":2}'))
    assert bodies(items) == [b'{"ok":2}']
    assert f"more than {MAX_BODY}" in problems(items)[0]


def test_missing_duplicated_and_invalid_lengths_are_dropped() -> None:
    bad = [
        b'Content-Type: x\r\n\r\n{"lost":1}',
        b'Content-Length: 10\r\nContent-Length: 10\r\n\r\n{"lost":1}',
        b'Content-Length: -3\r\n\r\n{"lost":1}',
        b'Content-Length: 1e3\r\n\r\n{"lost":1}',
        b'no colon here\r\n\r\n{"lost":1}',
    ]
    for prefix in bad:
        items = feed(prefix + frame(b'{"ok":1}'))
        assert bodies(items) == [b'{"ok":1}'], prefix
        assert problems(items), prefix


def test_a_header_block_without_end_is_cut_off() -> None:
    items = feed(b"X" * (MAX_HEADER + 10) + frame(b"{}"))
    assert bodies(items) == [b"{}"]
    assert "longer than" in problems(items)[0]
    framer = Framer()
    for _ in range(100):  # endless garbage never grows the buffer without bound
        framer.feed(b"y" * 4096)
    assert framer.feed(frame(b"{}")) != []


@given(st.lists(st.binary(max_size=40), max_size=6), st.data())
def test_any_split_of_a_stream_gives_the_same_messages(
    payloads: list[bytes], data: st.DataObject
) -> None:
    stream = b"".join(frame(p) for p in payloads)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=8)))
    chunks = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True)]
    assert feed(*chunks) == [Body(p) for p in payloads]


@given(st.binary(max_size=200).filter(lambda b: b"ength" not in b.lower()))
def test_garbage_before_a_message_costs_only_the_garbage(garbage: bytes) -> None:
    items = feed(garbage + frame(b'{"ok":1}'), frame(b'{"ok":2}'))
    assert bodies(items)[-2:] == [b'{"ok":1}', b'{"ok":2}']
