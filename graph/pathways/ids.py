"""Stable identifiers of derived resources: readable slugs and content hashes, never counters or timestamps."""

from __future__ import annotations

import hashlib
from functools import lru_cache

DERIVED_BASE = "https://w3id.org/r2pkg/resource/derived/"
_RESOURCE_BASE = "https://w3id.org/r2pkg/resource/"


def digest(*parts: str, size: int = 12) -> str:
    """A short content hash: the stable part of derived IRIs."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:size]


@lru_cache(maxsize=1 << 16)
def slug(iri: str) -> str:
    """A readable IRI fragment: the local name of a project resource, else a hash."""
    if iri.startswith(DERIVED_BASE):
        iri = _RESOURCE_BASE + iri[len(DERIVED_BASE):]
    if iri.startswith(_RESOURCE_BASE):
        local = iri[len(_RESOURCE_BASE):]
        cleaned = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in local)
        if cleaned:
            return cleaned
    return "h" + digest(iri, size=10)


def safe(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text)
