"""Mutation fuzzing of every parser a dropped file reaches. Each target gets a seed corpus of real inputs (the
project's samples, notes from ../shared/data when present, DICOM files shipped in the pydicom wheel, a built
model-pack manifest) and a stream of mutations (bit flips, byte edits, inserts, deletions, truncations,
duplicated and spliced chunks, interesting values). A target may refuse an input only with a typed
MedAssistError; anything else is a failure and is saved under --crash-dir with its traceback.

    python bench/fuzz.py --minutes 10            # long run, all targets, round-robin
    python bench/fuzz.py --inputs 2000 --seed 1  # fixed-size run (the test suite runs a small one)
"""

from __future__ import annotations

import argparse
import atexit
import hashlib
import io
import json
import os
import random
import shutil
import sys
import tempfile
import time
import traceback
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from medassist.errors import MedAssistError  # noqa: E402

INTERESTING = [b"\x00", b"\xff", b"\x7f", b"\x80", b"\xff\xff\xff\xff", b"\x00\x00\x00\x80", b"{", b"\\", b"\n",
               b"\r\n", b":", b"mg", b" BID", b"\xef\xbb\xbf", b"\xfe\xff", b"%PDF", b"PK\x03\x04", b"DICM"]


def mutate(data: bytes, rng: random.Random, corpus: list[bytes]) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 3, 6))):
        op = rng.randrange(9)
        n = len(buf)
        if op == 0 and n:  # bit flip
            i = rng.randrange(n)
            buf[i] ^= 1 << rng.randrange(8)
        elif op == 1 and n:  # random byte
            buf[rng.randrange(n)] = rng.randrange(256)
        elif op == 2:  # insert interesting bytes
            i = rng.randrange(n + 1)
            buf[i:i] = rng.choice(INTERESTING)
        elif op == 3 and n > 1:  # delete a chunk
            i = rng.randrange(n)
            del buf[i:i + rng.randrange(1, min(64, n - i) + 1)]
        elif op == 4 and n:  # truncate
            del buf[rng.randrange(n):]
        elif op == 5 and n > 1:  # duplicate a chunk
            i = rng.randrange(n)
            j = min(n, i + rng.randrange(1, 256))
            buf[j:j] = buf[i:j]
        elif op == 6 and corpus:  # splice with another seed
            other = rng.choice(corpus)
            if other:
                i, j = rng.randrange(len(buf) + 1), rng.randrange(len(other))
                buf = buf[:i] + other[j:j + rng.randrange(1, 512)]
        elif op == 7 and n >= 4:  # overwrite a 2/4-byte length-like field with an extreme value
            i = rng.randrange(n - 3)
            buf[i:i + 4] = rng.choice([b"\xff\xff\xff\xff", b"\x00\x00\x00\x00", b"\xff\xff\x00\x00", b"\x00\x00\xff\x7f"])
        elif op == 8:  # random garbage block
            i = rng.randrange(n + 1)
            buf[i:i] = os.urandom(rng.randrange(1, 32))
    return bytes(buf)


# ------------------------------------------------------------------------------------------- targets
class Target:
    name = ""

    def seeds(self) -> list[bytes]:
        raise NotImplementedError

    def run(self, data: bytes) -> None:
        raise NotImplementedError


class NoteBytes(Target):
    """Readers dispatch on content: text in any encoding, RTF, DOCX (zip), PDF."""

    name = "note-readers"

    def seeds(self):
        out = [p.read_bytes() for p in sorted((ROOT / "resources" / "samples").glob("*.txt"))]
        out.append(r"{\rtf1\ansi{\fonttbl\f0\fswiss Helvetica;}\f0\pard HPI: cough \par PLAN: rest\par}".encode())
        out.append("ALLERGIES: none\nPLAN: métformine 500 mg".encode("utf-16"))
        out.append(_docx_bytes("CHIEF COMPLAINT: knee pain\nPLAN: ibuprofen 400 mg PO TID"))
        out.append(_pdf_bytes("ASSESSMENT: pneumonia. PLAN: amoxicillin 500 mg PO TID."))
        return out

    def run(self, data):
        from medassist.ingest import document_from_bytes

        doc = document_from_bytes(data, source="<fuzz>")
        _check_spans(doc)


