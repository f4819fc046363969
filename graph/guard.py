"""Refuse what a public, read-only endpoint must never run: SERVICE (federation) and updates.

pyoxigraph executes `SERVICE <iri>` by making an HTTP request, so a query that
reached the store with SERVICE in it could make this server fetch any address.
A substring test is not enough (SERVICE may sit in a comment, a string or an
IRI, and pyoxigraph's keywords need no word boundary: `?s ?p trueSERVICE<x>{}`
is a SERVICE call), so the query is lexed the way SPARQL lexes it.

One lexical decision depends on the parser's state: inside an expression `<`
after an operand is the less-than operator, elsewhere it opens an IRI. In
`FILTER(1<2&&'>')SERVICE<x>{}` a lexer that always reads `<...>` as an IRI
misses the SERVICE. Rather than guess, the lexer explores both readings
wherever the operator is possible (after an operand, inside parentheses) and
refuses if any reading shows SERVICE. The exploration is a search over lexer
states (position, bracket depths, "previous token ends an operand"), so it
stays linear in practice; it is bounded and refuses when the bound is hit.
The price is a rare false positive (an IRI containing "service" inside a
collection or VALUES row); the message says how to avoid it.

The guard also bounds a query's shape (size, nesting, number of operators):
pyoxigraph's parser and evaluator recurse, and a few thousand nested brackets
or chained operators overflow their stack and kill the process. Anything the
guard cannot decide within its bounds is refused, never passed.

The worker processes and `r2pkg query` also block outgoing network sockets
(graph.server.sandbox), so an evasion of this check would still fetch nothing.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict

SERVICE_REFUSED = (
    "SERVICE (federated query) is not allowed on this endpoint: it would make the server "
    "fetch other addresses. Query the local graph only. (If an IRI that contains 'service' "
    "triggered this, write it with a PREFIX.)"
)
UPDATE_REFUSED = "This endpoint is read-only: SPARQL Update is refused."
TOO_COMPLEX = "The query is too complex to check for SERVICE; simplify it."

MAX_QUERY_BYTES = 1024 * 1024  # bigger than any query a person writes; the endpoint's body limit too
MAX_DEPTH = 200  # nested brackets of any kind; pyoxigraph's stack overflows at a few thousand
MAX_OPERATORS = 2000  # operators and UNION/OPTIONAL/MINUS in the whole query; overflow from about 4,000
MAX_LITERAL = 256 * 1024  # one string literal
_MAX_STATES = 200_000

_WS = re.compile(r"[ \t\r\n]+")
_COMMENT = re.compile(r"#[^\r\n]*")
# More permissive than IRIREF on purpose: where pyoxigraph reads an IRI, this must read one too.
_IRI = re.compile(r"<[^<>\x00-\x20]*>")
_STRING = re.compile(
    r'"""(?:(?:"|"")?(?:[^"\\]|\\[\s\S]))*"""'
    r"|'''(?:(?:'|'')?(?:[^'\\]|\\[\s\S]))*'''"
    r'|"(?:[^"\\\r\n]|\\[\s\S])*"'
    r"|'(?:[^'\\\r\n]|\\[\s\S])*'"
)


def _name_chars(ascii_allowed: str) -> str:
    r"""A character class of every non-ASCII character and the given ASCII ones, written as the negation
    of the ASCII rest: the same class as [...\u0080-\U0010ffff], which takes Python's re tens of
    milliseconds to compile (the guard is imported by every query from the shell)."""
    rest = [c for c in range(0x80) if chr(c) not in ascii_allowed]
    runs: list[list[int]] = []
    for c in rest:
        if runs and runs[-1][1] == c - 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return "[^" + "".join(f"\\x{a:02x}" if a == b else f"\\x{a:02x}-\\x{b:02x}" for a, b in runs) + "]"


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"
_DIGITS = "0123456789"
_NAME_START = _name_chars(_LETTERS)  # [A-Za-z_\u0080-\U0010ffff]
_NAME = _name_chars(_LETTERS + _DIGITS)  # [A-Za-z0-9_\u0080-\U0010ffff]
_NAME_DASH = _name_chars(_LETTERS + _DIGITS + "-")
_VAR = re.compile(rf"[?$]{_NAME}*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?")
_LANGTAG = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?:--[A-Za-z]+)?")
# Names stop at "." (which pyoxigraph may take inside a name): a shorter name only exposes more text.
_WORD = re.compile(rf"{_NAME_START}{_NAME_DASH}*")
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_LOCAL_START, _LOCAL_REST = _name_chars(_LETTERS + _DIGITS + ":"), _name_chars(_LETTERS + _DIGITS + "-:")
_LOCAL = re.compile(rf"(?:{_LOCAL_START}|{_PLX})(?:{_LOCAL_REST}|{_PLX})*")
_BNODE = re.compile(rf"_:{_NAME}{_NAME_DASH}*")
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

_UPDATE_WORDS = {"insert", "delete", "load", "clear", "drop", "create", "add", "move", "copy", "with"}


class Refused(Exception):
    """A query the endpoint will not run; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _has_service(word: str) -> bool:
    return "service" in word.lower()


