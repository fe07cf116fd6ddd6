"""``medassist doctor`` — what this installation is made of and whether it is healthy.

Versions (read with importlib.metadata, so Qt is never imported), execution providers (available, chosen
from the settings, and what a real session attached), every model pack and its verification, the keyring
backend and where the history key comes from now (WARN when it is a passphrase, saying from where), the data
folder and the network guard. A remote provider onnxruntime lists (AzureExecutionProvider) gets a note: the
session factory asks only for local ones. ``--format json`` for scripts (``warnings``, ``notes``,
``problems``). Exits 1 when a pack fails verification, onnxruntime cannot load, or the history cannot open.
"""

from __future__ import annotations

import importlib.metadata as md
import json
import platform
import sys
from typing import Any

#: (label, distributions that may provide it — the first installed wins)
COMPONENTS = [
    ("medassist", ("medassist",)),
    ("onnxruntime", ("onnxruntime", "onnxruntime-gpu", "onnxruntime-directml")),
    ("tokenizers", ("tokenizers",)),
    ("numpy", ("numpy",)),
    ("pydicom", ("pydicom",)),
    ("sqlcipher", ("sqlcipher3", "sqlcipher3-binary", "sqlcipher3-wheels")),
    ("sqlite-utils", ("sqlite-utils",)),
    ("keyring", ("keyring",)),
    ("PySide6", ("PySide6-Essentials", "PySide6")),
]


#: execution providers onnxruntime may list that run a model elsewhere (a cloud endpoint): never chosen
#: by medassist.runtime.session, which asks only for local ones
REMOTE_PROVIDERS = frozenset({"AzureExecutionProvider"})
LOCAL_ONLY_NOTE = ("onnxruntime also lists {} (a remote endpoint); MedAssist never uses it: models run only on "
                   "local providers (CPU; CUDA with the gpu extra, DirectML on Windows)")


def register(subparsers) -> None:
    p = subparsers.add_parser("doctor", help="versions, execution providers, model packs, keyring, network guard")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_doctor)


def _version(dists) -> dict[str, Any]:
    for d in dists:
        try:
            return {"version": md.version(d), "distribution": d}
        except md.PackageNotFoundError:
            continue
    return {"version": None, "distribution": None}


def _providers() -> dict[str, Any]:
    from ..config import Settings
    from ..runtime.session import choose_providers

    settings = Settings.load()
    try:
        choice = choose_providers(settings.execution_provider)
    except Exception as exc:  # onnxruntime missing or broken
        return {"error": f"onnxruntime cannot load: {exc}"}
    return {
        "setting": settings.execution_provider,
        "threads_setting": settings.intra_op_threads,
        "available": choice.available,
        "chosen": choice.chosen,
        "fallback": choice.fallback,
    }


def _packs(providers: dict[str, Any]) -> list[dict[str, Any]]:
    from ..errors import ModelPackError
    from ..runtime.registry import scan

    out = []
    attached_checked = False
    for e in scan():
        row: dict[str, Any] = {"name": e.name, "path": str(e.path), "shadowed": e.shadowed}
        if e.pack is None:
            row.update(ok=False, error=e.error)
            out.append(row)
            continue
        row.update(task=e.pack.task, version=e.pack.version)
        try:
            e.pack.verify()
            row["ok"] = True
        except ModelPackError as exc:
            row.update(ok=False, error=str(exc))
        out.append(row)
        # What really attaches: open one session (the first verified pack with a model file).
        if row["ok"] and not attached_checked and not e.shadowed and e.pack.has_file("model") and "error" not in providers:
            from ..runtime.session import create_session, session_info

            try:
                sess = create_session(e.pack.file("model"))
                info = session_info(sess)
                providers["attached"] = list(sess.get_providers())
                providers["attached_for"] = e.pack.name
                if info and info.fallback:
                    providers["fallback"] = info.fallback
            except ModelPackError as exc:
                row.update(ok=False, error=str(exc))
            attached_checked = True
    return out


def _keyring() -> dict[str, Any]:
    """The backend the history would really use (the store's own explicit choice, so both agree)."""
    try:
        from ..store.keys import select_keyring

        backend, reason = select_keyring()
    except Exception as exc:
        return {"backend": None, "os_backend": False, "error": f"{type(exc).__name__}: {exc}"}
    if backend is None:
        return {"backend": None, "os_backend": False, "error": reason}
    cls = type(backend)
    return {"backend": f"{cls.__module__}.{cls.__name__}", "os_backend": True,
            "priority": getattr(backend, "priority", None)}


def _history_key(kr: dict[str, Any]) -> dict[str, Any]:
    """Where the history key comes from now: the OS keyring, or a passphrase (and where that passphrase is
    taken from in this process). ``warn`` when it is not an OS keyring; ``problem`` when the history will not open."""
    import os

    from ..store import history_state

    try:
        state = history_state()
    except Exception as exc:  # an unreadable data folder
        return {"source": None, "warn": True, "problem": f"history state unreadable: {type(exc).__name__}: {exc}"}
    mode = state["mode"]
    info: dict[str, Any] = {"history_mode": mode, "history_exists": state["exists"], "warn": False, "problem": None}
    if mode == "missing-key-file":
        info.update(source=None, warn=True,
                    problem=f"{state['path']} exists without its key file: it cannot be opened (restore a backup)")
        return info
    if mode == "keyring" or (mode == "new" and kr.get("os_backend")):
        info["source"] = "os_keyring"
        info["detail"] = f"a random 256-bit key kept in the OS keyring ({kr.get('backend') or 'none usable'})"
        if not kr.get("os_backend"):
            info.update(warn=True, problem="the history's key is in an OS keyring that is not usable now: "
                        f"{kr.get('error') or 'no OS keyring'}")
        return info
    if os.environ.get("MEDASSIST_PASSPHRASE"):
        where = "MEDASSIST_PASSPHRASE (set in this environment)"
    elif sys.stdin is not None and sys.stdin.isatty():
        where = "the terminal prompt (MEDASSIST_PASSPHRASE is not set)"
    else:
        where = "none given here: set MEDASSIST_PASSPHRASE, or run in a terminal; the app asks in a dialog"
    why = "the history was created with a passphrase" if mode == "passphrase" else "no OS keyring is usable"
    info.update(source="passphrase", warn=True, passphrase_from=where,
                detail=f"derived from a passphrase (scrypt) because {why}; passphrase from {where}")
    return info


