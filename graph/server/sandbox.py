"""Confine a query worker: no outgoing network, die with the server, keep no server sockets.

Defence in depth behind graph.guard: pyoxigraph has no option to turn
SERVICE off (no service handler in the Python API), so the worker installs a
seccomp filter that makes socket(AF_INET/AF_INET6) fail with EACCES. A SERVICE
call that got past the guard then fails instead of fetching anything. Workers
talk to the server over pipes, so they need no network at all.
Linux only (x86_64, aarch64); elsewhere the guard alone applies.

`Worker` is such a child for one call: `r2pkg query` forks it before it has imported
anything it can do without (graph/query_worker.py), so ctypes is imported only where
it is used.
"""

from __future__ import annotations

import errno
import faulthandler
import gc
import os
import stat
import sys
import warnings

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing, nor collections (see Worker)
if TYPE_CHECKING:
    import ctypes
    from collections.abc import Callable
    from typing import Any

_PR_SET_PDEATHSIG = 1
_PR_SET_SECCOMP = 22
_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_LD_W_ABS, _JEQ_K, _RET_K = 0x20, 0x15, 0x06
_AF_INET, _AF_INET6 = 2, 10
# machine -> (AUDIT_ARCH_*, socket syscall numbers; x86_64 also has the x32 ABI number)
_ARCHES = {
    "x86_64": (0xC000003E, (41, 0x40000000 | 41)),
    "aarch64": (0xC00000B7, (198, 198)),
}


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def block_network() -> bool:
    """Make socket(AF_INET or AF_INET6) fail in this process and its threads; True if installed."""
    import ctypes

    class _Filter(ctypes.Structure):
        _fields_ = [
            ("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint),
        ]

    class _Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Filter))]

    arch = _ARCHES.get(os.uname().machine)
    libc = _libc()
    if arch is None or libc is None:
        return False
    audit_arch, (nr, nr_alt) = arch
    deny = _RET_ERRNO | errno.EACCES
    program = [
        (_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
        (_JEQ_K, 1, 0, audit_arch),
        (_RET_K, 0, 0, _RET_ALLOW),  # another ABI: leave alone
        (_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
        (_JEQ_K, 1, 0, nr),
        (_JEQ_K, 0, 3, nr_alt),
        (_LD_W_ABS, 0, 0, 16),  # seccomp_data.args[0] low word (both arches are little-endian)
        (_JEQ_K, 2, 0, _AF_INET),
        (_JEQ_K, 1, 0, _AF_INET6),
        (_RET_K, 0, 0, _RET_ALLOW),
        (_RET_K, 0, 0, deny),
    ]
    filters = (_Filter * len(program))(*(_Filter(*ins) for ins in program))
    prog = _Prog(len(program), filters)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) == 0


def die_with_parent() -> None:
    """Ask the kernel to kill this process when the server dies, even by SIGKILL (Linux)."""
    libc = _libc()
    if libc is not None:
        libc.prctl(_PR_SET_PDEATHSIG, 9, 0, 0, 0)  # SIGKILL


def drop_inherited_sockets() -> None:
    """Point every inherited socket at /dev/null.

    A forked worker inherits the listening socket and open client connections;
    holding them would keep the port bound and connections half-open after the
    server let go. dup2 rather than close: Python objects still own those fd
    numbers and may close them later, which must not hit a reused descriptor.
    """
    fd_dir = "/proc/self/fd"
    if not os.path.isdir(fd_dir):
        return
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for name in os.listdir(fd_dir):
            fd = int(name)
            try:
                if fd != null and stat.S_ISSOCK(os.fstat(fd).st_mode):
                    os.dup2(null, fd)
            except OSError:
                continue
    finally:
        os.close(null)


def confine_worker() -> bool:
    """Everything a freshly forked query worker does first; True if the network block is on."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the server, which stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent()
    drop_inherited_sockets()
    return block_network()



def confined_answer(fn: Callable[..., Any], args: tuple) -> tuple[str, Any]:
    """fn(*args) as an answer to send: ("ok", value) or ("error", (message, path, line)); never raises."""
    from graph.errors import InputError

    try:
        return ("ok", fn(*args))
    except InputError as e:
        return ("error", (e.message, e.path, e.line))
    except OSError as e:  # the engine does no I/O of its own here: a network call the filter refused
        return ("error", (f"refused: the query tried to reach the network ({e})", None, None))
    except Exception as e:  # anything else is still one line for the user, not a traceback
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        return ("error", (f"the query failed: {first}", None, None))


def unpack_answer(answer: tuple[str, Any]) -> Any:
    """The value of an answer `confined_answer` made (or "no graph"): returned, or raised as an InputError
    or NoGraph."""
    from graph.errors import InputError

    status, value = answer
    if status == "no graph":
        raise NoGraph
    if status == "error":
        message, path, line = value
        raise InputError(message, path, line)
    return value


class NoGraph(Exception):
    """The worker has no graph for the request (none stored yet, or one it could not read): the caller
    loads the graph itself."""


class Worker:
    """A forked child that holds a graph and runs one function on it, without outgoing network.

    The child blocks the network, calls `open_graph()` while the caller goes on with its
    own work, then waits for the one request `run` sends: `fn(graph, *args)`, its result
    sent back pickled. `r2pkg query` starts one before it reads its command line
    (graph/query_worker.py), so opening the stored graph and starting the command overlap;
    `run_confined` starts one on a graph the caller holds already. An engine crash (a
    stack overflow in the parser) becomes one line instead of killing the command. The
    child ignores Ctrl-C: the caller stops it (its death kills the child). A bare fork and
    pipes, not multiprocessing: its import alone cost a shell query a tenth of its time.
    """

    def __init__(self, open_graph: Callable[[], Any], what: str = "the query") -> None:
        import signal

        from graph.errors import InputError

        self.what = what
        self.finished = False  # True once it has answered or been stopped
        request_r, self._request = os.pipe()
        self._answer, answer_w = os.pipe()
        parent = os.getpid()
        # Ctrl-C is held back across the fork: the child must never raise KeyboardInterrupt into the caller's code.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads: the child only runs fn
                self.pid = os.fork()
        except OSError as e:
            for fd in (request_r, self._request, self._answer, answer_w):
                os.close(fd)
            raise InputError(f"could not start the worker for {what}: {e}") from None
        finally:
            if os.getpid() == parent:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        if self.pid == 0:  # the child: never returns into the caller's code
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
                os.close(self._request)
                os.close(self._answer)
                self._serve(open_graph, request_r, answer_w, parent)
            finally:
                os._exit(1)  # _serve exits itself; this is for anything raised before it
        os.close(request_r)
        os.close(answer_w)

    @staticmethod
    def _serve(open_graph: Callable[[], Any], request_r: int, answer_w: int, parent: int) -> None:
        import pickle

        from graph.errors import InputError

        code = 0
        try:
            gc.disable()  # one call, then _exit: collecting cycles only cost a shell query 5% of its time
            faulthandler.disable()  # a crash is reported by the parent in one line, not as a C-level stack dump
            die_with_parent()
            if os.getppid() != parent:  # the parent died before the line above: nobody will ask
                os._exit(0)
            block_network()  # first: the threads opening a store starts (RocksDB's) inherit the filter
            try:
                graph, failed = open_graph(), None
            except InputError as e:  # the project itself is wrong: that is the request's answer
                graph, failed = None, e
            except Exception:  # a store gone or unreadable: the caller loads the graph itself
                graph, failed = None, None
            with os.fdopen(request_r, "rb") as requests:
                request = requests.read()
            if not request:  # the caller closed without asking (it ran nothing embedded)
                os._exit(0)
            fn, args = pickle.loads(request)
            answer: tuple[str, Any]
            if failed is not None:
                answer = ("error", (failed.message, failed.path, failed.line))
            elif graph is None:
                answer = ("no graph", None)
            else:
                answer = confined_answer(fn, (graph, *args))
            try:
                data = pickle.dumps(answer)
            except Exception as e:  # a result that cannot be sent is still one line
                data = pickle.dumps(("error", (f"the query failed: {e}", None, None)))
            with os.fdopen(answer_w, "wb") as out:
                out.write(data)
        except BaseException:
            code = 1
        finally:
            os._exit(code)

    def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """fn(graph, *args) in the child; its result, or an InputError (NoGraph if it has no graph). Once.

        `fn` and `args` are pickled: `fn` must be a module-level function of a module the child can
        import cheaply (not a command module, which imports click)."""
        import pickle

        from graph.errors import InputError

        request, self._request = self._request, -1  # each pipe end is closed by its file object below
        try:
            with os.fdopen(request, "wb") as out:
                out.write(pickle.dumps((fn, args)))
        except BrokenPipeError:  # the child is gone: its status says why, below
            pass
        answer_fd, self._answer = self._answer, -1
        with os.fdopen(answer_fd, "rb") as answer:
            data = answer.read()
        _, status = os.waitpid(self.pid, 0)
        self.finished = True
        if os.WIFSIGNALED(status):  # whatever it sent before (a killed child may have sent half an answer)
            import signal

            sig = os.WTERMSIG(status)
            name = signal.Signals(sig).name if sig in set(signal.Signals) else f"signal {sig}"
            raise InputError(f"the SPARQL engine crashed on {self.what} ({name}); simplify it")
        try:
            answer = pickle.loads(data)
        except Exception:
            raise InputError(f"the SPARQL engine stopped on {self.what} (exit code {os.WEXITSTATUS(status)})") from None
        return unpack_answer(answer)

    def close(self) -> None:
        """Stop the child, asked or not (it has written nothing that must be finished); after `run`, nothing.

        Also after a `run` that Ctrl-C cut short: the pipe ends it still holds are closed, the child reaped."""
        if self.finished:
            return
        self.finished = True
        for fd in (self._request, self._answer):
            if fd >= 0:
                os.close(fd)
        try:
            os.kill(self.pid, 9)  # SIGKILL
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):  # reaped by the `run` that was cut short
            pass


def run_confined(fn: Callable[..., Any], graph: Any, *args: Any, what: str = "the query") -> Any:
    """fn(graph, *args) in a forked child without outgoing network; its result, or an InputError.

    `r2pkg query` runs the embedded store so when it has loaded the graph itself: a SERVICE
    call that got past the guard fetches nothing. The child shares the loaded graph with
    the caller (fork, copy-on-write).
    """
    return Worker(lambda: graph, what).run(fn, *args)
