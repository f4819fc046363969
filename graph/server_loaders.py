"""Handing the built graph to a server's own bulk loader on the same machine: `oxigraph load`, Virtuoso's ld_dir.

Over HTTP a server parses and indexes what it is sent inside its request
handling (Oxigraph: in one transaction for a PUT); its own loader reads a
file at full speed. Both ways here write the graph's N-Triples (graph.remote's
writer), hand the file to the loader, check what the loader says, and replace
the target graph as `push` does over HTTP. Neither is atomic: the old graph is
dropped first, then the new one loaded.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pyoxigraph as ox

from graph.errors import InputError
from graph.remote import write_ntriples

VIA = ("oxigraph-load", "virtuoso-bulk")
_STOP_THE_SERVER = ("stop the server, push, then start it again (or push to the running server with "
                    "--via oxigraph-bulk)")


def _graph_iri(graph: str) -> str:
    try:
        return str(ox.NamedNode(graph))
    except ValueError:
        raise InputError(f"--graph {graph!r} is not an IRI") from None


def _first_error(text: str, marker: str = "Error") -> str:
    """The first line of a tool's output that reports an error (Rust's backtrace lines are not the message)."""
    for line in text.splitlines():
        if marker in line and not line.lstrip()[:1].isdigit():
            return line.strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else "no message"


# --- Oxigraph: `oxigraph load` into the store folder a server opens ------------------------------------------

def oxigraph_binary() -> str:
    """The `oxigraph` command of the PyPI package (on PATH, or beside this Python)."""
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not os.access(found, os.X_OK):
        raise InputError("--via oxigraph-load needs the `oxigraph` command (pip install oxigraph)")
    return found


def check_oxigraph_location(location: Path) -> bool:
    """Refuse a location `oxigraph load` cannot write, in one line; whether a store is already there.

    An Oxigraph store is a RocksDB folder; a read-write `oxigraph serve` holds its
    LOCK file, so the loader cannot open it while the server runs.
    """
    if location.exists() and not location.is_dir():
        raise InputError(f"--location {location}: not a folder (give the folder `oxigraph serve --location` opens)")
    if not location.exists():
        if not location.parent.is_dir():
            raise InputError(f"--location {location}: its parent folder does not exist")
        return False
    if not any(location.iterdir()):
        return False
    if not (location / "CURRENT").is_file():
        raise InputError(f"--location {location}: not an Oxigraph store (no RocksDB CURRENT file); give the folder "
                         "`oxigraph serve --location` opens, or a new folder")
    lock = location / "LOCK"
    if lock.exists():
        with open(lock, "rb+") as f:
            try:
                fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.lockf(f, fcntl.LOCK_UN)
            except OSError:
                raise InputError(f"--location {location}: the store is open in another process (a running "
                                 f"`oxigraph serve`?): {_STOP_THE_SERVER}") from None
    return True


def _oxigraph(args: list[str], location: Path, seconds: float) -> None:
    env = {**os.environ, "RUST_BACKTRACE": "0"}
    try:
        done = subprocess.run([oxigraph_binary(), *args], capture_output=True, text=True, env=env, timeout=seconds)
    except subprocess.TimeoutExpired:
        raise InputError(f"`oxigraph {args[0]}` did not finish within {seconds:g} s") from None
    if done.returncode != 0 or "Error while loading" in done.stderr:
        if "lock file" in done.stderr.lower():
            raise InputError(f"--location {location}: the store is open in another process (a running "
                             f"`oxigraph serve`?): {_STOP_THE_SERVER}")
        raise InputError(f"`oxigraph {args[0]}` failed: {_first_error(done.stderr)}")


def oxigraph_load_file(path: str, location: Path, graph: str | None = None, seconds: float = 3600) -> None:
    """Replace the graph (default, or `graph`) of the store at `location` with the N-Triples of `path`."""
    exists = check_oxigraph_location(location)
    if exists:
        drop = f"DROP SILENT GRAPH {_graph_iri(graph)}" if graph else "CLEAR SILENT DEFAULT"
        _oxigraph(["update", "--location", str(location), "--update", drop], location, seconds)
    _oxigraph(["load", "--location", str(location), "--file", path, "--format", "application/n-triples",
               *(["--graph", graph] if graph else [])], location, seconds)


def oxigraph_load(kg, location: str | Path, graph: str | None = None, seconds: float = 3600) -> int:
    """Replace a graph of the Oxigraph store folder `location` with the built graph, by `oxigraph load`.

    The store must not be open in a read-write server (refused in one line
    before anything is written): load, then start `oxigraph serve --location`
    on it. The number of triples loaded.
    """
    location = Path(location).expanduser().resolve()
    check_oxigraph_location(location)  # before the dump is written: a wrong folder costs nothing
    if graph:
        _graph_iri(graph)
    fd, path = tempfile.mkstemp(suffix=".nt", prefix="r2pkg-push-")
    os.close(fd)
    try:
        n = write_ntriples(kg, path)
        oxigraph_load_file(path, location, graph, seconds)
    finally:
        os.unlink(path)
    return n


# --- Virtuoso: ld_dir + rdf_loader_run + checkpoint through isql ------------------------------------------------

def isql_binary() -> str:
    """Virtuoso's interactive SQL client (Debian names it isql-vt; unixODBC's `isql` is another program)."""
    for name in ("isql-vt", "isql-v"):
        if found := shutil.which(name):
            return found
    raise InputError("--via virtuoso-bulk needs Virtuoso's isql (Debian: isql-vt in virtuoso-opensource-7-bin)")


def _sql_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def _isql(statements: list[str], port: str, user: str, password: str, seconds: float) -> str:
    """Run the statements in one session; its output, or one InputError naming what Virtuoso refused."""
    # The password goes on isql's command line (it reads it nowhere else) for the seconds the load takes.
    cmd = [isql_binary(), port, user, password, "BANNER=OFF", "VERBOSE=OFF", "exec=" + " ".join(statements)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds)
    except subprocess.TimeoutExpired:
        raise InputError(f"Virtuoso's loader did not finish within {seconds:g} s") from None
    errors = [line for line in (done.stderr + done.stdout).splitlines() if line.startswith("*** Error")]
    if done.returncode != 0 or errors:
        text = errors[0] if errors else _first_error(done.stderr + done.stdout)
        if "CL034" in text or "Bad login" in text:
            raise InputError(f"Virtuoso at SQL port {port} refused user {user!r}: check the password")
        if "CL033" in text or "Connect failed" in text:
            raise InputError(f"cannot reach Virtuoso's SQL port {port} (--isql-port; [Parameters] ServerPort "
                             "in virtuoso.ini)")
        if "FA003" in text or "access control" in text:
            raise InputError("Virtuoso may not read the dump folder: add it to DirsAllowed ([Parameters] in "
                             "virtuoso.ini) or give --dump-dir a folder listed there")
        reason = re.sub(r"^[*]+ Error \S+ ", "", text)
        raise InputError(f"Virtuoso refused the load: {reason}")
    return done.stdout


def virtuoso_load_file(path: str, graph: str, *, port: str = "1111", user: str = "dba", password: str = "",
                       seconds: float = 3600) -> None:
    """Replace named graph `graph` in Virtuoso with the N-Triples file `path` (which Virtuoso must be allowed
    to read: a folder of DirsAllowed), by its bulk loader, and check the loader's error table."""
    iri = _graph_iri(graph)
    folder, name = os.path.split(os.path.abspath(path))
    row = f"DB.DBA.load_list WHERE ll_file = {_sql_string(os.path.join(folder, name))}"
    # First the file is listed (a folder Virtuoso may not read is refused here, before the old graph is touched),
    # then the graph cleared and the loader run. rdf_loader_run also loads any file listed earlier and not loaded.
    listed = _isql([f"DELETE FROM {row};", f"ld_dir({_sql_string(folder)}, {_sql_string(name)}, {_sql_string(graph)});",
                    f"SELECT 'R2PKG-LISTED', count(*) FROM {row};"], port, user, password, seconds)
    if not any(line.split()[1:2] == ["1"] for line in listed.splitlines() if line.startswith("R2PKG-LISTED")):
        raise InputError(f"Virtuoso's loader did not list {name} (ld_dir found nothing: does Virtuoso see the "
                         "folder, on this machine?)")
    out = _isql([
        "log_enable(3, 1);", f"SPARQL CLEAR GRAPH {iri};", "rdf_loader_run();", "checkpoint;",
        f"SELECT 'R2PKG-LOAD', ll_state, replace(coalesce(ll_error, ''), '\\n', ' ') FROM {row};",
        f"DELETE FROM {row};"], port, user, password, seconds)
    state = [line.split(None, 2) for line in out.splitlines() if line.startswith("R2PKG-LOAD")]
    if not state:
        raise InputError(f"Virtuoso's loader left no record of {name}")
    fields = state[0] + ["", ""]
    if fields[1] != "2" or fields[2].strip():
        # Nothing half-written stays: the graph the loader filled in part is emptied.
        _isql(["log_enable(3, 1);", f"SPARQL CLEAR GRAPH {iri};"], port, user, password, seconds)
        detail = fields[2].strip() or f"load state {fields[1]}"
        raise InputError(f"Virtuoso's loader failed on {name}: {detail}; graph {iri} was left empty")