def collect() -> dict[str, Any]:
    from ..config import home_dir
    from ..netguard import status as guard_status

    versions = {"python": platform.python_version()}
    for label, dists in COMPONENTS:
        versions[label] = _version(dists)["version"]
    providers = _providers()
    packs = _packs(providers)
    report = {
        "versions": versions,
        "platform": f"{platform.system()} {platform.release()} {platform.machine()}",
        "data_folder": str(home_dir()),
        "execution_providers": providers,
        "packs": packs,
        "keyring": _keyring(),
        "network_guard": guard_status(),
    }
    report["history_key"] = hk = _history_key(report["keyring"])
    warnings = []
    if hk.get("source") == "passphrase":
        warnings.append(f"history key {hk['detail']}")
    notes = []
    if "error" not in providers and REMOTE_PROVIDERS & set(providers["available"]):
        notes.append(LOCAL_ONLY_NOTE.format(", ".join(sorted(REMOTE_PROVIDERS & set(providers["available"])))))
    if providers.get("fallback"):
        warnings.append(f"execution provider: {providers['fallback']}")
    problems = [f"pack {p['name']}: {p['error']}" for p in packs if not p["ok"]]
    if hk.get("problem"):
        problems.append(hk["problem"])
    report["warnings"] = warnings
    report["notes"] = notes
    if "error" in providers:
        problems.append(providers["error"])
    if not packs:
        problems.append("no model packs found (build with `make models` or `medassist models import PATH`)")
    report["problems"] = problems
    report["ok"] = not any(not p["ok"] for p in packs) and "error" not in providers and not hk.get("problem")
    return report


def render_text(r: dict[str, Any]) -> str:
    lines = ["MedAssist doctor", ""]
    lines.append("versions")
    for k, v in r["versions"].items():
        lines.append(f"  {k:<14} {v or 'not installed'}")
    lines.append(f"  {'platform':<14} {r['platform']}")
    lines.append(f"data folder      {r['data_folder']}")
    ep = r["execution_providers"]
    lines.append("execution providers")
    if "error" in ep:
        lines.append(f"  ERROR {ep['error']}")
    else:
        local = [a for a in ep["available"] if a not in REMOTE_PROVIDERS]
        remote = sorted(REMOTE_PROVIDERS & set(ep["available"]))
        lines.append(f"  available      {', '.join(local)}")
        if remote:
            lines.append("  NOTE           " + LOCAL_ONLY_NOTE.format(", ".join(remote)))
        lines.append(f"  setting        {ep['setting']} (threads: {ep['threads_setting'] or 'onnxruntime default'})")
        lines.append(f"  chosen         {', '.join(ep['chosen'])}")
        if "attached" in ep:
            lines.append(f"  attached       {', '.join(ep['attached'])} (session for {ep['attached_for']})")
        if ep.get("fallback"):
            lines.append(f"  fallback       {ep['fallback']}")
    lines.append("model packs")
    if not r["packs"]:
        lines.append("  none found")
    wn = max([len(p["name"]) for p in r["packs"]] + [22])
    for p in r["packs"]:
        state = "verified" if p["ok"] else f"FAILED: {p['error']}"
        extra = " (shadowed)" if p.get("shadowed") else ""
        lines.append(f"  {p['name']:<{wn}} {p.get('version', '?'):<8} {state}{extra}  {p['path']}")
    kr = r["keyring"]
    if kr.get("os_backend"):
        lines.append(f"keyring backend  {kr['backend']} (OS keyring)")
    else:
        lines.append(f"keyring backend  WARN none usable ({kr.get('error') or 'not an OS keyring'})")
    hk = r.get("history_key") or {}
    label = "PROBLEM" if hk.get("problem") else ("WARN" if hk.get("warn") else "OK")
    lines.append(f"history key      {label} {hk.get('problem') or hk.get('detail') or '?'}")
    ng = r["network_guard"]
    lines.append(
        f"network guard    {'installed' if ng['installed'] else 'NOT installed'}; "
        f"{ng['blocked_attempts']} outbound attempt(s) blocked"
    )
    lines.append("")
    warns = r.get("warnings") or []
    lines.append("status           " + ((f"WARN ({len(warns)} warning{'s' if len(warns) != 1 else ''})" if warns else "OK")
                                        if r["ok"] else "PROBLEMS"))
    for p in r["problems"]:
        lines.append(f"  - {p}")
    for w in warns:
        lines.append(f"  - warning: {w}")
    return "\n".join(lines)


def cmd_doctor(args) -> int:
    report = collect()
    if args.format == "json":
        print(json.dumps(report, indent=2, default=str))
    else:
        print(render_text(report))
    return 0 if report["ok"] else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(cmd_doctor(type("A", (), {"format": "text"})()))