class Sectionizer(Target):
    """Any text at all must sectionize and split with exact spans and no exception."""

    name = "sectionizer"

    def seeds(self):
        return [p.read_bytes() for p in sorted((ROOT / "resources" / "samples").glob("*.txt"))] + _shared_notes(40)

    def run(self, data):
        from medassist.ingest import document_from_text

        text = data.decode("utf-8", "replace")
        try:
            doc = document_from_text(text, source="<fuzz>")
        except MedAssistError:
            return
        _check_spans(doc)


class SigParser(Target):
    name = "sig-parser"

    def seeds(self):
        return [s.encode() for s in (
            "1 tab PO BID", "2 puffs q4-6h PRN wheezing", "10 mg IV q8h x 5 days", "1 gtt OU qhs",
            "taper by 10 mg every 3 days", "1/2 tablet by mouth daily", "500 mg PO TID for 10 days",
            "stop ibuprofen", "increase lisinopril to 20 mg daily", "0.5 mL SC weekly", "apply topically BID prn")]

    def run(self, data):
        from medassist.text.sig import parse_sig

        text = data.decode("utf-8", "replace")
        sig = parse_sig(text)
        for span in _spans_of(sig):
            assert text[span.start:span.end] == span.text, "sig span does not match its text"


class DicomIngest(Target):
    """Header parsing and pixel decoding of mutated real DICOM files (in memory)."""

    name = "dicom"

    def seeds(self):
        from pydicom.data import get_testdata_file

        names = ["CT_small.dcm", "MR_small.dcm", "rtplan.dcm", "JPEG2000.dcm", "MR_small_RLE.dcm",
                 "SC_rgb_small_odd.dcm", "image_dfl.dcm", "JPEGLosslessP14SV1_1s_1f_8b.dcm", "SC_rgb_jpeg_gdcm.dcm"]
        out = []
        for n in names:
            p = get_testdata_file(n, download=False)
            if p:
                out.append(Path(p).read_bytes())
        out += [p.read_bytes() for p in sorted((ROOT / "resources" / "samples" / "ct_phantom").glob("*.dcm"))[:2]]
        return out

    def run(self, data):
        from medassist.ingest.dicom import Instance, load_instance

        obj = load_instance("<fuzz>.dcm", _data=data, _name="<fuzz>.dcm")
        if isinstance(obj, Instance):
            obj.display_frame(0)


class PackManifest(Target):
    """The model-pack manifest loader: mutated manifest.json beside real files."""

    name = "pack-manifest"

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="fuzz-pack-"))
        atexit.register(shutil.rmtree, self.dir, ignore_errors=True)  # no pack folder left in the temp dir
        (self.dir / "model.onnx").write_bytes(b"not really onnx, hashed only")
        (self.dir / "tokenizer.json").write_text("{}")

    def seeds(self):
        files = []
        for f in ("model.onnx", "tokenizer.json"):
            p = self.dir / f
            files.append({"path": f, "sha256": hashlib.sha256(p.read_bytes()).hexdigest(), "size": p.stat().st_size})
        manifest = {"name": "fuzz-pack", "task": "embedding", "version": "1.0.0", "licence": "Apache-2.0",
                    "source": "fuzz", "quantization": "int8", "files": files, "inputs": ["input_ids"],
                    "outputs": ["last_hidden_state"]}
        return [json.dumps(manifest, indent=1).encode()]

    def run(self, data):
        from medassist.runtime.packs import ModelPack

        (self.dir / "manifest.json").write_bytes(data)
        ModelPack.load(self.dir, verify=True)


def _spans_of(obj):
    from dataclasses import fields, is_dataclass

    from medassist.document import Span

    if isinstance(obj, Span):
        yield obj
    elif is_dataclass(obj):
        for f in fields(obj):
            yield from _spans_of(getattr(obj, f.name))
    elif isinstance(obj, (list, tuple)):
        for x in obj:
            yield from _spans_of(x)


def _check_spans(doc) -> None:
    n = len(doc.text)
    last = -1
    for s in doc.sections:
        assert 0 <= s.start <= s.body_start <= s.end <= n, "section span out of range"
    for s in doc.sentences:
        assert 0 <= s.start < s.end <= n and s.start >= last, "sentence span out of order or range"
        last = s.end


