"""``medassist letter PATH... [--kind patient|discharge|gp] [--format text|json|jsonl|docx|pdf] [-o OUT]``.

text prints the letter (for the clipboard); json/jsonl carry text, readability, facts (with evidence),
missing and warnings; docx and pdf write files: ``-o`` is the file for one input, or a folder (one file
per input) for several.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..cli import TaskOutput, add_common_options, expand_inputs, read_document, run_task
from ..errors import TaskError

FORMATS = ("text", "json", "jsonl", "docx", "pdf")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "letter",
        help="note -> plain-language letter (patient, discharge, or to the referring doctor)",
        description="Draft a letter from a clinical note: an after-visit summary for the patient, discharge "
        "instructions, or a clinic letter to the referring doctor. Facts come from the note with evidence; "
        "numbers, doses, drugs, dates and sides in the letter are checked against the note. A clinician checks "
        "every letter before it is sent.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="a note file, a folder of notes, or - for stdin")
    p.add_argument("--kind", choices=("patient", "discharge", "gp"), default="patient",
                   help="patient (after-visit summary), discharge (instructions) or gp (letter to the referring doctor)")
    add_common_options(p, FORMATS)
    p.set_defaults(func=run)


def render_text(record: dict[str, Any]) -> str:
    out = [record["text"].rstrip()]
    notes = []
    for w in record.get("warnings") or []:
        notes.append(f"! {w}")
    jar = [j for j in record.get("jargon") or [] if not j.get("explained")]
    if jar:
        notes.append("Hard words left: " + "; ".join(f"{j['text']} (say: {j['plain']})" for j in jar))
    if notes:
        out += ["", "-- checks (not part of the letter) --", *notes]
    return "\n".join(out) + "\n"


def _out_name(item_name: str, kind: str, suffix: str) -> str:
    stem = Path(item_name).stem if item_name != "-" else "stdin"
    return f"{stem or 'note'}-{kind}{suffix}"


def run(args) -> int:
    from ..config import Settings
    from ..export import export_docx, export_pdf
    from ..tasks.letter import write_letter

    items = expand_inputs(args.paths)
    file_format = args.format in ("docx", "pdf")
    target = Path(args.output) if args.output else None
    if file_format:
        if target is None:
            raise TaskError(f"--format {args.format} writes a file: give -o OUT (a file, or a folder for several inputs)")
        if len(items) > 1 or target.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        args.output = None  # run_task must not open the binary target as text
    settings = Settings.load()
    n = len(items)

    def one(item) -> TaskOutput:
        doc = read_document(item)
        letter = write_letter(doc, kind=args.kind, settings=settings)
        result = letter.to_dict()
        if file_format:
            suffix = "." + args.format
            out = target / _out_name(item.name, args.kind, suffix) if (n > 1 or target.is_dir()) else target
            meta = {"author": settings.clinician_name, "subject": f"{args.kind} letter"}
            (export_docx if args.format == "docx" else export_pdf)(letter.title, letter.paragraphs(), out, meta=meta)
            result["output"] = str(out)
            print(f"{item.name}: wrote {out}")
        return TaskOutput(result=result, source=doc, models=[], params={"kind": args.kind, "format": args.format})

    return run_task(args, "letter", items, one, render_text)
