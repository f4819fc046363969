"""The query host: a process that keeps a project's stored graph open between `r2pkg query` commands.

A named query from the shell spends most of its time starting: Python, click, the
query modules, reading the stored graph back (README, "The main job and one query
from the shell"). The first `r2pkg query` on a project's own graph therefore starts a
host in the background; the next ones from the same folder, with the same r2pkg and
cache folder, hand their request to it instead of importing and reading everything
again (`connect`, called by graph/query_worker.py before click is imported).

The host:

- answers from the graph of the files as they are when a command starts: for every
  connection it computes the store's content key as graph.store_cache does and reads
  the store again when the key changed, so it never answers from a stale graph; it
  answers "no graph" (the command loads the files itself) when no store is written;
- runs each request in a forked child, as graph.server.sandbox.Worker does; it blocks
  its own network first, so nothing it runs can call out;
- listens on a Unix socket in a folder only its user may enter ($XDG_RUNTIME_DIR/r2pkg,
  else /tmp/r2pkg-UID), and answers that user alone (the peer's credentials);
- stops after R2PKG_QUERY_HOST seconds without a request (300 by default; 0 starts
  none and uses none), when its socket is removed, or when r2pkg's code changed.

It holds nothing the cache folder does not already hold on disk, and writes nothing
but its socket. Linux only (peer credentials and the network filter); elsewhere every
query runs in its own worker.
"""

from __future__ import annotations

import _socket  # the C module behind socket: socket.py's own imports (selectors, enum) cost a query 5 ms
import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: the command has not imported it yet
if TYPE_CHECKING:
    from pathlib import Path
    from socket import socket as Socket
    from typing import Any

IDLE = 300  # seconds a host waits for its next request before it stops
_ENV = "R2PKG_QUERY_HOST"
_HELLO_SECONDS = 5  # a client sends its hello as it connects; one that does not is dropped
_REQUEST_SECONDS = 600  # a client that connected and never asks (stopped in a terminal) frees its child
_LENGTH = 8  # bytes of a frame's length prefix


def idle_seconds() -> float:
    """R2PKG_QUERY_HOST: seconds a host waits for a request; 0 (or anything but a number) means no host."""
    raw = os.environ.get(_ENV)
    if raw is None:
        return IDLE
    try:
        seconds = float(raw)
    except ValueError:
        return 0
    return seconds if seconds > 0 else 0


def _identity() -> bytes:
    """What must be the same for a host's answer to be the command's: the folder it stands in (the
    project), the Python and the r2pkg it runs, and the environment that places the cache."""
    package = os.path.dirname(os.path.abspath(__file__))
    env = [os.environ.get(k, "") for k in ("R2PKG_CACHE_DIR", "XDG_CACHE_HOME", "HOME")]
    return "\0".join([os.getcwd(), sys.executable, sys.version, package, *env]).encode()


def socket_path() -> str | None:
    """The socket of the host for this folder, r2pkg and cache; None where no host can be had."""
    if not sys.platform.startswith("linux") or not hasattr(_socket, "SO_PEERCRED") or idle_seconds() == 0:
        return None
    import zlib

    try:
        identity = _identity()
    except OSError:  # the working folder is gone
        return None
    name = f"{zlib.crc32(identity):08x}{zlib.adler32(identity):08x}.sock"  # a clash only costs speed: see hello
    path = os.path.join(socket_folder(), name)
    return path if len(path.encode()) < 100 else None  # sun_path holds 108 bytes


