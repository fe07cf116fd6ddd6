"""Letters bench on ACI-Bench train + valid notes (the `note` column).

    .venv/bin/python bench/letters.py [--data ../shared/data/aci-bench] [--kind patient] [--show N]

Prints, for `patient` letters (or --kind):
- median Flesch-Kincaid grade of the letters (goal <= 6.0), with the source notes' own median FK grade
  as the peer measured in the same run (ratio letter/note);
- medications named in the note's medication / plan sections (lexicon + drug-stem + "word before a dose"
  finder) carried into the letter (goal 100%);
- numbers and drug names in the letter not found in the source (goal 0), from the letter's fact check.
"""

from __future__ import annotations

import argparse
import csv
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "aci-bench"))
    ap.add_argument("--kind", default="patient", choices=["patient", "discharge", "gp"])
    ap.add_argument("--show", type=int, default=0, help="print the first N letters")
    args = ap.parse_args(argv)

    from medassist.ingest import document_from_text
    from medassist.tasks.letter import write_letter
    from medassist.tasks.letter_facts import MED_SECTIONS, is_lab_context
    from medassist.tasks.letter_readability import readability, syllable_source
    from medassist.text.lay import get_lexicon

    rows = []
    for split in ("train", "valid"):
        path = Path(args.data) / f"{split}.csv"
        with open(path, newline="", encoding="utf-8") as fh:
            rows += [(split, r["encounter_id"], r["note"]) for r in csv.DictReader(fh)]
    lex = get_lexicon()
    letter_fk, note_fk, fact_fk = [], [], []
    meds_total = meds_carried = 0
    bad_numbers = bad_drugs = other_warn = 0
    not_carried: list[str] = []
    lab_named: list[str] = []
    t0 = time.perf_counter()
    for i, (split, enc, note) in enumerate(rows):
        doc = document_from_text(note, source=f"{split}/{enc}")
        letter = write_letter(doc, kind=args.kind)
        if i < args.show:
            print(f"===== {split}/{enc}\n{letter.text}\nwarnings: {letter.warnings}\n")
        letter_fk.append(letter.readability["flesch_kincaid_grade"])
        # stricter: only the lines that state facts from the note (no headings, greeting, template lines)
        fact_lines = [ln.text for sec in letter.sections for ln in sec.lines if not ln.template]
        if fact_lines:
            fact_fk.append(readability("\n".join(fact_lines))["flesch_kincaid_grade"])
        note_fk.append(readability(note)["flesch_kincaid_grade"])
        low = letter.text.lower()
        names = set()
        for sec in doc.sections:
            if sec.name in MED_SECTIONS:
                for h in lex.find_drugs(doc.text[sec.body_start:sec.end]):
                    s = sec.body_start + h.start
                    sent_start = next((x.start for x in doc.sentences if x.start <= s < x.end), sec.body_start)
                    if is_lab_context(doc.text, s, sec.body_start + h.end, sent_start):
                        lab_named.append(f"{split}/{enc}: {h.text}")
                        continue
                    names.add(h.text.lower())
        for n in sorted(names):
            meds_total += 1
            if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", low):
                meds_carried += 1
            else:
                not_carried.append(f"{split}/{enc}: {n}")
        for w in letter.warnings:
            if w.startswith("number"):
                bad_numbers += 1
            elif w.startswith("medication"):
                bad_drugs += 1
            else:
                other_warn += 1
    elapsed = time.perf_counter() - t0
    med_l, med_n = statistics.median(letter_fk), statistics.median(note_fk)
    print(f"ACI-Bench train+valid notes: {len(rows)}  letter kind: {args.kind}  syllables: {syllable_source()}")
    goal = " (goal <= 6.0)" if args.kind != "gp" else " (professional register: no grade goal)"
    print(f"median Flesch-Kincaid grade: letters {med_l:.2f}{goal} | source notes {med_n:.2f} "
          f"| ratio letter/note {med_l / med_n:.2f}")
    print(f"  letters FK: min {min(letter_fk):.2f} max {max(letter_fk):.2f}; share <= 6.0: "
          f"{sum(g <= 6.0 for g in letter_fk) / len(letter_fk):.0%}")
    print(f"  fact-bearing lines only (no headings/greeting/template lines): median FK "
          f"{statistics.median(fact_fk):.2f}, max {max(fact_fk):.2f}")
    pct = 100.0 * meds_carried / meds_total if meds_total else 100.0
    print(f"medications named in medication/plan sections carried into the letter: {meds_carried}/{meds_total} "
          f"= {pct:.1f}% (goal 100%)")
    for nc in not_carried[:20]:
        print(f"  not carried: {nc}")
    print(f"  drug words read as lab names and left out of the count: {len(lab_named)} {lab_named[:5]}")
    print(f"numbers in letters not in the source: {bad_numbers} (goal 0)")
    print(f"drug names in letters not in the source: {bad_drugs} (goal 0)")
    print(f"other fact-check warnings (dates, laterality): {other_warn}")
    print(f"time: {elapsed:.1f} s for {len(rows)} letters ({1000 * elapsed / len(rows):.0f} ms/letter)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
