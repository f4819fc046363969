"""The derivation's options: one set of defaults, the project's [derive] table over them, the user's flags over that.

Every command that derives (``build``, ``query``, ``pathways``, ``stats``,
``serve``) and the library API take their options from here, so a project that
says ``max_steps = 2`` gets two-step pathways everywhere unless a flag the
user gives says otherwise. The defaults are written here and nowhere else.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.errors import InputError

if TYPE_CHECKING:
    from graph.project import Project

DEFAULTS: dict[str, Any] = {"max_steps": 4, "include_hypothetical": False}
DEFAULT_MAX_STEPS: int = DEFAULTS["max_steps"]


def _check(key: str, value: object, where: Path | None) -> None:
    if key == "max_steps" and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise InputError(f"[derive] max_steps must be a whole number of at least 1, not {value!r}", where)
    if key == "include_hypothetical" and not isinstance(value, bool):
        raise InputError(f"[derive] include_hypothetical must be true or false, not {value!r}", where)


def derive_options(project: Project | None = None, **flags: Any) -> dict[str, Any]:
    """The defaults, then the project's [derive] table, then the flags given (a flag that is None is not given)."""
    table = dict(project.derive_options) if project is not None else {}
    where = project.config if project is not None else None
    for key, value in table.items():
        _check(key, value, where)
    given = {k: v for k, v in flags.items() if v is not None}
    for key, value in given.items():
        _check(key, value, None)
    return {**DEFAULTS, **table, **given}
