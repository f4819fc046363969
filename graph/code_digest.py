"""The digest of r2pkg's own code, which every cached result depends on.

It imports no other module of r2pkg, so that a query host can take the digest of its
code before it imports that code (graph/query_host.py).
"""

from __future__ import annotations

import os

_PACKAGE = os.path.dirname(os.path.realpath(__file__))


def code_digest() -> str:
    """What the derived layer depends on in the package itself: its Python code and SPARQL rules.

    By size and modification time, not content: reading every module on each command cost more than
    the query (an edit, a checkout or an install changes the time).
    """
    import hashlib

    found = []
    for folder, subfolders, names in os.walk(_PACKAGE):  # os.walk: a tenth of Path.rglob's time here
        subfolders[:] = [d for d in subfolders if d != "__pycache__"]
        found += [os.path.join(folder, n) for n in names if n.endswith((".py", ".rq"))]
    h = hashlib.sha256()
    for path in sorted(found):
        st = os.stat(path)
        h.update(f"{os.path.relpath(path, _PACKAGE)}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()
