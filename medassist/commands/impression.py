"""``medassist impression PATH... [--format text|json|jsonl]`` — radiology findings text -> impression draft.

Each input is the findings text of a radiology report (a file, a folder of files, or ``-`` for stdin). The
impression is written by the installed impression pack (trained here on IU X-ray reports, research use) with
a torch-free decoding loop; it is a draft for the radiologist. jsonl lines: ``{"file", "impression",
"elapsed_ms", ...}``.
"""

from __future__ import annotations

from ..cli import TaskOutput, add_common_options, expand_inputs, read_document, run_task


def register(subparsers) -> None:
    p = subparsers.add_parser("impression", help="radiology findings text -> impression draft", description=__doc__)
    p.add_argument("paths", nargs="+", metavar="PATH", help="findings text file, folder, or - (stdin)")
    p.add_argument("--pack", default=None, help="impression pack folder (default: the installed one)")
    p.add_argument("--beams", type=int, default=None, help="beam width (default: the pack's setting)")
    add_common_options(p)
    p.set_defaults(func=run)


def run(args) -> int:
    items = expand_inputs(args.paths)

    def one(item) -> TaskOutput:
        from ..tasks.impression import load_impression_model

        doc = read_document(item, kind="findings")
        text = doc.text
        # a whole report: use its FINDINGS section when there is one
        found = doc.sections_named("findings")
        if found:
            sec = found[0]
            text = doc.text[sec.body_start:sec.end]
        model = load_impression_model(args.pack)
        imp = model.generate(text, num_beams=args.beams)
        d = imp.to_dict()
        result = {"impression": d.pop("impression"), "elapsed_ms": d.pop("elapsed_ms"), **d}
        return TaskOutput(result=result, source=doc, models=[imp.model], params={"beams": args.beams})

    return run_task(args, "impression", items, one, render_text)


def render_text(d) -> str:
    """The draft, then its warnings and where it came from (so the checks are visible in text mode too)."""
    lines = [d.get("impression", "")]
    warnings = d.get("warnings") or []
    if warnings:
        lines.append("WARNINGS:")
        lines.extend(f"  ! {w}" for w in warnings)
    prov = d.get("provenance") or {}
    if prov:
        src = prov.get("source", "?")
        lines.append(f"SOURCE: {src} - {prov.get('detail', '')}")
        if src != "model" and prov.get("model_draft"):
            lines.append(f"  model draft (not used): {prov['model_draft']}")
    model = d.get("model") or {}
    if model.get("name"):
        lines.append(f"MODEL: {model['name']} {model.get('version', '')} (draft for radiologist review)")
    return "\n".join(lines) + "\n"
