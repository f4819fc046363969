"""User-facing errors: one clear message with the file and line where there is one."""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (nor pathlib): `r2pkg query` forks after this
if TYPE_CHECKING:
    from pathlib import Path


class InputError(Exception):
    """Input the user can fix: unreadable or malformed file, unknown name, bad parameter."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"
