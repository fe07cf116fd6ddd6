"""``medassist inspect PATH...`` — show what was read.

A note: its sections (name, title, offsets) and sentence counts. DICOM (a folder, a .dcm/.dicom/.zip
file, a DICOMDIR, or any file with the 'DICM' preamble): studies / series / instances with modality,
size (rows x cols), transfer syntax, frame count and photometric interpretation; the non-image objects
(SR, RT plan, ECG, ...) with their type; the clinical notes lying in a DICOM folder (read as notes); and
the files that could not be read, each with its error. When some files of an input could not be read, the
exit code is the partial one (2), as for an input that failed.

Nothing is recorded in the history (``--no-history`` is implied). ``--format text|json|jsonl``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sys

from ..cli import EXIT_OK, EXIT_SOME_FAILED, TaskOutput, add_common_options, expand_inputs, read_document, run_task
from ..errors import IngestError, MedAssistError

#: suffixes of files in a DICOM folder that are read as notes when they are not DICOM
NOTE_SUFFIXES = (".txt", ".text", ".md", ".rtf", ".docx", ".pdf")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "inspect",
        help="what was read: sections/sentences of a note, or study/series/instances of DICOM",
        description=__doc__,
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="note file, DICOM file/folder/DICOMDIR/zip, or - (stdin)")
    add_common_options(p)
    p.set_defaults(func=run)


def run(args) -> int:
    args.no_history = True  # inspecting reads only; nothing to record
    items = []
    for raw in args.paths:
        # a folder holding DICOM is one study input; a folder of notes is one input per note
        whole = raw == "-" or not Path(raw).is_dir() or _folder_has_dicom(Path(raw))
        items.extend(expand_inputs([raw], folders_whole=whole))
    unread: list[str] = []

    def one(item) -> TaskOutput:
        out = inspect_item(item)
        errs = out.result.get("errors") or []
        if errs:
            unread.append(f"{item.name}: {len(errs)} file{'s' if len(errs) != 1 else ''} could not be read")
        return out

    rc = run_task(args, "inspect", items, one, render_text)
    if unread and rc == EXIT_OK:
        for u in unread:
            print(f"medassist inspect: {u}", file=sys.stderr)
        return EXIT_SOME_FAILED
    return rc


def _folder_has_dicom(folder: Path, limit: int = 5000) -> bool:
    from ..ingest.dicom import is_dicom_path

    for k, f in enumerate(folder.rglob("*")):
        if k >= limit:
            return True  # a huge folder: let the DICOM reader decide file by file
        if f.is_file() and is_dicom_path(f):
            return True
    return False


def _is_dicom_item(item) -> bool:
    if item.is_stdin:
        data = item.data or b""
        return data[128:132] == b"DICM" or data[:4] == b"PK\x03\x04"
    from ..ingest.dicom import is_dicom_path

    return item.path.exists() and is_dicom_path(item.path)


def inspect_item(item) -> TaskOutput:
    if _is_dicom_item(item):
        return TaskOutput(result=inspect_dicom(item))
    doc = read_document(item)
    return TaskOutput(result=inspect_document(doc), source=doc)


def inspect_document(doc) -> dict[str, Any]:
    return {
        "kind": doc.kind,
        "source": doc.source,
        "chars": len(doc.text),
        "sections": [
            {**sec.to_dict(), "sentences": len(doc.sentences_in(sec))} for sec in doc.sections
        ],
        "sentence_count": len(doc.sentences),
        "metadata": {k: v for k, v in (doc.metadata or {}).items() if isinstance(v, (str, int, float, bool))},
    }


def inspect_dicom(item) -> dict[str, Any]:
    from ..ingest.dicom import error_dict, load_study, load_study_bytes

    if item.is_stdin:
        res = load_study_bytes(item.data or b"", "<stdin>")
    else:
        res = load_study([item.path])
    if not res.ok:
        if len(res.errors) == 1:
            raise res.errors[0]
        if not res.errors:
            raise IngestError("no DICOM files found", path=item.name)
        first = res.errors[0]
        raise type(first)(
            f"no readable DICOM object among {len(res.errors)} files (first: {first})", path=item.name
        )
    errors = list(res.errors)
    notes: list[dict[str, Any]] = []
    if not item.is_stdin:
        errors, notes = _notes_among(errors)
    studies = []
    for st in res.studies:
        d = st.to_dict()
        for se in d["series"]:
            for inst in se["instances"]:
                inst.pop("windows", None)
                inst.pop("position", None)
        studies.append(d)
    return {
        "kind": "dicom",
        "study_count": len(res.studies),
        "instance_count": len(res.instances),
        "studies": studies,
        "others": [o.to_dict() for o in res.others],
        "notes": notes,
        "errors": [error_dict(e) for e in errors],
        "duplicates": res.duplicates,
    }


def _notes_among(errors: list) -> tuple[list, list[dict[str, Any]]]:
    """Files of a DICOM folder that are not DICOM but have a note's suffix: read them as notes. A note that
    reads becomes an inspected note; one that does not keeps the note reader's error (clearer than 'no
    DICM marker' for a .txt file)."""
    from ..ingest import load_document
    from ..ingest.dicom_errors import NotDicomError

    kept: list = []
    notes: list[dict[str, Any]] = []
    for e in errors:
        path = getattr(e, "path", None)
        if not (isinstance(e, NotDicomError) and path and Path(str(path)).suffix.lower() in NOTE_SUFFIXES):
            kept.append(e)
            continue
        try:
            doc = load_document(str(path))
        except MedAssistError as exc:
            kept.append(exc)
            continue
        notes.append({"file": str(path), **inspect_document(doc)})
    return kept, notes


