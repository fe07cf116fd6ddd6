"""Smoke test of the built bundle: start the real binary with an empty environment (`env -i`) and no network
(`unshare -n`, where permitted), run a sample note and the sample DICOM study through its CLI mode, check the
outputs, and time process start -> window shown (offscreen).

    python installers/linux/smoke.py dist/MedAssist/MedAssist
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "resources" / "samples"


def _isolation() -> list[str]:
    if shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
        return ["unshare", "-n"]
    print("note: unshare -n not permitted here; running with the network namespace as is")
    return []


def main(binary: str) -> int:
    binary = str(Path(binary).resolve())
    home = Path(tempfile.mkdtemp(prefix="medassist-smoke-"))
    env = ["env", "-i", f"HOME={home}", f"MEDASSIST_HOME={home / 'data'}", "MEDASSIST_PASSPHRASE=smoke-test-passphrase",
           "QT_QPA_PLATFORM=offscreen", "PATH=/usr/bin:/bin", "LANG=C.UTF-8"]
    prefix = _isolation() + env
    failures: list[str] = []

    def cli(*args: str, timeout: int = 180) -> subprocess.CompletedProcess:
        return subprocess.run(prefix + [binary, "--cli", *args], capture_output=True, text=True, timeout=timeout)

    def check(name: str, ok: bool, detail: str = "") -> None:
        print(f"[{'ok' if ok else 'FAIL'}] {name}" + (f" — {detail}" if detail else ""))
        if not ok:
            failures.append(name)

    r = cli("--version")
    check("version", r.returncode == 0 and "medassist" in r.stdout, r.stdout.strip() or r.stderr[-300:])
    r = cli("models", "verify")
    ok_packs = [ln.split()[1] for ln in r.stdout.splitlines() if ln.startswith("OK")]
    check("model packs verify", r.returncode == 0 and len(ok_packs) >= 3,
          f"{len(ok_packs)} packs verified: {', '.join(ok_packs)}" if ok_packs else r.stderr[-300:])
    r = cli("code", str(SAMPLES / "discharge_summary.txt"), "--format", "json")
    try:
        codes = json.loads(r.stdout)["codes"]
        suggested = [c["code"] for c in codes if c.get("suggested")]
        check("code a sample note", r.returncode == 0 and any(c.startswith("J18") for c in suggested),
              f"suggested: {', '.join(suggested[:8])}")
    except (ValueError, KeyError) as exc:
        check("code a sample note", False, f"{exc}: {r.stderr[-400:]}")
    r = cli("inspect", str(SAMPLES / "ct_phantom"), "--format", "json")
    check("inspect the sample DICOM study", r.returncode == 0 and "1.2.826.0.1.3680043.10.1455.1" in r.stdout
          and '"CT"' in r.stdout, r.stderr[-300:])
    r = cli("report", str(SAMPLES / "ct_phantom"), "--format", "json", "--no-history")
    try:
        rep = json.loads(r.stdout)
        sections = [s.get("title") or s.get("id") for s in rep.get("sections", [])]
        check("report draft for the sample study", r.returncode == 0 and rep.get("template_id") == "ct_chest"
              and rep.get("draft") is True and len(sections) >= 2,
              f"template {rep.get('template_id')}, sections: {', '.join(map(str, sections))}")
    except (ValueError, AttributeError) as exc:
        check("report draft for the sample study", False, f"{exc}: {r.stderr[-300:]}")
    r = cli("history", "list")
    check("encrypted history holds the coded note", r.returncode == 0 and "code" in r.stdout, r.stderr[-300:])

    t0 = time.perf_counter()
    r = subprocess.run(prefix + ["MEDASSIST_EXIT_AFTER_SHOW=1", binary], capture_output=True, text=True, timeout=120)
    wall = time.perf_counter() - t0
    shown = [l for l in r.stdout.splitlines() if l.startswith("window shown")]
    check("window opens (offscreen)", r.returncode == 0 and bool(shown), (shown[0] if shown else r.stderr[-300:]))
    print(f"process start -> exit after window shown: {wall:.2f} s (goal: window <= 1.5 s)")
    shutil.rmtree(home, ignore_errors=True)
    print(f"smoke: {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "dist" / "MedAssist" / "MedAssist")))
