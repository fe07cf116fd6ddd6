"""Background jobs for the window: every model run and every history query goes through here.

A :class:`Job` wraps a plain function ``fn(job)``; it runs on a ``QThreadPool`` and talks back only through
Qt signals (queued to the GUI thread). Cancel is cooperative: :meth:`Job.cancel` sets a flag that the
function sees through :meth:`Job.check` (raises :class:`Cancelled`) between its steps; the job also checks
the flag after the function returns, so a cancelled job's result is always discarded and only
``cancelled`` is emitted.
"""

from __future__ import annotations

import threading
import time
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class Cancelled(Exception):
    """Raised inside a job's function by :meth:`Job.check` once the job was cancelled."""


class JobSignals(QObject):
    progress = Signal(int, str)  # percent (0-100, -1 = unknown), message
    done = Signal(object)  # the function's result
    failed = Signal(str)  # "ErrorType: message"
    cancelled = Signal()
    finished = Signal()  # after any of done / failed / cancelled


class Job(QRunnable):
    """One unit of background work. ``fn(job) -> result``; ``job.progress(pct, msg)``, ``job.check()``."""

    def __init__(self, name: str, fn: Callable[["Job"], Any]):
        super().__init__()
        self.setAutoDelete(False)  # the window keeps a reference until ``finished``
        self.name = name
        self.fn = fn
        self.signals = JobSignals()
        self._cancel = threading.Event()
        self.state = "queued"  # queued | running | done | failed | cancelled
        self.elapsed_ms = 0.0
        self.error: str | None = None

    # -- called from the job's function (worker thread)
    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled(self.name)

    def progress(self, percent: int, message: str = "") -> None:
        self.check()
        self.signals.progress.emit(int(percent), message)

    # -- called from anywhere
    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:  # worker thread
        self.state = "running"
        t0 = time.perf_counter()
        try:
            self.check()
            result = self.fn(self)
            self.check()  # cancelled while the last step ran: the result is dropped
        except Cancelled:
            self.state = "cancelled"
            self.signals.cancelled.emit()
        except Exception as exc:  # shown in the UI; never kills the app
            self.state = "failed"
            typed = getattr(exc, "exit_code", None) is not None  # MedAssist errors carry their own message
            self.error = str(exc) if typed else f"{type(exc).__name__}: {exc}"
            if not typed:
                traceback.print_exc()
            self.signals.failed.emit(self.error)
        else:
            self.state = "done"
            self.elapsed_ms = (time.perf_counter() - t0) * 1000
            self.signals.done.emit(result)
        finally:
            self.ended_at = time.monotonic()
            self.signals.finished.emit()


class JobRunner(QObject):
    """Starts jobs on its own pools and keeps them alive until they finish.

    ``tasks``: model work, one thread (two cores on the target machines: one task at a time keeps the GUI
    and the DICOM decoder responsive). ``db``: history work, one thread, so writes keep their order.
    ``io``: small things (pack manifests, providers, exports, reading a dropped study's headers).
    """

    jobStarted = Signal(object)
    jobFinished = Signal(object)

    def __init__(self, parent: QObject | None = None, task_threads: int = 1):
        super().__init__(parent)
        self.pools = {"tasks": QThreadPool(self), "db": QThreadPool(self), "io": QThreadPool(self)}
        self.pools["tasks"].setMaxThreadCount(task_threads)
        self.pools["db"].setMaxThreadCount(1)
        self.pools["io"].setMaxThreadCount(1)
        for pool in self.pools.values():
            pool.setExpiryTimeout(-1)
        self.active: list[Job] = []
        # Finished jobs are kept a little longer: the pool thread may still be returning from run() when
        # ``finished`` arrives here, and freeing the Python wrapper then would free the C++ runnable under it.
        self._retired: list[Job] = []

    def start(self, job: Job, pool: str = "tasks") -> Job:
        self.active.append(job)
        job.signals.job = job
        # Bound methods of this (GUI-thread) object: queued to the GUI thread; the callbacks run there.
        job.signals.done.connect(self._on_done)
        job.signals.failed.connect(self._on_failed)
        job.signals.cancelled.connect(self._on_cancelled)
        job.signals.progress.connect(self._on_progress)
        job.signals.finished.connect(self._on_finished)
        self.jobStarted.emit(job)
        self.pools[pool].start(job)
        return job

    def submit(self, name: str, fn: Callable[[Job], Any], *, pool: str = "tasks", on_done=None, on_failed=None,
               on_cancelled=None, on_progress=None) -> Job:
        """Run ``fn(job)``; the ``on_*`` callbacks (any callables) are called on the GUI thread."""
        job = Job(name, fn)
        job.callbacks = {"done": on_done, "failed": on_failed, "cancelled": on_cancelled, "progress": on_progress}
        return self.start(job, pool)

    def _job(self) -> Job | None:
        sender = self.sender()
        return getattr(sender, "job", None)

    def _call(self, kind: str, *args) -> None:
        job = self._job()
        cb = (getattr(job, "callbacks", None) or {}).get(kind) if job is not None else None
        if cb is not None:
            cb(*args)

    def _on_done(self, result) -> None:
        self._call("done", result)

    def _on_failed(self, message: str) -> None:
        self._call("failed", message)

    def _on_cancelled(self) -> None:
        self._call("cancelled")

    def _on_progress(self, pct: int, message: str) -> None:
        self._call("progress", pct, message)

    def _on_finished(self) -> None:
        job = self._job()
        if job is not None and job in self.active:
            self.active.remove(job)
        now = time.monotonic()
        self._retired = [j for j in self._retired if now - (getattr(j, "ended_at", None) or now) < 5.0]
        if job is not None:
            self._retired.append(job)
            self.jobFinished.emit(job)

    def cancel_all(self) -> None:
        for job in list(self.active):
            job.cancel()

    def wait(self, msecs: int = 30000) -> bool:
        ok = True
        for pool in self.pools.values():
            ok = pool.waitForDone(msecs) and ok
        return ok