_OPERATOR = re.compile(r"&&|\|\||!=|<=|>=|\^\^|[-+*/!=<>|^]")
_OPERATOR_WORDS = {"union", "optional", "minus", "in", "exists", "not"}


def _shape(text: str) -> None:
    """Refuse a query too big, too deep or with too many operators for pyoxigraph's recursive parser.

    One linear pass over the usual reading (`<` opens an IRI where an IRI matches).
    Operators hidden inside such an IRI are still counted: an IRI match that
    contains `&&` or `||` counts those too, so no reading hides a long chain.
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_QUERY_BYTES:
        raise Refused(413, f"The query is larger than {MAX_QUERY_BYTES:,} bytes.")
    depth = deepest = operators = 0
    pos, n = 0, len(text)
    while pos < n:
        ch = text[pos]
        if m := (_WS.match(text, pos) or _COMMENT.match(text, pos)):
            pos = m.end()
            continue
        if ch in "\"'":
            m = _STRING.match(text, pos)
            if m:
                if m.end() - pos > MAX_LITERAL:
                    raise Refused(400, f"A string in the query is longer than {MAX_LITERAL:,} characters.")
                pos = m.end()
                continue
        elif ch == "<" and (m := _IRI.match(text, pos)):
            operators += m.group().count("&&") + m.group().count("||")
            pos = m.end()
            continue
        elif ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                raise Refused(400, f"The query nests brackets more than {MAX_DEPTH} deep; simplify it.")
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif m := _WORD.match(text, pos):
            operators += m.group().lower() in _OPERATOR_WORDS
            end = m.end()
            if text.startswith(":", end):
                local = _LOCAL.match(text, end + 1)
                end = local.end() if local else end + 1
            pos = end
            continue
        elif ch in "?$" and (m := _VAR.match(text, pos)):
            pos = m.end()
            continue
        elif ch == ":" and (m := _LOCAL.match(text, pos + 1)):
            pos = m.end()
            continue
        elif m := _OPERATOR.match(text, pos):
            operators += 1
            pos = m.end()
            if operators > MAX_OPERATORS:
                raise Refused(400, f"The query has more than {MAX_OPERATORS:,} operators; simplify it.")
            continue
        pos += 1
    if operators > MAX_OPERATORS:
        raise Refused(400, f"The query has more than {MAX_OPERATORS:,} operators; simplify it.")


def _scan(text: str) -> None:
    """Raise Refused if any reading of `text` contains the SERVICE keyword."""
    # State: (position, paren depth per open brace, previous token ends an operand).
    todo: list[tuple[int, tuple[int, ...], bool]] = [(0, (0,), False)]
    seen: set[tuple[int, tuple[int, ...], bool]] = set()
    n = len(text)
    while todo:
        state = todo.pop()
        if state in seen:
            continue
        seen.add(state)
        if len(seen) > _MAX_STATES:
            raise Refused(400, TOO_COMPLEX)
        pos, depths, operand = state
        if pos >= n:
            continue
        ch = text[pos]
        if m := (_WS.match(text, pos) or _COMMENT.match(text, pos)):
            todo.append((m.end(), depths, operand))
        elif ch == "<":
            iri = _IRI.match(text, pos)
            if iri:
                todo.append((iri.end(), depths, True))
            if not iri or (operand and depths[-1] > 0):
                todo.append((pos + 1, depths, False))  # the less-than operator
        elif ch in "\"'":
            m = _STRING.match(text, pos)
            todo.append((m.end(), depths, True) if m else (pos + 1, depths, False))
        elif ch in "?$":
            var = _VAR.match(text, pos)
            todo.append((var.end(), depths, True) if var else (pos + 1, depths, False))
        elif ch == "_" and text.startswith("_:", pos) and (m := _BNODE.match(text, pos)):
            todo.append((m.end(), depths, True))
        elif ch == "@" and (m := _LANGTAG.match(text, pos)):
            if _has_service(m.group()):
                raise Refused(403, SERVICE_REFUSED)
            todo.append((m.end(), depths, True))
        elif (m := _NUMBER.match(text, pos)) and m.end() > pos:
            todo.append((m.end(), depths, True))
        elif m := _WORD.match(text, pos):
            word, end = m.group(), m.end()
            if _has_service(word):
                raise Refused(403, SERVICE_REFUSED)
            if text.startswith(":", end):  # prefixed name: the prefix was checked, the local part is data
                local = _LOCAL.match(text, end + 1)
                todo.append((local.end() if local else end + 1, depths, True))
            else:
                todo.append((end, depths, word.lower() in ("true", "false")))
        elif ch == ":":
            local = _LOCAL.match(text, pos + 1)
            todo.append((local.end() if local else pos + 1, depths, True))
        elif ch == "(":
            todo.append((pos + 1, (*depths[:-1], depths[-1] + 1), False))
        elif ch == ")":
            todo.append((pos + 1, (*depths[:-1], max(0, depths[-1] - 1)), True))
        elif ch == "{":
            todo.append((pos + 1, (*depths, 0), False))
        elif ch == "}":
            todo.append((pos + 1, depths[:-1] or (0,), True))  # EXISTS {...} can end an operand
        else:
            todo.append((pos + 1, depths, ch == "]"))


def _unescape(text: str) -> str:
    return _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


class _Decisions:
    """Recent verdicts by a digest of the query text: bounded in entries and bytes, whatever the queries' size."""

    def __init__(self, size: int = 4096):
        self.size = size
        self._items: OrderedDict[bytes, Refused | None] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def get(self, key: bytes) -> tuple[bool, Refused | None]:
        with self._lock:
            if key not in self._items:
                return False, None
            self._items.move_to_end(key)
            return True, self._items[key]

    def put(self, key: bytes, verdict: Refused | None) -> None:
        with self._lock:
            self._items[key] = verdict
            while len(self._items) > self.size:
                self._items.popitem(last=False)


