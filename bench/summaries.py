"""Structured summaries on ACI-Bench (train+valid `note` column) and MTSamples notes: evidence exactness,
medication/allergy recall, and time per note with and without the embedder (the peer), in one run.

    python bench/summaries.py [--length standard] [--limit N] [--no-embed]

What "named" means (so the recall is honest about what it measures):
- For every section the sectionizer calls medications / discharge_medications / allergies, and every
  "…MEDICATIONS:" / "ALLERGIES…:" header embedded in another section's text, the section body runs to the next
  upper-case "HEADER:".
- A medication (allergy) is *named* there when the drug lexicon (resources/drugs.json: CMS Table of Drugs +
  curated generics/brands + generic suffixes; allergens for allergies) finds a name in that body. It is
  *recalled* when the summary's medications (allergies) part — for medications, also the "given in hospital" part
  where an inpatient-only drug of the list is shown — has an item whose name (substance) span overlaps it.
- Lines of those sections with no lexicon name (brands the lexicon lacks, prose) are counted separately,
  with how many the summary still keeps as unrecognised items.
A "no known allergies" statement is recalled when the allergies part shows it.
An allergen denied in its own sentence ("The patient denies latex allergy": "denies", "no", "not", "negative for" or
"without" between the sentence start and the name) is not counted as named; it is counted apart, with how many the
summary wrongly shows as allergies.
"""

from __future__ import annotations

import argparse
import csv
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"

_HDR = re.compile(r"(?:(?<=^)|(?<=[\n,.]))\s*[A-Z][A-Z/&' ]{2,}[A-Z]\s*:")
_NONE = re.compile(r"^\W*(?:none|no known|nkda|nka|no medications|he is on no|she is on no|n/a)\b|"
                   r"\b(?:denies|not (?:currently )?taking|does not take)\b", re.I)


def load_notes(limit: int = 0) -> list[tuple[str, str]]:
    notes: list[tuple[str, str]] = []
    for split in ("train", "valid"):
        p = DATA / "aci-bench" / f"{split}.csv"
        if p.exists():
            with open(p, newline="", encoding="utf-8") as f:
                for i, r in enumerate(csv.DictReader(f)):
                    notes.append((f"aci-{split}-{i}", r["note"]))
    p = DATA / "mtsamples-subset" / "mtsamples_first400.csv"
    if p.exists():
        with open(p, newline="", encoding="utf-8") as f:
            for i, r in enumerate(csv.reader(f)):
                if len(r) > 4 and r[4].strip():
                    notes.append((f"mts-{i}", r[4]))
    return notes[:limit] if limit else notes


def gold_bodies(doc) -> dict[str, list[tuple[int, int]]]:
    """{"medications": [(a, b)...], "allergies": [...]} — section bodies, cut at the next HEADER:."""
    out: dict[str, list[tuple[int, int]]] = {"medications": [], "allergies": []}
    text = doc.text
    for sec in doc.sections:
        kinds = []
        if sec.name in ("medications", "discharge_medications"):
            kinds.append(("medications", sec.body_start))
        elif sec.name == "allergies":
            kinds.append(("allergies", sec.body_start))
        for m in _HDR.finditer(text, sec.body_start + 1, sec.end):
            h = m.group().upper()
            if "ALLERG" in h:
                kinds.append(("allergies", m.end()))
            elif "MEDICATION" in h and "ANESTHE" not in h:
                kinds.append(("medications", m.end()))
        for kind, a in kinds:
            nxt = _HDR.search(text, a + 1, sec.end)
            while nxt and nxt.start() <= a + 1:
                nxt = _HDR.search(text, nxt.end(), sec.end)
            out[kind].append((a, nxt.start() if nxt else sec.end))
    return out


_DENIED = re.compile(r"\b(?:denies|denied|no|not|negative for|without)\b", re.I)


def overlaps(a: int, b: int, spans) -> bool:
    return any(s < b and a < e for s, e in spans)


def check_evidence(doc, summary) -> int:
    bad = 0
    for it in summary.items():
        for sp in it.evidence:
            bad += doc.text[sp.start:sp.end] != sp.text
        for sp in (it.fields.get("spans") or {}).values():
            bad += doc.text[sp["start"]:sp["end"]] != sp["text"]
        if not it.composed and it.text not in (sp.text for sp in it.evidence):
            bad += 1
    return bad


