"""Screenshots of the viewer for the docs: ``python -m ui.viewer_shots OUT.png PATH... [--preset NAME]
[--measure X0,Y0,X1,Y1] [--no-identifiers] [--size 1280x800]``.

Run under a real X server (Xvfb) with ``QT_QPA_PLATFORM=xcb``; the window is shown, decoded in the
background like in the app, then grabbed.
"""

from __future__ import annotations

import argparse
import sys
import time


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="viewer_shots")
    ap.add_argument("out")
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--preset")
    ap.add_argument("--measure", help="image coordinates x0,y0,x1,y1 of a distance to draw")
    ap.add_argument("--no-identifiers", action="store_true")
    ap.add_argument("--size", default="1280x800")
    args = ap.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    from medassist.ingest.dicom import load_study

    from .viewer import DicomViewer

    app = QApplication.instance() or QApplication(sys.argv[:1])
    loaded = load_study(args.paths)
    if not loaded.studies:
        print(f"no image study in {args.paths}: {[str(e) for e in loaded.errors]}", file=sys.stderr)
        return 1
    v = DicomViewer()
    w, h = (int(x) for x in args.size.split("x"))
    v.resize(w, h)
    v.setWindowTitle("MedAssist viewer")
    v.show()
    v.load_study(loaded.studies[0])
    t0 = time.time()
    while (v.loaded < v.frame_count() or any(v.series_list.item(i).icon().isNull() for i in range(v.series_list.count()))) and time.time() - t0 < 60:
        app.processEvents()
        time.sleep(0.01)
    if args.preset:
        v.apply_preset(args.preset)
    if args.no_identifiers:
        v.set_identifiers_visible(False)
    if args.measure:
        x0, y0, x1, y1 = (float(x) for x in args.measure.split(","))
        v._set_measurement((x0, y0), (x1, y1))
    for _ in range(30):
        app.processEvents()
        time.sleep(0.01)
    v.grab().save(args.out)
    print(f"wrote {args.out}: {v.overlay_text()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