_decisions = _Decisions()


def check_query(text: str) -> None:
    """Raise Refused for SERVICE or an update (403) or a shape the engine cannot take (400, 413).

    Verdicts are remembered by digest (clients send the same texts again and again);
    the texts themselves are not kept.
    """
    key = _decisions.key(text)
    known, verdict = _decisions.get(key)
    if not known:
        try:
            _check(text)
            verdict = None
        except Refused as e:
            verdict = e
        _decisions.put(key, verdict)
    if verdict is not None:
        raise Refused(verdict.status, verdict.message)


def _check(text: str) -> None:
    _shape(text)
    _scan(text)
    if "\\u" in text or "\\U" in text:
        # SPARQL allows \u escapes anywhere; pyoxigraph only decodes them in IRIs and strings,
        # but a checker must not depend on that.
        try:
            _scan(_unescape(text))
        except ValueError:
            raise Refused(400, "invalid \\u escape in the query") from None
    if is_update(text):
        raise Refused(403, UPDATE_REFUSED)


def _skipped(text: str, pos: int, iri: re.Pattern[str] = _IRI) -> int | None:
    """The end of the white space, comment, IRI, string or variable at `pos`; None if none starts there."""
    ch = text[pos]
    m = (_WS.match(text, pos) or _COMMENT.match(text, pos) or iri.match(text, pos)
         or (_STRING.match(text, pos) if ch in "\"'" else None) or (_VAR.match(text, pos) if ch in "?$" else None))
    return m.end() if m else None


def _after_name(text: str, end: int) -> int:
    """Past the local part when the word that ended at `end` is a prefix (`p:` or `p:local`)."""
    if not text.startswith(":", end):
        return end
    local = _LOCAL.match(text, end + 1)
    return local.end() if local else end + 1


def is_update(text: str) -> bool:
    """True if the first keyword after the prologue (BASE, PREFIX) starts a SPARQL Update."""
    pos, n = 0, len(text)
    while pos < n:
        m = _WS.match(text, pos) or _COMMENT.match(text, pos) or _IRI.match(text, pos)
        if m:
            pos = m.end()
            continue
        m = _WORD.match(text, pos)
        if not m:
            return False
        word = m.group().lower()
        pos = _after_name(text, m.end())  # past the prefix name in PREFIX p: <iri>
        if pos == m.end() and word not in ("base", "prefix"):
            return word in _UPDATE_WORDS
    return False


def names_dataset(text: str) -> bool:
    """True if the query has a FROM or FROM NAMED clause (then its dataset, not the union graph, applies)."""
    pos, n = 0, len(text)
    while pos < n:
        if (end := _skipped(text, pos)) is not None:
            pos = end
            continue
        m = _WORD.match(text, pos)
        if not m:
            pos += 1
            continue
        pos = _after_name(text, m.end())
        if pos == m.end() and m.group().lower() == "from":
            return True
    return False


# IRIREF as the grammar has it: never a brace, so an IRI misread where `<` was less-than hides no group.
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')


def where_group_end(text: str) -> int | None:
    """Where the WHERE group of a SELECT query closes (the index of its `}`); None for other forms or when unsure.

    The first brace outside brackets after SELECT opens the WHERE group (an EXISTS in a
    SELECT expression sits inside parentheses); strings, comments and IRIs are skipped.
    """
    pos, n = 0, len(text)
    form = None
    parens = depth = 0
    while pos < n:
        ch = text[pos]
        if (end := _skipped(text, pos, _IRIREF)) is not None:
            pos = end
            continue
        if form is None and (m := _WORD.match(text, pos)):
            pos = _after_name(text, m.end())
            word = m.group().lower()
            if pos == m.end() and word not in ("base", "prefix"):
                form = word
                if form != "select":
                    return None
            continue
        if ch == "(":
            parens += 1
        elif ch == ")":
            parens = max(0, parens - 1)
        elif ch == "{" and (depth or not parens):
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
            if depth == 0:
                return pos
        pos += 1
    return None
