"""Batches of a bulk run in worker processes.

Why processes and not threads: a regulering batch spends about half of its time in Python
(reading its rows, the rules as columns, making the rows it writes) and half in PostgreSQL.
Threads take turns at the interpreter lock, so however many there are, one core's worth of
Python is all a run gets; processes give each batch a core of its own while PostgreSQL works
for the other.

Every batch is still one transaction of its own, on the worker's own engine, so nothing
about exactly-once changes: a batch is committed whole or not at all, and a run started
again does the batches that have no rows yet.

The workers die with the run: each asks the kernel to send it SIGKILL when its parent dies
(Linux `PR_SET_PDEATHSIG`), and exits at once if the parent was already gone when it asked.
A run stopped with SIGKILL therefore leaves no worker writing on behind its back.

The work is made in each worker by `make_work()` (a picklable callable that builds the
worker's engine and service: the workers are started fresh, with `spawn`, so that no lock or
connection of the parent's threads is copied into them).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

A = TypeVar("A")
R = TypeVar("R")

_PR_SET_PDEATHSIG = 1
_work: Callable[[Any], Any] | None = None


def _die_with(parent: int) -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _start(parent: int, make_work: Callable[[], Callable[[Any], Any]]) -> None:
    global _work
    _die_with(parent)
    _work = make_work()


def _do(item: Any) -> Any:
    assert _work is not None  # `_start` ran first in this process
    return _work(item)


def in_processes(
    make_work: Callable[[], Callable[[A], R]],
    items: list[A],
    processes: int,
    done: Callable[[R], None],
) -> None:
    """`work(item)` for every item in `processes` worker processes; `done(result)` in this
    process as each finishes (in the order they finish). The first failure is raised here,
    after the items not yet started are cancelled (those under way finish their own
    transaction, committed or rolled back)."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=processes,
        mp_context=context,
        initializer=_start,
        initargs=(os.getpid(), make_work),
    ) as pool:
        pending: set[Future[R]] = {pool.submit(_do, item) for item in items}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_EXCEPTION)
            for future in finished:
                error = future.exception()
                if error is not None:
                    for other in pending:
                        other.cancel()
                    raise error
                done(future.result())