def virtuoso_bulk(kg, dump_dir: str | Path, graph: str | None, *, port: str = "1111", user: str = "dba",
                  password: str = "", seconds: float = 3600) -> int:
    """Replace named graph `graph` in a Virtuoso on this machine with the built graph, by its bulk loader.

    The dump is written into `dump_dir`, which Virtuoso's DirsAllowed must list,
    readable by the server's user, and removed afterwards. The number of triples loaded.
    """
    if not graph:
        raise InputError("--via virtuoso-bulk needs --graph IRI (Virtuoso's loader fills a named graph)")
    _graph_iri(graph)
    folder = Path(dump_dir).expanduser().resolve()
    if not folder.is_dir():
        raise InputError(f"--dump-dir {dump_dir}: not a folder (give one that DirsAllowed in virtuoso.ini lists)")
    try:
        fd, path = tempfile.mkstemp(suffix=".nt", prefix="r2pkg-push-", dir=folder)
    except OSError as e:
        raise InputError(f"--dump-dir {dump_dir}: cannot write there ({e.strerror})") from None
    os.close(fd)
    try:
        os.chmod(path, 0o644)  # the server may run as another user
        n = write_ntriples(kg, path)
        virtuoso_load_file(path, graph, port=port, user=user, password=password, seconds=seconds)
    finally:
        os.unlink(path)
    return n


__all__ = ["VIA", "check_oxigraph_location", "oxigraph_load", "oxigraph_load_file", "virtuoso_bulk",
           "virtuoso_load_file"]
