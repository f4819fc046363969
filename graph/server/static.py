"""Serve files from the site folder and never from anywhere else.

The URL path is split into segments before percent-decoding, so an encoded
slash or dot-dot (%2F, %2e%2e) cannot form a path that leaves the folder; the
final path is resolved (symlinks followed) and must still lie inside the
resolved site folder, so a symlink pointing out of it is not followed either.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

_TYPES = {
    ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8", ".json": "application/json", ".ttl": "text/turtle; charset=utf-8",
    ".svg": "image/svg+xml", ".txt": "text/plain; charset=utf-8",
}


def resolve(site_dir: Path, url: str) -> Path | None:
    """The file a URL names inside site_dir, or None (answer 404) for anything else."""
    root = site_dir.resolve()
    parts = []
    for raw in urlsplit(url).path.split("/"):
        try:
            seg = unquote(raw, errors="strict")
        except UnicodeDecodeError:
            return None
        if seg in ("", "."):
            continue
        # No parent steps, no separators smuggled in encoded, no hidden files (.git, .env ...).
        if seg == ".." or seg.startswith(".") or any(c in seg for c in "/\\\x00"):
            return None
        parts.append(seg)
    try:
        target = root.joinpath(*parts).resolve(strict=True)
        if target.is_dir():
            target = (target / "index.html").resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a symlink loop
        return None
    if not target.is_file() or not target.is_relative_to(root):
        return None
    return target


def content_type(path: Path) -> str:
    return _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
