"""One factory for onnxruntime sessions: execution-provider choice, threads, caching, reporting.

``create_session(onnx_path, provider=None, threads=None)``:

- ``provider``: ``"auto"`` picks the first of CUDA, DirectML, CPU that onnxruntime offers; a named provider
  (``"CUDAExecutionProvider"``, ``"cuda"``, ``"DmlExecutionProvider"``, ``"directml"``, ``"cpu"``) is used
  when available, else the session falls back to CPU and the fallback is reported (or, with
  ``strict=True``, :class:`ExecutionProviderError` is raised). ``None`` takes ``Settings.execution_provider``.
- ``threads``: intra-op threads; ``None`` takes ``Settings.intra_op_threads`` (0 lets onnxruntime decide).
- What actually attached is read back from ``session.get_providers()`` (a CUDA build without CUDA libraries
  silently runs on CPU) and kept in :func:`session_info`.
- Sessions are cached per (file, size, mtime, provider, threads).

onnxruntime is imported only when a session is created.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ModelPackError

log = logging.getLogger("medassist.runtime")

#: Preference order for ``"auto"``.
PREFERENCE = ("CUDAExecutionProvider", "DmlExecutionProvider", "CPUExecutionProvider")
CPU = "CPUExecutionProvider"
ALIASES = {
    "auto": "auto",
    "cpu": CPU,
    "cuda": "CUDAExecutionProvider",
    "gpu": "CUDAExecutionProvider",
    "directml": "DmlExecutionProvider",
    "dml": "DmlExecutionProvider",
}


class ExecutionProviderError(ModelPackError):
    """A strictly requested execution provider is not available or did not attach."""


@dataclass
class ProviderChoice:
    requested: str  # what the caller/settings asked for
    chosen: list[str]  # what was passed to onnxruntime
    available: list[str]  # onnxruntime.get_available_providers()
    fallback: str | None = None  # why the request could not be honoured, if it could not
    attached: list[str] = field(default_factory=list)  # session.get_providers()

    @property
    def provider(self) -> str:
        """The provider doing the work."""
        return (self.attached or self.chosen)[0]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "provider": self.provider}


_cache: dict[tuple, Any] = {}
_info: dict[int, ProviderChoice] = {}
_lock = threading.Lock()


def available_providers() -> list[str]:
    import onnxruntime as ort

    return list(ort.get_available_providers())


def normalize_provider(name: str | None) -> str:
    if not name:
        return "auto"
    return ALIASES.get(name.strip().lower(), name.strip())


def choose_providers(requested: str | None = "auto", available: list[str] | None = None) -> ProviderChoice:
    """Decide which providers to ask onnxruntime for (without creating a session)."""
    req = normalize_provider(requested)
    avail = list(available) if available is not None else available_providers()
    if req == "auto":
        chosen = [p for p in PREFERENCE if p in avail]
        if CPU not in chosen:
            chosen.append(CPU)
        return ProviderChoice(requested=req, chosen=chosen, available=avail)
    if req not in PREFERENCE:  # only local providers: never a remote one (AzureExecutionProvider) or an unknown one
        return ProviderChoice(
            requested=req,
            chosen=[CPU],
            available=avail,
            fallback=f"{req} is not a local execution provider MedAssist uses ({', '.join(PREFERENCE)}); using {CPU}",
        )
    if req in avail:
        chosen = [req] if req == CPU else [req, CPU]
        return ProviderChoice(requested=req, chosen=chosen, available=avail)
    return ProviderChoice(
        requested=req,
        chosen=[CPU],
        available=avail,
        fallback=f"{req} is not available in this onnxruntime build (available: {', '.join(avail)}); using {CPU}",
    )


def _settings_defaults(provider: str | None, threads: int | None) -> tuple[str, int]:
    if provider is None or threads is None:
        from ..config import Settings

        s = Settings.load()
        if provider is None:
            provider = s.execution_provider or "auto"
        if threads is None:
            threads = int(s.intra_op_threads or 0)
    return provider, int(threads)


def create_session(
    onnx_path: str | os.PathLike,
    provider: str | None = None,
    threads: int | None = None,
    *,
    strict: bool = False,
):
    """A cached ``onnxruntime.InferenceSession`` for ``onnx_path`` (see the module docstring)."""
    import onnxruntime as ort

    path = Path(onnx_path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ModelPackError("ONNX file not found", path=path) from None
    provider, threads = _settings_defaults(provider, threads)
    choice = choose_providers(provider)
    if choice.fallback and strict:
        raise ExecutionProviderError(choice.fallback, path=path)
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns, tuple(choice.chosen), threads)
    with _lock:
        sess = _cache.get(key)
        if sess is not None:
            return sess
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3  # errors only
        if threads > 0:
            opts.intra_op_num_threads = threads
            opts.inter_op_num_threads = 1
        try:
            sess = ort.InferenceSession(str(path), sess_options=opts, providers=choice.chosen)
        except Exception as exc:  # onnxruntime raises its own exception types
            raise ModelPackError(f"onnxruntime could not load the model ({exc})", path=path) from None
        choice.attached = list(sess.get_providers())
        wanted = choice.chosen[0]
        if wanted not in choice.attached and not choice.fallback:
            choice.fallback = (
                f"{wanted} was requested and is offered by onnxruntime but did not attach "
                f"(missing drivers/libraries?); running on {choice.attached[0]}"
            )
            if strict and choice.requested != "auto":
                raise ExecutionProviderError(choice.fallback, path=path)
        if choice.fallback:
            log.warning("%s: %s", path.name, choice.fallback)
        _cache[key] = sess
        _info[id(sess)] = choice
    return sess


def session_providers(sess) -> list[str]:
    """The execution providers actually attached to a session, in priority order."""
    return list(sess.get_providers())


def session_info(sess) -> ProviderChoice | None:
    """How the session's providers were chosen (requested, chosen, attached, fallback reason)."""
    return _info.get(id(sess))


def clear_cache() -> None:
    with _lock:
        _cache.clear()
        _info.clear()
