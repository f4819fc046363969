"""Confine a query worker: no outgoing network, die with the server, keep no server sockets.

Defence in depth behind graph.guard: pyoxigraph has no option to turn
SERVICE off (no service handler in the Python API), so the worker installs a
seccomp filter that makes socket(AF_INET/AF_INET6) fail with EACCES. A SERVICE
call that got past the guard then fails instead of fetching anything. Workers
talk to the server over pipes, so they need no network at all.
Linux only (x86_64, aarch64); elsewhere the guard alone applies.
"""

from __future__ import annotations

import ctypes
import errno
import faulthandler
import os
import platform
import signal
import stat
import warnings
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


class _Filter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint),
    ]


class _Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Filter))]


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def block_network() -> bool:
    """Make socket(AF_INET or AF_INET6) fail in this process and its threads; True if installed."""
    arch = _ARCHES.get(platform.machine())
    libc = _libc() if platform.system() == "Linux" else None
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
    libc = _libc() if platform.system() == "Linux" else None
    if libc is not None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


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
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the server, which stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent()
    drop_inherited_sockets()
    return block_network()



def _confined_child(fn: Callable[..., Any], args: tuple) -> tuple[str, Any]:
    from graph.errors import InputError

    faulthandler.disable()  # a crash is reported by the parent in one line, not as a C-level stack dump
    die_with_parent()
    block_network()
    try:
        return ("ok", fn(*args))
    except InputError as e:
        return ("error", (e.message, e.path, e.line))
    except OSError as e:  # the engine does no I/O of its own here: a network call the filter refused
        return ("error", (f"refused: the query tried to reach the network ({e})", None, None))
    except Exception as e:  # anything else is still one line for the user, not a traceback
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        return ("error", (f"the query failed: {first}", None, None))


def run_confined(fn: Callable[..., Any], *args: Any, what: str = "the query") -> Any:
    """fn(*args) in a forked child without outgoing network; its result, or an InputError.

    `r2pkg query` runs the embedded store here: a SERVICE call that got past the
    guard fetches nothing, and an engine crash (a stack overflow in the parser)
    becomes one line instead of killing the command. The child shares the loaded
    graph with the caller (fork, copy-on-write). A bare fork and a pipe, not
    multiprocessing: its import alone cost a shell query a tenth of its time.
    """
    import pickle

    from graph.errors import InputError

    receive, send = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads: the child only runs fn
        pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        code = 0
        try:
            os.close(receive)
            try:
                data = pickle.dumps(_confined_child(fn, args))
            except Exception as e:  # a result that cannot be sent is still one line
                data = pickle.dumps(("error", (f"the query failed: {e}", None, None)))
            with os.fdopen(send, "wb") as out:
                out.write(data)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(send)
    with os.fdopen(receive, "rb") as answer:
        data = answer.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            name = signal.Signals(sig).name if sig in set(signal.Signals) else f"signal {sig}"
            raise InputError(f"the SPARQL engine crashed on {what} ({name}); simplify it") from None
        raise InputError(f"the SPARQL engine stopped on {what} (exit code {os.WEXITSTATUS(status)})") from None
    status_, value = pickle.loads(data)
    if status_ == "error":
        message, path, line = value
        raise InputError(message, path, line)
    return value