def socket_folder() -> str:
    """Where hosts listen: $XDG_RUNTIME_DIR/r2pkg (the user's own folder for sockets), else /tmp/r2pkg-UID.
    Not in the cache folder, whose paths may be longer than a socket's address may be."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    return os.path.join(runtime, "r2pkg") if runtime else os.path.join("/tmp", f"r2pkg-{os.getuid()}")


def _peer(conn: Socket | _socket.socket) -> tuple[int, int]:
    """The process id and user id at the other end of a Unix socket."""
    import struct

    creds = conn.getsockopt(_socket.SOL_SOCKET, _socket.SO_PEERCRED, struct.calcsize("3i"))
    pid, uid, _ = struct.unpack("3i", creds)
    return pid, uid


def _send(conn: Socket | _socket.socket, data: bytes) -> None:
    conn.sendall(len(data).to_bytes(_LENGTH, "big") + data)


def _receive(conn: Socket | _socket.socket) -> bytes | None:
    """One frame, or None at the end of the stream (the other side closed, or died)."""
    head = _exactly(conn, _LENGTH)
    return None if head is None else _exactly(conn, int.from_bytes(head, "big"))


def _exactly(conn: Socket | _socket.socket, n: int) -> bytes | None:
    chunks, left = [], n
    while left:
        chunk = conn.recv(min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def project_store_folder() -> Path:
    """The folder of the project's derived graph as its files are now (commands.options.load_inputs without
    --input reads and writes it): what the forked worker and the host open."""
    from graph.deriving import rule_files
    from graph.project import current_project
    from graph.store_cache import store_folder

    project = current_project()
    return store_folder(project.inputs(), project.derive_options, rules=rule_files(project))


# --- the command's side ----------------------------------------------------------------------------


class HostConnection:
    """A request to the host, with the interface of graph.server.sandbox.Worker (`run`, `close`)."""

    def __init__(self, conn: _socket.socket) -> None:
        self._conn = conn
        self.finished = False

    def run(self, fn: Any, *args: Any) -> Any:
        """fn(graph, *args) in the host's child; its result or an InputError; NoGraph when the host holds no
        graph of these files (none stored yet), or stopped or died before it answered: the command then
        loads the files itself, and reports what went wrong as it would have without a host."""
        import pickle

        from graph.server.sandbox import NoGraph, unpack_answer

        try:
            _send(self._conn, pickle.dumps((fn, args)))
            data = _receive(self._conn)
        except OSError:
            data = None
        finally:
            self.close()
        if data is None:
            raise NoGraph
        return unpack_answer(pickle.loads(data))

    def close(self) -> None:
        if not self.finished:
            self.finished = True
            self._conn.close()


def _dial() -> tuple[_socket.socket, int] | None:
    """A connection to the host for this folder and its process id, if one of our own user is listening."""
    path = socket_path()
    if path is None:
        return None
    conn = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        conn.connect(path)
        pid, uid = _peer(conn)
    except OSError:  # no host (not started, stopped, killed and its socket left behind)
        conn.close()
        return None
    if uid != os.getuid():  # not a host of ours: never send it anything
        conn.close()
        return None
    return conn, pid


def connect() -> HostConnection | None:
    """A connection to the host for this folder if one is running (it starts opening the graph at once)."""
    dialled = _dial()
    if dialled is None:
        return None
    conn = dialled[0]
    try:
        _send(conn, _identity())
    except OSError:  # it stopped as we came
        conn.close()
        return None
    return HostConnection(conn)


def host_pid() -> int | None:
    """The process id of the host for this folder, if one is running (for a benchmark or a test to stop it)."""
    dialled = _dial()
    if dialled is None:
        return None
    dialled[0].close()
    return dialled[1]


def start_host() -> None:
    """Start the host for this folder in the background, detached from the command's terminal and pipes."""
    path = socket_path()
    if path is None:
        return
    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        st = os.lstat(folder)
        if not os.path.isdir(folder) or os.path.islink(folder) or st.st_uid != os.getuid() or st.st_mode & 0o077:
            return  # a folder others may enter or have placed (in /tmp): no host in it
        pid = os.fork()
    except OSError:
        return
    if pid == 0:  # a child that starts the host in a session of its own, then leaves
        try:
            os.setsid()
            if os.fork() == 0:
                null = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):  # never hold the caller's pipes: `$(r2pkg query ...)` ends with the command
                    os.dup2(null, fd)
                package_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
                os.execv(sys.executable, [sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                                          "from graph.query_host import main; main(sys.argv[2])",
                                          package_parent, path])
        finally:
            os._exit(0)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


# --- the host's side ---------------------------------------------------------------------------------


def main(path: str) -> None:
    """The host's process: serve `path` until idle, displaced or out of date."""
    from graph.code_digest import code_digest

    code = code_digest()  # before the code is imported: an edit from here on stops the host at its next request
    import signal

    from graph.server.sandbox import block_network

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the session's Ctrl-C is not ours: idleness stops us
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stopped: the socket is removed on the way out
    block_network()  # before anything is read: every child inherits the filter
    try:
        listener, inode = _listen(path)
    except OSError:  # another host serves this folder, or the socket cannot be made
        return
    try:
        Host(path, listener, inode, code).serve(idle_seconds())
    finally:
        listener.close()
        if _owns(path, inode):
            os.unlink(path)


