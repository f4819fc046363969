"""The guard's name patterns, written as negated ASCII classes (fast to compile), read exactly what the
SPARQL grammar's classes with a [\\u0080-\\U0010ffff] range read."""

from __future__ import annotations

import re

import pytest

from graph import guard

SPELLED_OUT = {
    "_VAR": r"[?$][A-Za-z0-9_\u0080-\U0010ffff]*",
    "_WORD": r"[A-Za-z_\u0080-\U0010ffff][A-Za-z0-9_\-\u0080-\U0010ffff]*",
    "_LOCAL": rf"(?:[A-Za-z0-9_:\u0080-\U0010ffff]|{guard._PLX})(?:[A-Za-z0-9_\-:\u0080-\U0010ffff]|{guard._PLX})*",
    "_BNODE": r"_:[A-Za-z0-9_\u0080-\U0010ffff][A-Za-z0-9_\-\u0080-\U0010ffff]*",
}
# Every ASCII character, the edges of the non-ASCII range, and a spread of scripts and symbols.
CHARACTERS = [chr(c) for c in [*range(0x80), 0x80, 0xA0, 0xFF, 0x100, 0x3B1, 0x5D0, 0x627, 0x4E2D, 0xD7FF, 0xE000,
                                0xFEFF, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF]]


@pytest.mark.parametrize("name", sorted(SPELLED_OUT))
def test_name_patterns_match_what_the_spelled_out_classes_match(name):
    spelled, fast = re.compile(SPELLED_OUT[name]), getattr(guard, name)
    lead = {"_VAR": "?", "_BNODE": "_:"}.get(name, "")
    for c in CHARACTERS:
        for probe in (lead + c, lead + "a" + c, lead + c + "-x:y", lead + "%41" + c + "z"):
            want, got = spelled.match(probe), fast.match(probe)
            assert (want and want.group()) == (got and got.group()), (name, probe)
