"""Run queries in worker processes that can be killed: the only way to stop a running query.

Neither rdflib nor pyoxigraph can cancel a query, and a thread cannot be
killed, so each query runs in one of a few forked processes that share the
loaded graph (copy-on-write: forking after loading costs no re-parse). A
worker that overruns the timeout is killed and a fresh one forked from the
server, which still holds the graph; other clients keep being served by the
remaining workers meanwhile.

The workers also run the guard (graph.guard), so checking a big query costs
a worker's time, not the HTTP process's. Admission is by cost class: a query
text that has answered quickly before is light and may use any worker; any
other query is heavy, and heavy queries never hold every worker (one stays
for light ones), nor more than one per client at a time. A query that is not
known to be quick and runs past FAST_SECONDS drops to the lowest CPU priority,
so on a small machine it takes only the CPU the quick ones leave over. Waiting
jobs are bounded in bytes; every cache is bounded in bytes, keys included.
"""

from __future__ import annotations

import functools
import hashlib
import math
import multiprocessing as mp
import os
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

from graph.guard import Refused, check_query, names_dataset
from graph.namespaces import PREFIXES
from graph.server import results
from graph.server.sandbox import confine_worker

FAST_SECONDS = 0.5  # a query text that answered within this (CPU time) is light from then on
MAX_WAITING_BYTES = 64 * 1024 * 1024  # query text waiting for a worker, all clients together
_ENTRY_OVERHEAD = 256  # bytes a cache entry costs besides its body: digest, objects, dict slot


@dataclass(frozen=True)
class Job:
    """One query to run: text, dataset (empty: the union of all graphs) and how to answer."""

    sparql: str
    accept: str | None = None
    format: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    base_iri: str | None = None

    @functools.cached_property
    def key(self) -> bytes:
        """A digest of everything that decides the answer: what caches keep instead of the text."""
        h = hashlib.blake2b(digest_size=20)
        for part in (self.sparql, self.accept or "", self.format or "", "\x1f".join(self.default_graphs),
                     "\x1f".join(self.named_graphs), self.base_iri or ""):
            h.update(part.encode("utf-8", "surrogatepass") + b"\x00")
        return h.digest()

    @functools.cached_property
    def text_key(self) -> bytes:
        return hashlib.blake2b(self.sparql.encode("utf-8", "surrogatepass"), digest_size=20).digest()


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


