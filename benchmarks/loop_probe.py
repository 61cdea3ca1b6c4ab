"""Where an event loop's time goes: every step, every garbage collection, every late tick.

On a shared machine a timer's lateness mixes three things: CPU the loop's own code
burnt (what we can fix), time the OS ran other processes while ours waited in the run
queue (the machine), and time the loop thread waited on something else (the GIL held by
a worker thread, a lock, a disk write). The probe separates them with the loop thread's
CPU clock (``time.thread_time``) and the kernel's own account of its run-queue wait
(``/proc/thread-self/schedstat``), per step and per 5 ms tick.

``LoopProbe.installed()`` wraps ``asyncio.events.Handle._run`` (every callback and task
step goes through it) and hooks ``gc.callbacks``; ``watch()`` is the 5 ms timer. With
``detail=True`` each step is named by where its task resumed and where it suspended next.
Records are tuples of numbers and strings, which the collector stops tracking: the probe
does not lengthen the collections it measures.
"""

from __future__ import annotations

import asyncio
import gc
import os
import re
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType, FrameType
from typing import Any, NamedTuple

TICK = 0.005


class Step(NamedTuple):
    started: float  # perf_counter
    wall: float
    cpu: float  # the loop thread's CPU time
    queued: float  # waiting in the OS run queue (another process had the core)
    where: str


class Collection(NamedTuple):
    started: float
    wall: float
    cpu: float
    generation: int
    collected: int


class Tick(NamedTuple):
    due: float  # perf_counter
    late: float
    window: float  # since the previous tick ran
    cpu: float  # loop thread CPU in the window
    queued: float  # run-queue wait in the window


