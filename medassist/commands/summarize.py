"""``medassist summarize PATH... [--length short|standard|detailed] [--format text|json|jsonl]``.

A structured, extractive summary of each note: synopsis, active problems, medications (dose, route,
frequency when written), medications given in hospital only, allergies, key results, procedures, plan,
follow-up and return precautions, every item with its evidence spans. ``--abstractive`` adds a prose draft written by an installed LLM or seq2seq pack from the same
facts, with every unsupported number, drug, side or negation flagged (off by default; no such pack ships).
"""

from __future__ import annotations

from ..cli import TaskOutput, add_common_options, expand_inputs, read_document, run_task


def register(subparsers) -> None:
    p = subparsers.add_parser("summarize", help="structured summary of a clinical note, with evidence", description=__doc__)
    p.add_argument("paths", nargs="+", metavar="PATH", help="note file, folder, or - (stdin)")
    p.add_argument("--length", choices=["short", "standard", "detailed"], default="standard")
    p.add_argument("--no-embeddings", action="store_true", help="choose synopsis/plan sentences by position, not the embedder")
    p.add_argument("--abstractive", metavar="PACK", nargs="?", const="auto", default=None,
                   help="also write a checked prose draft with an LLM/seq2seq pack folder (default: an installed one)")
    add_common_options(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..tasks.summarize import render_text

    items = expand_inputs(args.paths)

    def one(item) -> TaskOutput:
        from ..tasks.summarize import abstractive_summary, summarize

        doc = read_document(item)
        s = summarize(doc, args.length, use_embeddings=not args.no_embeddings)
        if args.abstractive:
            from ..errors import ModelPackError

            try:
                abstractive_summary(doc, s, pack=None if args.abstractive == "auto" else args.abstractive)
            except ModelPackError as exc:  # the extractive summary stands; say why there is no prose
                s.warnings.append(f"no prose draft: {exc}")
        return TaskOutput(result=s.to_dict(), source=doc, models=s.models,
                          params={"length": args.length, "embeddings": not args.no_embeddings, "abstractive": args.abstractive})

    return run_task(args, "summarize", items, one, render_text)
