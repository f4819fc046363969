"""What checks report: a Finding (severity, check, focus node, message, file) and a Report of them.

Its own module so that every check (validation, faithfulness, tours) can make
findings without importing the module that runs them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SEVERITIES = ("ERROR", "WARNING", "INFO")


@dataclass(frozen=True, order=True)
class Finding:
    severity: str
    check: str
    focus: str
    message: str
    file: str = ""


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    unchecked: dict[str, str] = field(default_factory=dict)  # document slug -> why its quotes were not checked
    engine: str = ""  # what evaluated the SHACL shapes (a key of graph.validation.ENGINES)
    shacl_run: str = ""  # which subjects the SHACL check re-checked, when it reused earlier findings

    def unchecked_line(self) -> str:
        """'quotes NOT checked: ...' for a summary line, '' when every quote was checked against its text."""
        return ("quotes NOT checked against the source text: " + "; ".join(self.unchecked.values())
                if self.unchecked else "")

    @property
    def ok(self) -> bool:
        return not any(f.severity == "ERROR" for f in self.findings)

    def by_severity(self, severity: str) -> list[Finding]:
        return sorted(f for f in self.findings if f.severity == severity)

    def counts(self) -> dict[str, int]:
        return {s: len(self.by_severity(s)) for s in SEVERITIES}


def file_of(kg, iri: str) -> str:
    """The file a finding's node came from ('' when unknown), for the finding's `file`."""
    path = kg.origin(iri)
    return str(path) if path else ""


def where(finding: Finding) -> str:
    """`file:line` of the finding's node, as editors and terminals open it: the line where the file first writes
    its focus as a subject (`r2pr:claim-p12-02 a ...`); the file alone when no line starts with it."""
    if not finding.file:
        return ""
    lines = _subject_lines(finding.file)
    line = lines.get(finding.focus)
    return f"{finding.file}:{line}" if line else finding.file


_LINES: dict[tuple[str, int, int], dict[str, int]] = {}


def _subject_lines(path: str) -> dict[str, int]:
    """Subject (as written at the start of a line) -> its first line number, for one file, read once per
    version of it (its size and modification time: a file rewritten in the same process is read again)."""
    import os

    try:
        st = os.stat(path)
    except OSError:
        return {}
    key = (path, st.st_size, st.st_mtime_ns)
    if key not in _LINES:
        found: dict[str, int] = {}
        try:
            with open(path, encoding="utf-8") as f:
                for n, text in enumerate(f, start=1):
                    if text[:1] not in (" ", "\t", "#", "@", "\n", "") and (head := text.split(None, 1)):
                        found.setdefault(head[0], n)
        except (OSError, UnicodeDecodeError):
            pass
        _LINES[key] = found
    return _LINES[key]
