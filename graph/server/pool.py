"""Run queries in worker processes that can be killed: the only way to stop a running query.

Neither rdflib nor pyoxigraph can cancel a query, and a thread cannot be
killed, so each query runs in one of a few forked processes that share the
loaded graph (copy-on-write: forking after loading costs no re-parse). A
worker that overruns the timeout is killed and a fresh one forked from the
server, which still holds the graph; other clients keep being served by the
remaining workers meanwhile.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import sys
import threading
import time
import warnings
from collections import OrderedDict
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from graph.namespaces import PREFIXES
from graph.server import results
from graph.server.sandbox import confine_worker


@dataclass(frozen=True)
class Job:
    """One query to run: text, dataset (empty: the union of all graphs) and how to answer."""

    sparql: str
    accept: str | None = None
    format: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = field(default=())

    @classmethod
    def text(cls, status: int, message: str, *headers: tuple[str, str]) -> Reply:
        return cls(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode(), headers)


@dataclass(frozen=True)
class Limits:
    timeout: float = 30.0
    max_rows: int = 200_000
    max_bytes: int = 64 * 1024 * 1024


def _message(e: BaseException) -> str:
    return str(e).strip() or type(e).__name__


def execute(store: ox.Store, job: Job, limits: Limits) -> Reply:
    """Run one job on the store and serialise the whole answer (this runs inside a worker)."""
    dataset: dict[str, Any] = {"use_default_graph_as_union": not job.default_graphs}
    if job.default_graphs:
        dataset["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    if job.named_graphs:
        dataset["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    try:
        result = store.query(job.sparql, prefixes=PREFIXES, **dataset)
        if isinstance(result, ox.QueryBoolean):
            kind = "boolean"
        elif isinstance(result, ox.QuerySolutions):
            kind = "solutions"
        else:
            kind = "graph"
        fmt = results.negotiate(kind, job.accept, job.format)
        if fmt is None:
            offered = ", ".join(f.accepts[0] for f in results.FORMATS_BY_KIND[kind])
            return Reply.text(406, f"Not Acceptable: this {kind} result can be given as {offered}.")
        if kind == "boolean":
            body = results.serialize_boolean(bool(result), fmt)
        elif kind == "solutions":
            body = results.serialize_solutions(result, fmt, limits.max_rows, limits.max_bytes)
        else:
            body = results.serialize_triples(result, fmt, limits.max_rows, limits.max_bytes)
        return Reply(200, fmt.media_type, body, (("Vary", "Accept"),))
    except SyntaxError as e:
        return Reply.text(400, f"SPARQL syntax error: {_message(e)}")
    except results.ResultTooLarge as e:
        return Reply.text(422, f"Result too large: {e}")
    except OSError as e:
        # The in-memory store does no I/O; an OSError is a network call the sandbox refused.
        return Reply.text(403, f"Refused: the query tried to reach the network ({_message(e)}).")
    except (ValueError, TypeError, RuntimeError) as e:
        return Reply.text(400, f"Query evaluation error: {_message(e)}")


def _worker_main(store: ox.Store, jobs: Connection, replies: Connection, limits: Limits) -> None:
    confine_worker()
    while True:
        try:
            job = jobs.recv()
        except (EOFError, OSError):
            return  # the server went away
        replies.send(execute(store, job, limits))


class _Worker:
    def __init__(self, ctx: Any, store: ox.Store, limits: Limits):
        job_r, self.jobs = ctx.Pipe(duplex=False)
        self.replies, reply_w = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=_worker_main, args=(store, job_r, reply_w, limits), daemon=True)
        with warnings.catch_warnings():
            # Python 3.12+ warns about fork() with threads running; the child only runs pyoxigraph
            # and pipe I/O, none of which needs a lock another thread could hold.
            warnings.simplefilter("ignore", DeprecationWarning)
            self.process.start()
        job_r.close()
        reply_w.close()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.jobs.close()
        self.replies.close()


class ReplyCache:
    """Complete 200 answers by job, least recently used out first, bounded in bytes.

    The served graph never changes while the server runs, so the same query asked
    the same way has the same answer; repeated named queries skip the workers.
    """

    def __init__(self, max_bytes: int = 64 * 1024 * 1024, max_item: int = 8 * 1024 * 1024):
        self.max_bytes = max_bytes
        self.max_item = max_item
        self._items: OrderedDict[Job, Reply] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, job: Job) -> Reply | None:
        with self._lock:
            reply = self._items.get(job)
            if reply is not None:
                self._items.move_to_end(job)
            return reply

    def put(self, job: Job, reply: Reply) -> None:
        if reply.status != 200 or len(reply.body) > self.max_item:
            return
        with self._lock:
            if job in self._items:
                return
            self._items[job] = reply
            self._size += len(reply.body)
            while self._size > self.max_bytes:
                _, old = self._items.popitem(last=False)
                self._size -= len(old.body)


class QueryPool:
    """A fixed number of query workers; run() waits for a free one, applies the timeout."""

    def __init__(self, store: ox.Store, size: int, limits: Limits):
        if size < 1:
            raise ValueError("a query pool needs at least one worker")
        self.size = size
        self.limits = limits
        self._store = store
        self._ctx = mp.get_context("fork")  # fork: workers share the loaded graph instead of re-parsing
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.killed = 0  # workers replaced after a timeout or a crash
        # Every fork happens on this one long-lived thread: a worker's "die with parent" signal fires
        # when the *thread* that forked it ends, so a short-lived request thread must not fork.
        self._requests: queue.Queue[bool] = queue.Queue()
        self._spawner = threading.Thread(target=self._spawn_loop, name="query-worker-spawner", daemon=True)
        self._spawner.start()
        for _ in range(size):
            self._requests.put(True)

    def _spawn_loop(self) -> None:
        while self._requests.get():
            try:
                w = _Worker(self._ctx, self._store, self.limits)
            except OSError as e:  # out of processes or memory: try again shortly
                print(f"r2pkg serve: cannot start a query worker ({e}); retrying", file=sys.stderr)
                time.sleep(1)
                self._requests.put(True)
                continue
            with self._lock:
                if self._closed:
                    w.kill()
                    return
                self._all.add(w)
            self._idle.put(w)

    def _replace(self, w: _Worker) -> None:
        w.kill()
        with self._lock:
            self._all.discard(w)
            self.killed += 1
        self._requests.put(True)

    def run(self, job: Job, timeout: float | None = None) -> Reply:
        timeout = self.limits.timeout if timeout is None else timeout
        try:
            w = self._idle.get(timeout=timeout)
        except queue.Empty:
            return Reply.text(503, f"Server busy: no query worker came free within {timeout:g} s; try again.",
                              ("Retry-After", "5"))
        if self._closed:
            return Reply.text(503, "Server shutting down.")
        try:
            w.jobs.send(job)
            if w.replies.poll(timeout):
                reply = w.replies.recv()
                self._idle.put(w)
                return reply
        except (EOFError, OSError):
            self._replace(w)
            return Reply.text(500, "The query worker died (out of memory?); it has been replaced.")
        self._replace(w)
        return Reply.text(
            503,
            f"Query timed out: stopped after {timeout:g} s. Narrow the query or add a LIMIT.",
            ("Retry-After", "1"),
        )

    def close(self) -> None:
        """Stop every worker, busy or idle."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        self._requests.put(False)
        for w in workers:
            w.kill()
        self._spawner.join(timeout=5)

    def __enter__(self) -> QueryPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