def _docx_bytes(text: str) -> bytes:
    import docx

    d = docx.Document()
    for line in text.splitlines():
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _pdf_bytes(text: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def _shared_notes(n: int) -> list[bytes]:
    path = ROOT.parent / "shared" / "data" / "codiesp" / "dev" / "text_files_en"
    if not path.is_dir():
        return []
    return [p.read_bytes()[:4000] for p in sorted(path.glob("*.txt"))[:n]]


TARGETS = {t.name: t for t in (NoteBytes, Sectionizer, SigParser, DicomIngest, PackManifest)}


def fuzz(targets: list[str], *, inputs: int | None = None, minutes: float | None = None, seed: int = 0,
         crash_dir: Path | None = None, quiet: bool = False) -> dict:
    rng = random.Random(seed)
    objs = [TARGETS[name]() for name in targets]
    corpora = {t.name: t.seeds() for t in objs}
    stats = {t.name: {"inputs": 0, "refused": 0, "failures": 0} for t in objs}
    failures: list[dict] = []
    deadline = time.monotonic() + minutes * 60 if minutes else None
    total = 0
    while True:
        if inputs is not None and total >= inputs:
            break
        if deadline is not None and time.monotonic() >= deadline:
            break
        t = objs[total % len(objs)]
        corpus = corpora[t.name]
        data = mutate(rng.choice(corpus), rng, corpus) if rng.random() > 0.02 else rng.choice(corpus)
        st = stats[t.name]
        st["inputs"] += 1
        total += 1
        try:
            t.run(data)
        except MedAssistError:
            st["refused"] += 1
        except Exception as exc:  # anything untyped is a finding
            st["failures"] += 1
            tb = traceback.format_exc()
            key = hashlib.sha1(data).hexdigest()[:12]
            failures.append({"target": t.name, "error": f"{type(exc).__name__}: {exc}"[:300], "input": key})
            if crash_dir:
                crash_dir.mkdir(parents=True, exist_ok=True)
                (crash_dir / f"{t.name}-{key}.bin").write_bytes(data)
                (crash_dir / f"{t.name}-{key}.txt").write_text(tb)
        if not quiet and total % 5000 == 0:
            print(f"  {total} inputs, {sum(s['failures'] for s in stats.values())} failures", flush=True)
    return {"inputs": total, "targets": stats, "failures": failures}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float)
    ap.add_argument("--inputs", type=int)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--targets", default=",".join(TARGETS))
    ap.add_argument("--crash-dir", default="fuzz-crashes")
    args = ap.parse_args(argv)
    if args.minutes is None and args.inputs is None:
        args.minutes = 1.0
    if "MEDASSIST_HOME" not in os.environ:
        home = tempfile.mkdtemp(prefix="fuzz-home-")
        atexit.register(shutil.rmtree, home, ignore_errors=True)
        os.environ["MEDASSIST_HOME"] = home
    import warnings

    warnings.simplefilter("ignore")  # pydicom warns on every malformed value; the table below is the report
    t0 = time.perf_counter()
    report = fuzz(args.targets.split(","), inputs=args.inputs, minutes=args.minutes, seed=args.seed,
                  crash_dir=Path(args.crash_dir))
    dt = time.perf_counter() - t0
    print(f"\n{'target':<16}{'inputs':>10}{'refused (typed)':>18}{'failures':>10}")
    for name, st in report["targets"].items():
        print(f"{name:<16}{st['inputs']:>10}{st['refused']:>18}{st['failures']:>10}")
    n_fail = len(report["failures"])
    print(f"\n{report['inputs']} inputs in {dt:.0f} s ({report['inputs'] / dt:.0f}/s); uncaught exceptions: {n_fail}")
    seen = set()
    for f in report["failures"]:
        if (f["target"], f["error"][:80]) not in seen:
            seen.add((f["target"], f["error"][:80]))
            print(f"  {f['target']}: {f['error']}  (input {f['input']})")
    return 1 if n_fail else 0


if __name__ == "__main__":
    sys.exit(main())