def render_text(rec: dict[str, Any]) -> str:
    if rec.get("kind") == "dicom":
        return _render_dicom(rec)
    lines = [f"{rec['file']}: {rec['kind']}, {rec['chars']} characters, {rec['sentence_count']} sentences"]
    for s in rec["sections"]:
        title = f" \"{s['title']}\"" if s.get("title") else ""
        lines.append(f"  {s['name']:<24}{title} [{s['start']}:{s['end']}] {s['sentences']} sentences")
    return "\n".join(lines)


def _render_dicom(rec: dict[str, Any]) -> str:
    out = [f"{rec['file']}: {rec['study_count']} studies, {rec['instance_count']} image instances"]
    for st in rec["studies"]:
        who = " ".join(x for x in (st["patient_name"], f"ID {st['patient_id']}" if st["patient_id"] else "") if x)
        out.append(f"Study {st['study_uid'] or '(no UID)'}  {st['study_date']}  {st['description']}  {who}".rstrip())
        for se in st["series"]:
            out.append(
                f"  Series {se['number'] if se['number'] is not None else '-'} {se['modality']} "
                f"\"{se['description']}\": {se['instance_count']} instances, {se['frame_count']} frames"
            )
            for inst in se["instances"]:
                num = inst["number"] if inst["number"] is not None else "-"
                out.append(
                    f"    #{num:<4} {inst['modality']:<3} {inst['size']:>9}  frames {inst['frames']:<4} "
                    f"{inst['photometric']:<13} {inst['transfer_syntax_name']}  {inst['path']}"
                )
    if rec["others"]:
        out.append("Non-image objects:")
        for o in rec["others"]:
            desc = f" \"{o['description']}\"" if o["description"] else ""
            out.append(f"  {o['type']} ({o['modality'] or '-'}){desc}  {o['path']}")
    if rec.get("notes"):
        out.append(f"Clinical notes, not DICOM ({len(rec['notes'])}):")
        for n in rec["notes"]:
            out.append("  " + render_text(n).replace("\n", "\n  "))
    if rec.get("duplicates"):
        out.append(f"Skipped {len(rec['duplicates'])} copies of instances already read (same SOP Instance UID)")
    if rec["errors"]:
        out.append(f"Not read ({len(rec['errors'])}):")
        for e in rec["errors"]:
            out.append(f"  {e['file']}: {e['error']}: {e['message']}")
    return "\n".join(out)
