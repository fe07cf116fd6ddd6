"""``medassist report PATH... [--findings TEXT|FILE] [--format text|json|jsonl|sr|pdf] [-o OUT]``.

Each PATH is one study: a DICOM file or a folder of them. text/json/jsonl print the draft; sr and pdf
write files: ``-o`` is the file for one input, or a folder (one file per input) for several.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ..cli import EXIT_OK, EXIT_SOME_FAILED, TaskOutput, add_common_options, expand_inputs, open_history, run_task
from ..errors import IngestError, MedAssistError, TaskError

FORMATS = ("text", "json", "jsonl", "sr", "pdf")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "report",
        help="DICOM study -> structured radiology report draft",
        description="Draft a structured radiology report (exam, clinical information, comparison, technique, "
        "findings, impression) for each study: a DICOM file or a folder. The draft is for a radiologist to edit.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="a DICOM file or a folder holding one study")
    p.add_argument("--findings", metavar="TEXT|FILE", help="the radiologist's findings (text, or a text file)")
    p.add_argument("--template", metavar="ID", help="force a template (e.g. ct_head); default: chosen from the tags")
    p.add_argument("--no-identifiers", action="store_true", help="text output: leave out patient name, ID and accession")
    add_common_options(p, FORMATS)
    p.set_defaults(func=run)


def _load_study(item) -> Any:
    """The ingest Study when the DICOM ingest is there, else the paths (the report reads headers itself)."""
    if item.is_stdin:
        raise IngestError("a DICOM study cannot be read from stdin: give a file or folder", path="-")
    if not item.path.exists():
        raise IngestError("no such file or folder", path=item.name)
    try:
        from ..ingest.dicom import load_study
    except ImportError:
        return item.path
    paths = [item.path]
    loaded = load_study(paths)
    studies = getattr(loaded, "studies", None)
    if not studies:
        errors = getattr(loaded, "errors", None) or []
        if errors:
            raise errors[0]
        raise IngestError("no DICOM image study found", path=item.name)
    best = max(studies, key=lambda s: sum(len(getattr(se, "instances", [])) for se in s.series))
    errors = list(getattr(loaded, "errors", None) or [])
    if errors:
        _SKIPPED[id(best)] = [
            {"file": str(getattr(e, "path", "") or item.name), "error": type(e).__name__, "message": str(getattr(e, "problem", "") or e)}
            for e in errors
        ]
    if len(studies) > 1:
        others = ", ".join(s.study_uid for s in studies if s is not best)
        _WARN[id(best)] = f"{item.name} holds {len(studies)} studies; this draft covers {best.study_uid} only (not: {others})"
    return best


_WARN: dict[int, str] = {}
_SKIPPED: dict[int, list[dict[str, str]]] = {}  # files of an input that could not be read (by id of its study)


def skipped_warning(name: str, skipped: list[dict[str, str]]) -> str:
    listed = "; ".join(f"{Path(s['file']).name}: {s['message']}" for s in skipped[:10])
    more = f"; and {len(skipped) - 10} more" if len(skipped) > 10 else ""
    return f"{len(skipped)} file{'s' if len(skipped) != 1 else ''} in {name} skipped (not in this draft): {listed}{more}"


def run(args) -> int:
    from ..tasks.report import draft_report
    from ..tasks.report_export import report_text, write_pdf, write_sr

    items = expand_inputs(args.paths, folders_whole=True)
    file_format = args.format in ("sr", "pdf")
    target = Path(args.output) if args.output else None
    if file_format:
        if target is None:
            raise TaskError(f"--format {args.format} writes a file: give -o OUT")
        if len(items) > 1:
            target.mkdir(parents=True, exist_ok=True)
        args.output = None  # run_task must not open the binary target as text
    history = None
    if not getattr(args, "no_history", False):
        try:
            history = open_history(args)
        except MedAssistError as exc:
            print(f"medassist report: comparison without history ({exc})", file=sys.stderr)
    n = len(items)
    partial: list[str] = []

    def one(item) -> TaskOutput:
        study = _load_study(item)
        skipped = _SKIPPED.pop(id(study), [])
        rep = draft_report(study, findings=args.findings, history=history, template_id=args.template)
        if id(study) in _WARN:
            rep.warnings.append(_WARN.pop(id(study)))
        if skipped:
            msg = skipped_warning(item.name, skipped)
            rep.warnings.insert(0, msg)
            partial.append(msg)
            print(f"medassist report: {msg}", file=sys.stderr)
        result = rep.to_dict()
        if skipped:
            result["skipped"] = skipped
        if file_format:
            suffix = ".dcm" if args.format == "sr" else ".pdf"
            out = target if n == 1 else target / f"{Path(item.name).stem or 'study'}-{rep.study_uid[-12:]}{suffix}"
            (write_sr if args.format == "sr" else write_pdf)(rep, out)
            result["output"] = str(out)
            print(f"{item.name}: wrote {out}")
        src = study if not isinstance(study, Path) else rep.headers
        params = {"findings": "user" if args.findings else None, "template": args.template, "format": args.format}
        return TaskOutput(result=result, source=src, models=rep.models, params=params)

    try:
        rc = run_task(args, "report", items, one, lambda r: report_text(r, identifiers=not args.no_identifiers))
        # files of a study folder that could not be read make the run partial, like a failed input
        return EXIT_SOME_FAILED if partial and rc == EXIT_OK else rc
    finally:
        if history is not None:
            history.close()