def main(argv=None) -> dict:
    from medassist.ingest import document_from_text
    from medassist.tasks.extract import drug_lexicon, extract_facts, list_items
    from medassist.tasks.summarize import check_generated, facts_prompt, summarize

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--length", default="standard", choices=["short", "standard", "detailed"])
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--no-embed", action="store_true", help="skip the with-embeddings pass")
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args(argv)

    notes = load_notes(args.limit)
    lex = drug_lexicon()
    docs = [(name, document_from_text(text)) for name, text in notes]
    # warm-up (lexicon, regexes, embedder session)
    summarize(docs[0][1], args.length, use_embeddings=not args.no_embed)

    stats = {"notes": len(docs), "evidence_bad": 0, "items": 0, "med_named": 0, "med_recalled": 0, "all_named": 0, "all_recalled": 0,
             "nka_named": 0, "nka_recalled": 0, "med_unnamed_lines": 0, "med_unnamed_kept": 0,
             "all_denied": 0, "all_denied_shown": 0}
    t_plain, t_embed, c_plain, c_embed, misses = [], [], [], [], []
    for name, doc in docs:
        t0, c0 = time.perf_counter(), time.process_time()
        s = summarize(doc, args.length, use_embeddings=False)
        t_plain.append((time.perf_counter() - t0) * 1000)
        c_plain.append((time.process_time() - c0) * 1000)
        if not args.no_embed:
            t0, c0 = time.perf_counter(), time.process_time()
            se = summarize(doc, args.length, use_embeddings=True)
            t_embed.append((time.perf_counter() - t0) * 1000)
            c_embed.append((time.process_time() - c0) * 1000)
            stats["evidence_bad"] += check_evidence(doc, se)
            stats["items"] += len(se.items())
        stats["evidence_bad"] += check_evidence(doc, s)
        stats["items"] += len(s.items())
        # the prose checker on text that is all the note's own words: every flag here is a false alarm
        stats["checker_false_flags"] = stats.get("checker_false_flags", 0) + len(check_generated(facts_prompt(s), doc))

        med_parts = s.medications + s.hospital_medications  # a listed drug given only in hospital is shown apart
        med_spans = [(it.fields["spans"]["name"]["start"], it.fields["spans"]["name"]["end"]) for it in med_parts if "spans" in it.fields]
        med_ev = [(e.start, e.end) for it in med_parts for e in it.evidence]
        all_spans = [(it.fields["spans"]["substance"]["start"], it.fields["spans"]["substance"]["end"]) for it in s.allergies if "spans" in it.fields]
        has_nka = any(it.kind == "no_known_allergies" for it in s.allergies)
        bodies = gold_bodies(doc)
        for a, b in bodies["medications"]:
            for h in lex.find(doc.text, a, b):
                if h.source == "allergen":
                    continue
                stats["med_named"] += 1
                if overlaps(h.start, h.end, med_spans):
                    stats["med_recalled"] += 1
                else:
                    misses.append((name, "medication", doc.text[h.start:h.end], doc.text[max(a, h.start - 40):h.end + 40]))
            for ls, le in list_items(doc.text, a, b):
                if not lex.find(doc.text, ls, le) and not _NONE.match(doc.text[ls:le]) and len(doc.text[ls:le].split()) <= 12:
                    stats["med_unnamed_lines"] += 1
                    stats["med_unnamed_kept"] += overlaps(ls, le, med_ev)
        for a, b in bodies["allergies"]:
            body = doc.text[a:b]
            if re.search(r"\b(?:no known|nkda|nka)\b|^\W*none\W*$", body, re.I):
                stats["nka_named"] += 1
                stats["nka_recalled"] += has_nka
            for h in lex.find(doc.text, a, b):
                sent = max(a, *(m.end() for m in re.finditer(r"[.;\n]\s", doc.text[:h.start])))
                if _DENIED.search(doc.text, sent, h.start):
                    # denied in its own sentence ("The patient denies latex allergy."): must not be shown
                    stats["all_denied"] += 1
                    if overlaps(h.start, h.end, all_spans):
                        stats["all_denied_shown"] += 1
                        misses.append((name, "denied allergy shown", doc.text[h.start:h.end], doc.text[max(a, h.start - 40):h.end + 40]))
                    continue
                stats["all_named"] += 1
                if overlaps(h.start, h.end, all_spans):
                    stats["all_recalled"] += 1
                else:
                    misses.append((name, "allergy", doc.text[h.start:h.end], doc.text[max(a, h.start - 40):h.end + 40]))

    def pct(x, n):
        return f"{x}/{n} = {100.0 * x / n:.1f}%" if n else "n/a"

    print(f"notes: {stats['notes']} (ACI-Bench train+valid, MTSamples subset); length {args.length}")
    print(f"summary items checked: {stats['items']}; evidence spans not equal to the source text: {stats['evidence_bad']}")
    print(f"medications named in the notes' medication sections (lexicon): recalled {pct(stats['med_recalled'], stats['med_named'])}")
    print(f"  medication-section lines without a lexicon name: {stats['med_unnamed_lines']}, kept as unrecognised items: {stats['med_unnamed_kept']}")
    print(f"allergies named in the notes' allergy sections (lexicon): recalled {pct(stats['all_recalled'], stats['all_named'])}")
    print(f"  allergens denied in their own sentence (\"denies latex allergy\"): {stats['all_denied']}, shown as allergies: {stats['all_denied_shown']}")
    print(f"'no known allergies' statements: recalled {pct(stats['nka_recalled'], stats['nka_named'])}")
    p90 = lambda xs: sorted(xs)[int(0.9 * (len(xs) - 1))]
    print(f"prose checker on the summaries' own verbatim facts (false alarms): {stats['checker_false_flags']} flags over {stats['notes']} notes")
    mp = statistics.median(t_plain)
    print(f"time per note, extractive without embeddings: median {mp:.1f} ms, p90 {p90(t_plain):.1f} ms "
          f"(CPU: median {statistics.median(c_plain):.1f} ms, p90 {p90(c_plain):.1f} ms)")
    if t_embed:
        me = statistics.median(t_embed)
        print(f"time per note, extractive with embeddings (MMR):  median {me:.1f} ms, p90 {p90(t_embed):.1f} ms "
              f"(CPU: median {statistics.median(c_embed):.1f} ms, p90 {p90(c_embed):.1f} ms); ratio with/without = {me / mp:.2f}x")
        stats["median_ms_embed"] = round(me, 1)
    names = [n for n, _ in docs]
    for corpus in ("aci", "mts"):
        idx = [i for i, n in enumerate(names) if n.startswith(corpus)]
        if not idx:
            continue
        line = f"  {corpus}: {len(idx)} notes, median {statistics.median(t_plain[i] for i in idx):.1f} ms without embeddings"
        if t_embed:
            line += f", {statistics.median(t_embed[i] for i in idx):.1f} ms with (p90 {p90([t_embed[i] for i in idx]):.1f} ms)"
        print(line)
    stats["median_ms_plain"] = round(mp, 1)
    if args.show_misses:
        for m in misses:
            print("  MISS", m)
    return stats


if __name__ == "__main__":
    main()