@dataclass
class LoopProbe:
    detail: bool = False
    # Plain tuples while measuring (the collector untracks those, not NamedTuples).
    _steps: list[tuple[float, float, float, float, str]] = field(default_factory=list)
    _collections: list[tuple[float, float, float, int, int]] = field(default_factory=list)
    _ticks: list[tuple[float, float, float, float, float]] = field(default_factory=list)
    _gc_started: tuple[float, float] = (0.0, 0.0)
    _fd: int = -1

    def __post_init__(self) -> None:
        """Made on the loop's thread: its run-queue account is the one read."""
        path = f"/proc/self/task/{threading.get_native_id()}/schedstat"
        self._fd = os.open(path, os.O_RDONLY) if Path(path).exists() else -1

    def close(self) -> None:
        """After ``installed`` and ``watch`` are done."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def _queued(self) -> float:
        """Seconds this thread has waited in the run queue since it started (0 if unknown)."""
        if self._fd < 0:
            return 0.0
        return int(os.pread(self._fd, 64, 0).split()[1]) / 1e9

    def _gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = (time.perf_counter(), time.thread_time())
            return
        wall, cpu = self._gc_started
        self._collections.append(
            (
                wall,
                time.perf_counter() - wall,
                time.thread_time() - cpu,
                info["generation"],
                info["collected"],
            )
        )

    @contextmanager
    def installed(self) -> Iterator[None]:
        """Measure every loop step and collection of this thread until the block ends."""
        original = asyncio.events.Handle._run
        probe, steps, queued, detail = self, self._steps, self._queued, self.detail

        def run(handle: asyncio.events.Handle) -> None:
            before = _resumes_at(handle) if detail else ""
            wait, wall, cpu = queued(), time.perf_counter(), time.thread_time()
            original(handle)
            cpu = time.thread_time() - cpu
            took = time.perf_counter() - wall
            where = f"{before} -> {_resumes_at(handle)}" if detail else ""
            steps.append((wall, took, cpu, queued() - wait, where or repr(handle)[:120]))

        gc.callbacks.append(probe._gc)
        asyncio.events.Handle._run = run  # type: ignore[method-assign,assignment]
        try:
            yield
        finally:
            asyncio.events.Handle._run = original  # type: ignore[method-assign]
            gc.callbacks.remove(probe._gc)

    @property
    def steps(self) -> list[Step]:
        return [Step(*record) for record in self._steps]

    @property
    def collections(self) -> list[Collection]:
        return [Collection(*record) for record in self._collections]

    @property
    def ticks(self) -> list[Tick]:
        return [Tick(*record) for record in self._ticks]

    async def watch(self) -> None:
        """The 5 ms timer: how late each tick ran, and what the loop thread did meanwhile."""
        last = (time.perf_counter(), time.thread_time(), self._queued())
        while True:
            due = time.perf_counter() + TICK
            await asyncio.sleep(TICK)
            now = (time.perf_counter(), time.thread_time(), self._queued())
            late = max(0.0, now[0] - due)
            self._ticks.append((due, late, now[0] - last[0], now[1] - last[1], now[2] - last[2]))
            last = now


def _resumes_at(handle: asyncio.events.Handle) -> str:
    """Where the task of ``handle`` is suspended: its innermost awaiting frame outside
    asyncio and contextlib (``asyncio.sleep(0)`` says little; its caller says where)."""
    callback: Any = handle._callback  # type: ignore[attr-defined]
    task = getattr(callback, "__self__", None)
    if not isinstance(task, asyncio.Task):
        name = getattr(callback, "__qualname__", None) or type(callback).__name__
        return str(name)
    awaited: Any = task.get_coro()
    frame: FrameType | None = None
    while awaited is not None:
        here = next((getattr(awaited, a) for a in _FRAMES if getattr(awaited, a, None)), None)
        if isinstance(here, FrameType) and not _LIBRARY.search(here.f_code.co_filename):
            frame = here
        awaited = next((getattr(awaited, a) for a in _AWAITS if hasattr(awaited, a)), None)
    if frame is None:
        return "done"
    code: CodeType = frame.f_code
    return f"{Path(code.co_filename).name}:{code.co_name}:{frame.f_lineno}"


_FRAMES = ("cr_frame", "ag_frame", "gi_frame")
_AWAITS = ("cr_await", "ag_await", "gi_yieldfrom")
_LIBRARY = re.compile(r"/asyncio/|/contextlib\.py$")


# ---- reporting ---------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def summary(probe: LoopProbe, *, worst: int = 5) -> str:
    """The probe's findings as text: lag, where the late ticks' time went, steps, GC."""
    lines = []
    steps, gcs, ticks = probe.steps, probe.collections, probe.ticks
    lates = [t.late for t in ticks]
    cpus = [s.cpu for s in steps]
    lines.append(
        f"ticks {len(lates)}: lag max {max(lates, default=0) * 1e3:.0f} ms, "
        f"p99 {percentile(lates, 0.99) * 1e3:.1f} ms, p50 {percentile(lates, 0.5) * 1e3:.1f} ms; "
        f"ticks late > 50 ms: {sum(1 for x in lates if x > 0.05)}; the loop's own CPU "
        f"between two ticks: max {max((t.cpu for t in ticks), default=0) * 1e3:.0f} ms"
    )
    lines.append(
        f"steps {len(cpus)}: CPU max {max(cpus, default=0) * 1e3:.1f} ms, "
        f"p99 {percentile(cpus, 0.99) * 1e3:.2f} ms, total {sum(cpus):.2f} s; "
        f"run-queue wait during steps {sum(s.queued for s in steps):.2f} s"
    )
    if gcs:
        by_gen = defaultdict(list)
        for c in gcs:
            by_gen[c.generation].append(c)
        parts = [
            f"gen{g}: {len(cs)}x, max {max(c.wall for c in cs) * 1e3:.1f} ms wall / "
            f"{max(c.cpu for c in cs) * 1e3:.1f} ms CPU, "
            f"total {sum(c.cpu for c in cs) * 1e3:.0f} ms CPU"
            for g, cs in sorted(by_gen.items())
        ]
        lines.append("GC " + "; ".join(parts))
    lines.append("worst ticks: window = loop CPU + run-queue wait + other (idle, GIL, locks, disk)")
    for tick in sorted(ticks, key=lambda t: t.late, reverse=True)[:worst]:
        start = tick.due + TICK - tick.window
        inside = [s for s in steps if start <= s.started <= tick.due + tick.late]
        top = max(inside, key=lambda s: s.wall, default=None)
        other = tick.window - tick.cpu - tick.queued
        collected = [c for c in gcs if start <= c.started <= tick.due + tick.late]
        lines.append(
            f"  late {tick.late * 1e3:5.0f} ms (window {tick.window * 1e3:.0f}): "
            f"CPU {tick.cpu * 1e3:.0f}, queued {tick.queued * 1e3:.0f}, other {other * 1e3:.0f}; "
            f"{len(inside)} steps; GC {sum(c.wall for c in collected) * 1e3:.0f} ms"
            + (
                f"; longest step {top.wall * 1e3:.0f} ms ({top.cpu * 1e3:.0f} CPU) {top.where}"
                if top
                else ""
            )
        )
    totals: dict[str, list[float]] = defaultdict(list)
    for s in steps:
        totals[s.where].append(s.cpu)
    lines.append("steps by CPU (max, p99 over the kind, count, total):")
    ranked = sorted(totals.items(), key=lambda kv: max(kv[1]), reverse=True)[: worst * 2]
    for where, values in ranked:
        lines.append(
            f"  {max(values) * 1e3:6.1f} ms {percentile(values, 0.99) * 1e3:6.1f} ms "
            f"{len(values):6} {sum(values):6.2f} s  {where[:150]}"
        )
    return "\n".join(lines)