def _listen(path: str) -> tuple[Socket, int]:
    """A listening socket at `path` and the file's inode, unless a host answers there already (then OSError)."""
    import socket

    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(path)
    except OSError:
        pass  # nobody: a socket left by a killed host is replaced below
    else:
        probe.close()
        raise OSError("a host serves this folder")
    probe.close()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    staging = f"{path}.{os.getpid()}"
    try:
        listener.bind(staging)
        listener.listen(16)
        os.rename(staging, path)  # in place at once: a command never finds half a host
    except OSError:
        listener.close()
        if os.path.exists(staging):
            os.unlink(staging)
        raise
    return listener, os.stat(path).st_ino


def _owns(path: str, inode: int) -> bool:
    """Whether the socket file at `path` is still this host's (not removed, not another host's since)."""
    try:
        return os.stat(path).st_ino == inode
    except OSError:
        return False


class Host:
    """The loop of a host: one connection at a time for the graph, one child per request for the query."""

    def __init__(self, path: str, listener: Socket, inode: int, code: str) -> None:
        import signal

        self.path, self.listener, self.inode, self.code = path, listener, inode, code
        self.identity = _identity()
        self.held: tuple[Path | None, Any] = (None, None)  # the store folder read last, and its graph
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
        import graph.guard  # noqa: F401  (what a request runs, imported once for every child)
        import graph.query_results  # noqa: F401

    def serve(self, idle: float) -> None:
        import time

        self.listener.settimeout(min(idle, 5))
        last = time.monotonic()
        while True:
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                if time.monotonic() - last >= idle or not _owns(self.path, self.inode):
                    return
                continue
            last = time.monotonic()
            with conn:
                if not self._answer(conn):
                    return

    def _answer(self, conn: Socket) -> bool:
        """Fork a child that answers this connection; False when the host must stop (its code changed)."""
        from graph.code_digest import code_digest

        conn.settimeout(_HELLO_SECONDS)
        try:
            if _peer(conn)[1] != os.getuid() or _receive(conn) != self.identity:
                return True  # another user, or another folder or r2pkg that shares the socket's name
        except OSError:
            return True
        current = code_digest() == self.code
        graph = self._graph() if current else None
        if os.fork() == 0:
            code = 1
            try:
                self.listener.close()
                code = _serve_request(conn, graph)
            finally:
                os._exit(code)
        return current

    def _graph(self) -> Any:
        """The project's stored graph as its files are now: the one held if its key is unchanged, else read."""
        import gc

        from graph import store_cache
        from graph.queries import named_queries

        try:
            folder = project_store_folder()
            if folder != self.held[0] or self.held[1] is None:  # changed, or written since
                self.held = (folder, store_cache.read_store(folder))
                gc.unfreeze()  # what the last graph left is collected, the rest kept out of the collector's
                gc.collect()  # way: a child then writes to fewer of the host's pages
                gc.freeze()
            named_queries()  # read (or found unchanged) here, once, rather than in every child
        except Exception:  # a broken project or store: the command loads the files and says what is wrong
            self.held = (None, None)
        return self.held[1]


def _serve_request(conn: Socket, graph: Any) -> int:
    """In the host's child: read the one request on `conn`, answer it; the exit code."""
    import faulthandler
    import gc
    import pickle

    from graph.server.sandbox import confined_answer

    gc.disable()  # one request, then _exit
    faulthandler.disable()  # a crash ends the connection; the command then runs the query itself and reports it
    conn.settimeout(_REQUEST_SECONDS)
    request = _receive(conn)
    if request is None:  # the command needed no graph after all (--help, --input, an error)
        return 0
    fn, args = pickle.loads(request)  # a peer of our own user (checked by the host)
    answer = ("no graph", None) if graph is None else confined_answer(fn, (graph, *args))
    try:
        data = pickle.dumps(answer)
    except Exception as e:  # a result that cannot be sent is still one line
        data = pickle.dumps(("error", (f"the query failed: {e}", None, None)))
    _send(conn, data)
    return 0
