"""``medassist letter PATH... [--kind patient|discharge|gp] [--format text|json|jsonl|docx|pdf] [-o OUT]``.

text prints the letter (for the clipboard); json/jsonl carry text, readability, facts (with evidence),
missing and warnings; docx and pdf write files: ``-o`` is the file for one input, or a folder (one file
per input) for several.

``--rewrite`` (off by default; or the setting ``letter_rewrite``) adds a model rewrite of the letter's prose
(``medassist.tasks.letter_rewrite``), used only if it passes the same fact check; json key ``rewrite``:
{"text", "used", "reasons", "model", ...}. With no rewrite pack installed every letter is still written (its
``rewrite`` says why there is none) and the exit code is 3 (ModelPackError) with the pack to install on stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ..cli import TaskOutput, add_common_options, expand_inputs, read_document, run_task
from ..errors import ModelPackError, TaskError

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
    p.add_argument("--kind", choices=("auto", "patient", "discharge", "gp"), default="auto",
                   help="patient (after-visit summary), discharge (instructions) or gp (letter to the referring doctor); "
                   "auto (default): discharge instructions for a note about a hospital stay, else the after-visit summary")
    p.add_argument("--rewrite", action="store_true", default=None,
                   help="add a smoother model rewrite of the letter (an installed letter-llm / letter-seq2seq pack); "
                   "it is used only if it passes the same fact check, else the template letter stays "
                   "(default: the letter_rewrite setting, off)")
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
    rw = record.get("rewrite")
    if rw and rw.get("used"):  # the rewrite is shown as the letter, and said to be one
        out = [rw["text"].rstrip()]
        notes.append(f"Model rewrite ({rw.get('model')}): used - it passed the fact check "
                     "(the template letter is in the JSON output as 'text')")
    elif rw:
        notes.append(f"Model rewrite ({rw.get('model') or 'none'}): NOT used - the template letter above stands")
        notes += [f"  - {r}" for r in rw.get("reasons") or []]
        if rw.get("text"):
            notes += ["  The refused rewrite:", *(f"  | {ln}" for ln in rw["text"].rstrip().split("\n"))]
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
    rewrite = args.rewrite if args.rewrite is not None else bool(getattr(settings, "letter_rewrite", False))
    no_pack: list[ModelPackError] = []
    pack = None
    if rewrite:
        from ..tasks.letter_rewrite import INSTALL_HINT, find_rewrite_pack

        pack = find_rewrite_pack()
        if pack is None:  # every letter is still written; the run ends with exit 3 naming what to install
            no_pack.append(ModelPackError(INSTALL_HINT))

    def one(item) -> TaskOutput:
        doc = read_document(item)
        letter = write_letter(doc, kind=args.kind, settings=settings)
        kind = letter.kind  # (auto: the one the note called for)
        models: list[dict[str, Any]] = []
        if rewrite:
            from ..tasks.letter_rewrite import rewrite_letter, rewrite_unavailable

            if no_pack:
                rewrite_unavailable(letter, str(no_pack[0]))
            else:
                try:
                    rewrite_letter(letter, doc, pack=pack)
                    models.append({"name": pack.name, "task": "letter rewrite"})
                except ModelPackError as exc:  # a broken pack: the template letter still stands
                    rewrite_unavailable(letter, str(exc))
                    no_pack.append(exc)
        result = letter.to_dict()
        if file_format:
            suffix = "." + args.format
            out = target / _out_name(item.name, kind, suffix) if (n > 1 or target.is_dir()) else target
            meta = {"author": settings.clinician_name, "subject": f"{kind} letter"}
            (export_docx if args.format == "docx" else export_pdf)(letter.title, letter.paragraphs(), out, meta=meta)
            result["output"] = str(out)
            print(f"{item.name}: wrote {out}")
        return TaskOutput(result=result, source=doc, models=models,
                          params={"kind": kind, "format": args.format, "rewrite": bool(rewrite)})

    rc = run_task(args, "letter", items, one, render_text)
    if no_pack and rc == 0:
        print(f"medassist letter: {no_pack[0]}", file=sys.stderr)
        return no_pack[0].exit_code
    return rc
