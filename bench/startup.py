"""Start-up and first-result timings of the desktop app, with peers measured in the same run.

    python bench/startup.py [--runs 7]

1. Process start -> window shown (painted), warm: median of N runs of ``python -m ui.app`` with
   MEDASSIST_EXIT_AFTER_SHOW=1 (first run discarded). Peer: a bare PySide6 QWidget window timed the same way.
   Goal <= 1.0 s.
2. Drop -> first codes with cold models: a fresh process starts the real window, a note is dropped, and the
   time until the Codes pane shows its result is taken (models load inside that time). Peer: the bare engine
   in a fresh process (import, read the note, code_document). Goal <= 2 s. Also shown: the same with the
   app's background warm-up (ui.app loads the coder after the window shows) and a drop 3 s after start.
3. Peak RSS with every default pack loaded: the same window process after codes, summary, letter and a
   report draft, plus an ONNX session for every pack model file (reference fp32 copies excepted). Peer: the
   bare QWidget window process. Goal <= 500 MB.

Timings on these VMs drift 2-4x over minutes; the ratios are measured in one run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"

BARE = r"""
import os, sys, resource
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel
sys.path.insert(0, %r)
from ui.app import process_age
app = QApplication([])
w = QLabel("bare window"); w.resize(960, 640)
class F(QObject):
    def eventFilter(self, o, e):
        if e.type() == QEvent.Paint and not getattr(self, "seen", False):
            self.seen = True
            QTimer.singleShot(0, done)
        return False