def _lower_priority(pid: int) -> bool:
    """Give a worker the lowest CPU priority (nice 19); False where the system does not allow it."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, 19)
        return True
    except (OSError, AttributeError):
        return False


def _message(e: BaseException) -> str:
    return str(e).strip() or type(e).__name__


def execute(store: ox.Store, job: Job, limits: Limits) -> Reply:
    """Check, run and serialise one job (this runs inside a worker).

    The default graph is the union of all graphs only when neither the request
    (default-graph-uri, named-graph-uri) nor the query (FROM, FROM NAMED) names a dataset.
    """
    try:
        check_query(job.sparql)
    except Refused as e:
        return Reply.text(e.status, e.message)
    try:
        default_graphs = [ox.NamedNode(g) for g in job.default_graphs]
        named_graphs = [ox.NamedNode(g) for g in job.named_graphs]
    except ValueError as e:
        return Reply.text(400, f"Bad dataset IRI: {_message(e)}")
    dataset: dict[str, Any] = {}
    if default_graphs:
        dataset["default_graph"] = default_graphs
    if named_graphs:
        dataset["named_graphs"] = named_graphs
    if not default_graphs and not named_graphs and not names_dataset(job.sparql):
        dataset["use_default_graph_as_union"] = True
    try:
        result = store.query(job.sparql, prefixes=PREFIXES, base_iri=job.base_iri, **dataset)
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
        elif isinstance(result, ox.QuerySolutions):
            body = results.serialize_solutions(result, fmt, limits.max_rows, limits.max_bytes)
        elif isinstance(result, ox.QueryTriples):
            body = results.serialize_triples(result, fmt, limits.max_rows, limits.max_bytes)
        else:
            raise TypeError(f"unknown query result {type(result).__name__}")
        return Reply(200, fmt.media_type, body)
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
        started = time.process_time()
        try:
            reply = execute(store, job, limits)
        except Exception as e:  # a request's shape must never end a worker
            reply = Reply.text(500, f"Internal error while answering: {_message(e)}")
        replies.send((reply, time.process_time() - started))  # with its CPU time: what the query costs


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
    """Complete 200 answers by job digest, least recently used out first, bounded in bytes.

    The served graph never changes while the server runs, so the same query asked
    the same way has the same answer; repeated named queries skip the workers.
    Keys are digests, so a 1 MB query costs the cache 20 bytes, not 1 MB; every
    entry is counted with its overhead.
    """

    def __init__(self, max_bytes: int = 64 * 1024 * 1024, max_item: int = 8 * 1024 * 1024):
        self.max_bytes = max_bytes
        self.max_item = max_item
        self._items: OrderedDict[bytes, Reply] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    @staticmethod
    def _cost(reply: Reply) -> int:
        return len(reply.body) + len(reply.content_type) + _ENTRY_OVERHEAD

    @property
    def size(self) -> int:
        return self._size

    def get(self, job: Job) -> Reply | None:
        with self._lock:
            reply = self._items.get(job.key)
            if reply is not None:
                self._items.move_to_end(job.key)
            return reply

    def put(self, job: Job, reply: Reply) -> None:
        if reply.status != 200 or len(reply.body) > self.max_item:
            return
        with self._lock:
            if job.key in self._items:
                return
            self._items[job.key] = reply
            self._size += self._cost(reply)
            while self._size > self.max_bytes:
                _, old = self._items.popitem(last=False)
                self._size -= self._cost(old)


class Admission:
    """Who may take a worker now, by cost class; also the bytes of query text waiting.

    A query text is light once it has answered within FAST_SECONDS of CPU time:
    it may always take a free worker. Its best time counts, so a light query
    stays light on a busy machine; one that times out is not light. Any other
    job is untrusted, and untrusted jobs never hold every worker: one more may
    start only while fewer than `heavy_slots` run (one per client), or,
    optimistically, while nothing hints that it is slow (its text is not known
    slow, not already running, and no untrusted job has run past FAST_SECONDS).
    Slow queries thus hold at most `heavy_slots` workers for longer than
    FAST_SECONDS. `heavy_slots` leaves light queries a worker per CPU where the
    pool has more workers than CPUs (the default), and one at the least.
    """

    def __init__(self, size: int, max_waiting_bytes: int = MAX_WAITING_BYTES, remembered: int = 4096,
                 cpus: int | None = None):
        self.size = size
        self.heavy_slots = max(1, min(size - 1, size - (cpus or os.cpu_count() or 1)))
        self.max_waiting_bytes = max_waiting_bytes
        self.remembered = remembered
        self._best: OrderedDict[bytes, float] = OrderedDict()  # text digest -> fastest answer (inf: timed out)
        self._running: dict[int, tuple[bytes, str, float]] = {}  # untrusted jobs: text digest, client, start
        self._next = 0
        self._waiting_bytes = 0
        self._cond = threading.Condition()

    def learn(self, job: Job, seconds: float, completed: bool) -> None:
        with self._cond:
            best = self._best.get(job.text_key, math.inf)
            self._best[job.text_key] = min(best, seconds) if completed else math.inf
            self._best.move_to_end(job.text_key)
            while len(self._best) > self.remembered:
                self._best.popitem(last=False)
            self._cond.notify_all()

    def light(self, job: Job) -> bool | None:
        """True if the text has answered within FAST_SECONDS, False if it never has, None if never seen."""
        best = self._best.get(job.text_key)
        return None if best is None else best <= FAST_SECONDS

    def wait(self, size: int) -> bool:
        """Count `size` bytes as waiting; False when the waiting budget is spent."""
        with self._cond:
            if self._waiting_bytes + size > self.max_waiting_bytes:
                return False
            self._waiting_bytes += size
            return True

    def done_waiting(self, size: int) -> None:
        with self._cond:
            self._waiting_bytes -= size

    def _may_start(self, job: Job, client: str) -> bool:
        running = list(self._running.values())
        now = time.monotonic()
        if len(running) < self.heavy_slots and all(c != client for _, c, _ in running):
            return True
        hints = (self.light(job) is False or any(k == job.text_key for k, _, _ in running)
                 or any(now - t > FAST_SECONDS for _, _, t in running))
        return len(running) < self.size and not hints

    def enter(self, job: Job, client: str, timeout: float) -> int | None:
        """Admit a job: 0 for a light one, a token for an untrusted one, None if it waited `timeout` in vain."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                if self.light(job):
                    return 0
                if self._may_start(job, client):
                    self._next += 1
                    self._running[self._next] = (job.text_key, client, time.monotonic())
                    return self._next
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(min(left, 0.05))  # "has run past FAST_SECONDS" changes with time alone

    @property
    def running(self) -> int:
        """Untrusted jobs running now (light ones are not counted)."""
        with self._cond:
            return len(self._running)

    def leave(self, token: int) -> None:
        if token:
            with self._cond:
                self._running.pop(token, None)
                self._cond.notify_all()


