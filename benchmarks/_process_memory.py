"""The peak memory of a process and its worker processes together, for the benchmarks of
runs that work in worker processes (`trygd regulate`, `trygd payments run`): each process's
own peak (ru_maxrss) would hide that they are resident at the same time."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path


class Sampler(threading.Thread):
    """The largest resident size of process `root` (default: this one) and its children
    together while it runs, sampled every 0.1 s (`stop()` gives it in MB)."""

    def __init__(self, root: int | None = None) -> None:
        super().__init__(daemon=True)
        self.root = root if root is not None else os.getpid()
        self.peak = 0
        self._done = threading.Event()

    def run(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._done.wait(0.1):
            resident = 0
            for pid in (self.root, *children_of(self.root)):
                with contextlib.suppress(OSError):  # ended meanwhile
                    resident += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
            self.peak = max(self.peak, resident)

    def stop(self) -> int:
        self._done.set()
        self.join()
        return round(self.peak / 2**20)


def children_of(pid: int) -> list[int]:
    """The process's children (of all its threads); none once it has ended."""
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [int(child) for task in tasks for child in (task / "children").read_text().split()]
    except OSError:
        return []