def done():
    print(json.dumps({"shown": process_age(), "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), flush=True)
    os._exit(0)
import json
f = F(); w.installEventFilter(f); w.show(); app.exec()
""" % str(ROOT)


def env(home: str) -> dict:
    e = dict(os.environ)
    e.update(MEDASSIST_HOME=home, MEDASSIST_PASSPHRASE="bench passphrase", QT_QPA_PLATFORM="offscreen",
             PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring", OMP_NUM_THREADS="2")
    return e


def window_shown(home: str) -> float:
    r = subprocess.run([sys.executable, "-m", "ui.app"], cwd=ROOT, env=dict(env(home), MEDASSIST_EXIT_AFTER_SHOW="1"),
                       capture_output=True, text=True, timeout=120)
    line = [x for x in r.stdout.splitlines() if x.startswith("window shown in")]
    if r.returncode != 0 or not line:
        raise SystemExit(f"ui.app failed: {r.stderr[-1500:]}")
    return float(line[-1].split()[3])


def bare(home: str) -> dict:
    r = subprocess.run([sys.executable, "-c", BARE], cwd=ROOT, env=env(home), capture_output=True, text=True, timeout=120)
    return json.loads(r.stdout.strip().splitlines()[-1])


def engine_codes(home: str) -> float:
    code = ("import time; t=time.perf_counter()\n"
            "from medassist.ingest import load_document\nfrom medassist.tasks.code import code_document\n"
            f"r = code_document(load_document({str(SAMPLES / 'clinic_note.txt')!r}))\n"
            "print(time.perf_counter()-t, len(r.codes))")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env(home), capture_output=True, text=True, timeout=300)
    return float(r.stdout.split()[0])


def child() -> None:
    """In a fresh process: window, drop, time to codes; then every task and every pack; peak RSS."""
    import resource

    from PySide6.QtCore import QEventLoop, QTimer

    from ui.app import create_app
    from ui.main_window import MainWindow
    from ui.tabs import NoteTab, StudyTab

    app = create_app([sys.argv[0]])
    w = MainWindow()
    w.show()

    def wait(cond, timeout=600.0):
        end = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > end:
                raise SystemExit("timed out")
            loop = QEventLoop()
            QTimer.singleShot(20, loop.quit)  # a faster pump would add GIL contention to the workers
            loop.exec()

    w.start_history()
    if os.environ.get("BENCH_PREWARM") == "1":  # as ui.app does: models load in the background after show
        w.prewarm()
        t_show = time.perf_counter()
        wait(lambda: time.perf_counter() - t_show > float(os.environ.get("BENCH_DROP_AFTER", "3")))
    wait(lambda: w.history is not None)
    t0 = time.perf_counter()
    w.on_files_dropped([str(SAMPLES / "clinic_note.txt")])
    tab = [None]

    def codes_ready():
        tabs = [w.tabs.widget(i) for i in range(w.tabs.count())]
        tab[0] = next((t for t in tabs if isinstance(t, NoteTab)), None)
        return tab[0] is not None and tab[0].codes.result is not None

    def rss_now() -> float:
        with open("/proc/self/status") as fh:
            return next(int(x.split()[1]) for x in fh if x.startswith("VmRSS:")) / 1024

    stages = {"window": rss_now()}
    wait(lambda: codes_ready() or tab[0] is not None)
    tab_open = time.perf_counter() - t0
    wait(codes_ready)
    first_codes = time.perf_counter() - t0
    stages["codes"] = rss_now()
    wait(lambda: all(p.result is not None or p.banner.state == "failed" for p in tab[0].panes.values()))
    all_note = time.perf_counter() - t0
    stages["summary+letter"] = rss_now()
    w.open_paths([str(SAMPLES / "ct_phantom")])
    wait(lambda: any(isinstance(w.tabs.widget(i), StudyTab) and w.tabs.widget(i).report.result is not None
                     for i in range(w.tabs.count())))
    stages["report"] = rss_now()
    from medassist.runtime.registry import list_packs
    from medassist.runtime.session import create_session

    loaded = []
    for pack in list_packs():
        for name in pack.files:
            if name.endswith(".onnx") and "fp32" not in name:
                create_session(pack.file(name))
                loaded.append(f"{pack.name}/{name}")
    stages["all packs"] = rss_now()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"first_codes": first_codes, "tab_open": tab_open, "all_note_tasks": all_note, "rss_mb": rss, "sessions": loaded,
                      "stages": stages}),
          flush=True)
    w.shutdown()
    os._exit(0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child()
        return
    home = tempfile.mkdtemp(prefix="medassist-bench-")
    window_shown(home), bare(home)  # warm the file cache
    app_t, bare_t, bare_rss = [], [], []
    for _ in range(args.runs):
        app_t.append(window_shown(home))
        b = bare(home)
        bare_t.append(b["shown"])
        bare_rss.append(b["rss_mb"])
    a, b = statistics.median(app_t), statistics.median(bare_t)
    print(f"1. start -> window shown (warm, median of {args.runs}): MedAssist {a:.2f} s, bare QWidget {b:.2f} s, "
          f"ratio {a / b:.2f}x  (goal <= 1.0 s: {'met' if a <= 1.0 else 'NOT met'})")
    def run_child() -> dict:
        r = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child"], cwd=ROOT, env=env(home),
                           capture_output=True, text=True, timeout=900)
        lines = [x for x in r.stdout.splitlines() if x.startswith("{")]
        if not lines:
            raise SystemExit(f"child failed: {r.stderr[-2000:]}")
        return json.loads(lines[-1])

    # first launch after install: no compiled-lexicon cache in the data folder yet (it is written then)
    shutil.rmtree(Path(home) / "cache", ignore_errors=True)
    first = run_child()
    c = run_child()  # every later launch: models still cold (fresh process), the lexicon cache present
    warm = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child"], cwd=ROOT,
                          env=dict(env(home), BENCH_PREWARM="1", BENCH_DROP_AFTER="3"), capture_output=True, text=True,
                          timeout=900)
    wl = [x for x in warm.stdout.splitlines() if x.startswith("{")]
    e = engine_codes(home)
    print(f"2. drop -> first codes (cold models, fresh process): {c['first_codes']:.2f} s; bare engine "
          f"(import + read + code_document, fresh process) {e:.2f} s, ratio {c['first_codes'] / e:.2f}x  "
          f"(goal <= 2 s: {'met' if c['first_codes'] <= 2.0 else 'NOT met'}); note tab open after {c['tab_open']:.2f} s; "
          f"all three note panes: {c['all_note_tasks']:.2f} s")
    print(f"   first launch after install (no compiled-lexicon cache yet): first codes {first['first_codes']:.2f} s")
    if wl:
        print(f"   with the app's background warm-up and a drop 3 s after start: first codes "
              f"{json.loads(wl[-1])['first_codes']:.2f} s")
    br = statistics.median(bare_rss)
    print(f"3. peak RSS with every default pack loaded ({len(c['sessions'])} ONNX sessions: {', '.join(c['sessions'])}; "
          f"after codes, summary, letter, report): {c['rss_mb']:.0f} MB; bare QWidget window {br:.0f} MB, "
          f"ratio {c['rss_mb'] / br:.1f}x  (goal <= 500 MB: {'met' if c['rss_mb'] <= 500 else 'NOT met'})")
    print("   RSS by stage (MB): " + ", ".join(f"{k} {v:.0f}" for k, v in c["stages"].items()))


if __name__ == "__main__":
    main()
