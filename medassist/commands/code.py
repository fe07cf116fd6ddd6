"""``medassist code PATH... [--format text|json|jsonl|csv] [-o OUT] [--limit N] [--retrieval]``.

ICD-10-CM codes for each note, with the evidence for each code, its context status and validation
warnings. Suggested codes are drafts for a coder to accept or reject.
"""
from __future__ import annotations

import argparse
import csv
import sys
from typing import Any

from ..cli import TaskOutput, add_common_options, expand_inputs, read_document, run_task
from ..errors import MedAssistError

FORMATS = ("text", "json", "jsonl", "csv")
CSV_FIELDS = ["file", "code", "description", "score", "suggested", "status", "billable", "evidence_text", "warnings"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "code",
        help="note -> ICD-10-CM codes with evidence",
        description="Suggest ICD-10-CM (April 2026) codes for each note, each with the text that supports it, "
        "its context (affirmed, negated, uncertain, historical, family, hypothetical), billable flag and "
        "validation warnings. Only affirmed codes above the operating threshold are suggested; the other "
        "candidates are listed below them.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="a note file, a folder of notes, or - for stdin")
    p.add_argument("--limit", type=int, default=25, metavar="N",
                   help="text output: how many non-suggested candidates to show (default: %(default)s)")
    p.add_argument("--retrieval", action=argparse.BooleanOptionalAction, default=None,
                   help="also list codes found by embedding similarity (sentence vs code description), below the "
                   "scored ones and never suggested; slower (default: the coder_retrieval setting, off)")
    add_common_options(p, FORMATS)
    p.set_defaults(func=run)


def _record(result_dict: dict[str, Any]) -> dict[str, Any]:
    keep = ("code", "description", "score", "suggested", "status", "billable", "evidence", "warnings")
    keep_retrieval = keep + ("source", "similarity")  # retrieval candidates say so
    return {"codes": [{k: c[k] for k in (keep_retrieval if c.get("source") == "retrieval" else keep)}
                      for c in result_dict["codes"]],
            "threshold": result_dict["threshold"]}


def run(args) -> int:
    from ..tasks.code import code_document, get_coder

    items = expand_inputs(args.paths)
    retrieval = args.retrieval
    if retrieval is None:
        from ..config import Settings

        retrieval = bool(getattr(Settings.load(), "coder_retrieval", False))
    coder = None
    rows: list[dict[str, Any]] = []

    def fn(item) -> TaskOutput:
        nonlocal coder
        doc = read_document(item)
        if coder is None:
            coder = get_coder()
        result = code_document(doc, coder=coder, retrieval=retrieval)
        rec = _record(result.to_dict())
        rec["elapsed_ms"] = getattr(result, "elapsed_ms", None)
        if args.format == "csv":
            rows.append({"file": item.name, **rec})
        return TaskOutput(result=rec, source=doc, models=result.models,
                          params={"threshold": result.threshold})

    def guarded(item):
        try:
            return fn(item)
        except MedAssistError as exc:
            if args.format == "csv":
                rows.append({"file": item.name, "error": str(exc)})
            raise

    rc = run_task(args, "code", items, guarded, lambda rec: render_text(rec, limit=args.limit))
    if args.format == "csv":
        write_csv(rows, args)
    return rc


def write_csv(rows, args) -> None:
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout
    try:
        w = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
        w.writeheader()
        for rec in rows:
            if "error" in rec:
                w.writerow({"file": rec["file"], "warnings": f"error: {rec['error']}"})
                continue
            for c in rec["codes"]:
                w.writerow({"file": rec["file"], "code": c["code"], "description": c["description"],
                            "score": f"{c['score']:.4f}", "suggested": str(c["suggested"]).lower(),
                            "status": c["status"], "billable": str(c["billable"]).lower(),
                            "evidence_text": " | ".join(e["text"] for e in c["evidence"]),
                            "warnings": " | ".join(c["warnings"])})
    finally:
        if out is not sys.stdout:
            out.close()


def render_text(rec: dict[str, Any], limit: int = 25) -> str:
    codes = rec.get("codes", [])
    sug = [c for c in codes if c["suggested"]]
    rest = [c for c in codes if not c["suggested"] and c.get("source") != "retrieval"]
    similar = [c for c in codes if c.get("source") == "retrieval"]
    lines = [f"Suggested ICD-10-CM codes ({len(sug)}) — drafts for a coder to check:"]
    if not sug:
        lines.append("  (none above the threshold)")
    for c in sug:
        lines.append(f"  {c['code']:<9} {c['description']}  [score {c['score']:.2f}"
                     f"{'' if c['billable'] else ', NOT billable'}]")
        for e in c["evidence"]:
            lines.append(f"      \"{e['text']}\" (chars {e['start']}-{e['end']})")
        for w in c["warnings"]:
            lines.append(f"      ! {w}")
    _candidate_block(lines, "Other candidates (not suggested", rest, limit,
                     lambda c: f"{c['status']}, {c['score']:.2f}")
    _candidate_block(lines, "Similar by meaning only (--retrieval; never suggested", similar, limit,
                     lambda c: f"cosine {c['similarity']:.2f}")
    return "\n".join(lines)


def _candidate_block(lines: list[str], title: str, items: list[dict], limit: int, tag) -> None:
    """One line per listed candidate: code, description, a tag, and its first evidence."""
    if not items:
        return
    lines.append("")
    lines.append(f"{title}; {min(limit, len(items))} of {len(items)}):")
    for c in items[:limit]:
        ev = c["evidence"][0]["text"] if c["evidence"] else "no evidence"
        lines.append(f"  {c['code']:<9} {c['description'][:70]}  [{tag(c)}] \"{ev[:120]}\"")
