"""A named query's rows come in one order, whatever store answers: its ORDER BY leaves no ties.

Two rows that agree on every ORDER BY key may come in either order, and did: the same query
on two builds of the same data listed the same rows differently. So each query is run with its
ORDER BY followed by every projected variable, ascending, then descending: tied rows would swap.
"""

from __future__ import annotations

import re

import pytest

from graph.queries import named_queries, run_query

_ORDER = re.compile(r"(ORDER\s+BY\s.*?)(\s+(?:LIMIT|OFFSET)\s+\d+.*)?\s*$", re.IGNORECASE | re.DOTALL)


def _ordered(query_id: str) -> bool:
    return bool(_ORDER.search(named_queries()[query_id].body))


@pytest.mark.parametrize("query_id", sorted(q for q in named_queries() if _ordered(q)))
def test_order_by_leaves_no_ties(repo_graph, query_id):
    q = named_queries()[query_id]
    required = {k: v for k, v in q.example_values().items() if any(p.name == k and p.required for p in q.params)}
    checked = 0
    # with only the required parameters (an optional one's default), and with every example of the header
    for params in [required] + ([q.example_values()] if q.example_values() != required else []):
        first = run_query(repo_graph, query=q, params=params)
        if first.kind != "SELECT" or len(first.rows) < 2:
            continue

        def rows(direction: str, params=params, first=first) -> list[list[str]]:
            tail = " ".join(f"{direction}(?{v})" for v in first.variables)
            body = _ORDER.sub(lambda m: f"{m.group(1)} {tail}{m.group(2) or ''}\n", q.body)
            result = run_query(repo_graph, query=type(q)(q.id, q.title, q.description, body, q.params),
                               params=params)
            return [[str(r.get(v)) for v in first.variables] for r in result.rows]

        checked += 1
        assert rows("ASC") == rows("DESC"), (
            f"{query_id} {params}: rows tie on its ORDER BY keys, so their order is the store's; add a key that "
            "separates them")
    if not checked:
        pytest.skip(f"{query_id}: fewer than two rows to order")