class QueryPool:
    """A fixed number of query workers; run() waits for a free one, applies the timeout."""

    def __init__(self, store: ox.Store, size: int, limits: Limits):
        if size < 1:
            raise ValueError("a query pool needs at least one worker")
        self.size = size
        self.limits = limits
        self.store = store
        self._ctx = mp.get_context("fork")  # fork: workers share the loaded graph instead of re-parsing
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.admission = Admission(size)
        self.killed = 0  # workers replaced after a timeout or a crash
        self.deaths = 0  # of those, workers that died by themselves (never by a request's shape, we hope)
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
                w = _Worker(self._ctx, self.store, self.limits)
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

    def _replace(self, w: _Worker, died: bool = False) -> None:
        code = w.process.exitcode
        w.kill()
        with self._lock:
            self._all.discard(w)
            self.killed += 1
            self.deaths += died
        if died:
            print(f"r2pkg serve: a query worker died (exit code {code}); replaced; "
                  f"{self.deaths} worker deaths so far", file=sys.stderr)
        self._requests.put(True)

    def run(self, job: Job, timeout: float | None = None, client: str = "") -> Reply:
        """Answer a job: wait for admission and a free worker, then for the reply, each within `timeout`."""
        timeout = self.limits.timeout if timeout is None else timeout
        size = len(job.sparql)
        if not self.admission.wait(size):
            return Reply.text(503, "Server busy: too many queries are waiting; try again.", ("Retry-After", "5"))
        token = None
        try:
            token = self.admission.enter(job, client, timeout)
            if token is None:
                return Reply.text(503, f"Server busy: slow or new queries may hold {self.admission.heavy_slots} "
                                  f"of {self.size} workers (one per client), and none came free within "
                                  f"{timeout:g} s; try again.", ("Retry-After", "5"))
            try:
                w = self._idle.get(timeout=timeout)
            except queue.Empty:
                self.admission.leave(token)
                token = None
                return Reply.text(503, f"Server busy: no query worker came free within {timeout:g} s; try again.",
                                  ("Retry-After", "5"))
        finally:
            self.admission.done_waiting(size)
        try:
            return self._on(w, job, timeout, light=token == 0)
        finally:
            self.admission.leave(token)

    def _on(self, w: _Worker, job: Job, timeout: float, light: bool = False) -> Reply:
        if self._closed:
            return Reply.text(503, "Server shutting down.")
        start = time.monotonic()
        # A text known to be slow gets only the CPU the quick ones leave over from its start.
        niced = self.admission.light(job) is False and _lower_priority(w.process.pid)
        try:
            w.jobs.send(job)
            answered = w.replies.poll(min(timeout, FAST_SECONDS))
            if not answered and not light and not niced and timeout > FAST_SECONDS:
                # Slow and not known to be quick: let it have only the CPU the quick ones leave over.
                niced = _lower_priority(w.process.pid)
            if not answered and timeout > FAST_SECONDS:
                answered = w.replies.poll(timeout - FAST_SECONDS)
            if answered:
                reply, cpu_seconds = w.replies.recv()
                if niced:
                    self._retire(w)  # a worker's priority cannot be raised back again: fork a fresh one
                else:
                    self._idle.put(w)
                # CPU time, not time waited: on a busy machine a quick query waits longer but costs the same.
                self.admission.learn(job, cpu_seconds, completed=True)
                return reply
        except (EOFError, OSError):
            if self._closed:  # close() stopped it: not a death
                return Reply.text(503, "Server shutting down.")
            self._replace(w, died=True)
            self.admission.learn(job, time.monotonic() - start, completed=False)
            return Reply.text(500, "The query worker died (out of memory?); it has been replaced.")
        self._replace(w)
        self.admission.learn(job, timeout, completed=False)
        return Reply.text(
            503,
            f"Query timed out: stopped after {timeout:g} s. Narrow the query or add a LIMIT.",
            ("Retry-After", "1"),
        )

    def _retire(self, w: _Worker) -> None:
        w.kill()
        with self._lock:
            self._all.discard(w)
        self._requests.put(True)

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

