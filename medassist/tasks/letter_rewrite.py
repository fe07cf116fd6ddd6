"""Optional model rewrite of a template letter into smoother prose, under the letter's own fact check.

``rewrite_letter(letter, doc, *, pack=None) -> LetterRewrite`` (also set as ``letter.rewrite``). Off by default:
``medassist letter --rewrite`` or the setting ``letter_rewrite``.

Which model (``find_rewrite_pack``): the first installed pack of task ``letter-llm`` (an onnxruntime-genai LLM
folder), then ``letter-seq2seq`` (an encoder/decoder ONNX pack, ``medassist.runtime.seq2seq``), then
``summary-llm``: a general LLM folder follows the rewrite instruction as well as a summary one. A
``summary-seq2seq`` pack is never used here: a seq2seq model does not follow an instruction, it maps its
training inputs (summary facts) to its training outputs, so given letter lines it would write a summary.
``pack=`` names a folder directly (either kind). No pack: ModelPackError naming what to install.

What is rewritten, section by section: only the prose sections (what we found, advice, tests, procedures,
follow-up, warning signs, ...), one model call per section, the section's lines in, one paragraph out. Kept
verbatim: the title, greeting, intro, closing, signature, every heading, and the whole of the medicine and
allergy sections (``VERBATIM_SECTIONS``). Why: the medicine lines (drug, dose, route, how often, what changed)
and the allergies are where one wrong word hurts; they are already plain, short and tied to evidence, so a
smoother sentence buys little there and a model slip costs much. Short per-section inputs also keep a small
model on task and make a failure point at one section.

The check (the rewrite is used only if all of it passes; otherwise the template letter stays the letter and the
result keeps the rejected text with ``used: false`` and the reasons):

1. per section: every number, date, drug name and side ("right knee") of the template section is still in its
   rewrite (a fact the template letter carried is not lost), and the rewrite states none that the template
   section does not (stricter than the note check: a dose moved from another line, or a number that only
   occurs elsewhere in the note, is refused too), and every note fact (diagnosis, test, follow-up, warning
   sign, ...) the template section carried is still carried by it, and it keeps at least ``MIN_WORDS_KEPT`` of
   the section's content words (advice lines state things no fact category covers); an empty section fails;
2. the whole rewritten letter goes through ``letter_check.check_letter`` as the template letter did: any
   warning it raises that the template letter did not (a number, date, drug or side not in the note) fails, and
   so does any note fact listed as missing that the template letter carried.

When used, readability is recomputed for the rewrite (``readability``). ``Letter.text`` is never replaced: the
faces show the rewrite with its status, and ``Letter.paragraphs()`` exports it only when ``used`` is true.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from medassist.document import Document
from medassist.errors import ModelPackError

#: Installed pack tasks tried in order (see the module doc for why summary-seq2seq is not among them).
PACK_TASKS = ("letter-llm", "letter-seq2seq", "summary-llm")
#: Sections copied as they are: the medicine lines and the allergies (see the module doc).
VERBATIM_SECTIONS = frozenset({"medications", "hospital_medications", "allergies"})
INSTALL_HINT = ("no letter rewrite pack installed: import an onnxruntime-genai LLM folder (pack task 'letter-llm', "
                "needs `pip install medassist[llm]`) or a seq2seq pack (task 'letter-seq2seq') with "
                "`medassist models import PATH`; or run without --rewrite")
#: A rewritten section keeps at least this share of its template section's content words (by stem): the advice
#: and explanation lines carry meaning the fact check has no category for ("check and record your weight").
MIN_WORDS_KEPT = 0.6
_FUNCTION_WORDS = frozenset("""this that with from your have will what when then than they them there their these
those into about would could should please also been were very much more most some such each which while""".split())
LLM_INSTRUCTION = ("Rewrite these lines from a letter to a patient as one short paragraph of smooth, plain "
                   "English. Keep every medicine, dose, number, date and side (left/right) exactly as written. "
                   "Add nothing that is not in the lines.")


@dataclass
class RewrittenSection:
    key: str
    heading: str
    source: str  # the template section's lines, as the model was given them
    text: str  # what the letter says for this section in the rewrite
    rewritten: bool  # False: copied verbatim (VERBATIM_SECTIONS)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "heading": self.heading, "source": self.source, "text": self.text,
                "rewritten": self.rewritten}


@dataclass
class LetterRewrite:
    text: str | None
    used: bool
    reasons: list[str]
    model: str | None
    model_kind: str | None = None
    sections: list[RewrittenSection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # check_letter warnings on the rewrite
    missing: list[dict[str, Any]] = field(default_factory=list)  # check_letter missing facts on the rewrite
    readability: dict[str, Any] | None = None  # recomputed for the rewrite when it is used

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "used": self.used, "reasons": list(self.reasons), "model": self.model,
                "model_kind": self.model_kind, "sections": [s.to_dict() for s in self.sections],
                "warnings": list(self.warnings), "missing": list(self.missing), "readability": self.readability}


# ------------------------------------------------------------------------------------------------ packs
def find_rewrite_pack() -> Path | None:
    """The folder of the first installed pack of ``PACK_TASKS``, or None."""
    from medassist.runtime.registry import find_pack

    for task in PACK_TASKS:
        p = find_pack(task=task)
        if p is not None:
            return Path(p.path)
    return None


_GENERATORS: dict[str, tuple[Callable[[str], str], str]] = {}


def load_generator(folder: str | Path) -> tuple[Callable[[str], str], str]:
    """(generate(section_prompt) -> text, kind) for an LLM folder or a seq2seq pack; cached per folder."""
    folder = Path(folder)
    key = str(folder.resolve())
    if key in _GENERATORS:
        return _GENERATORS[key]
    from medassist.runtime.genai import GenAIGenerator, is_genai_folder

    if is_genai_folder(folder):
        gen = GenAIGenerator(folder)

        def run(prompt: str) -> str:
            return gen.generate(f"{LLM_INSTRUCTION}\n\n{prompt}\n\nParagraph:", max_new_tokens=160).strip()

        out = (run, "onnxruntime-genai")
    else:
        from medassist.runtime.seq2seq import Seq2SeqOnnx

        gpath = folder / "generation.json"
        if not gpath.is_file():
            raise ModelPackError("neither an onnxruntime-genai folder nor a seq2seq pack (generation.json missing)", path=folder)
        try:
            cfg = json.loads(gpath.read_text(encoding="utf-8"))
            seq = Seq2SeqOnnx(folder / "encoder.onnx", folder / "decoder.onnx", folder / "tokenizer.json",
                              pad_id=cfg["pad_id"], bos_id=cfg["bos_id"], eos_id=cfg["eos_id"],
                              max_src=cfg.get("max_src", 256), max_new_tokens=cfg.get("max_new_tokens", 128))
        except (ValueError, KeyError) as exc:
            raise ModelPackError(f"unreadable generation.json: {exc}", path=gpath) from exc

        def run(prompt: str) -> str:
            return seq.generate(prompt, num_beams=1).text.strip()

        out = (run, "seq2seq")
    _GENERATORS[key] = out
    return out


# ------------------------------------------------------------------------------------------------ rewrite
def section_prompt(lines: list[str]) -> str:
    """What the model is given for one section: its lines, one per line (no heading, no bullets)."""
    return "\n".join(ln.strip() for ln in lines if ln.strip())


def _facts_of(text: str) -> list[tuple[str, str]]:
    """(kind, text) of every number, date, drug name and side in ``text``."""
    from medassist.tasks.letter_check import _DATE_RE, _LAT_RE, _NOT_BODY, _NUM_RE
    from medassist.text.lay import get_lexicon

    out: list[tuple[str, str]] = []
    out += [("date", m.group()) for m in _DATE_RE.finditer(text)]
    out += [("number", m.group()) for m in _NUM_RE.finditer(text)]
    out += [("medicine", h.text) for h in get_lexicon().find_drugs(text, patterns=False)]
    out += [("side", re.sub(r"\s+", " ", m.group())) for m in _LAT_RE.finditer(text) if m.group(2).lower() not in _NOT_BODY]
    unique: dict[tuple[str, str], tuple[str, str]] = {}
    for kind, fact in out:
        unique.setdefault((kind, fact.lower()), (kind, fact))
    return list(unique.values())


def _coverage(src: str, new: str) -> tuple[float, list[str]]:
    """(share of ``src``'s content words, by 5-letter stem, that ``new`` keeps; the words it drops)."""
    words = {w[:5]: w for w in re.findall(r"[a-z]{4,}", src.lower()) if w not in _FUNCTION_WORDS}
    if not words:
        return 1.0, []
    have = {w[:5] for w in re.findall(r"[a-z]{4,}", new.lower())}
    dropped = [w for k, w in words.items() if k not in have]
    return 1 - len(dropped) / len(words), dropped


def _has(text: str, fact: str) -> bool:
    """``fact`` appears in ``text`` as whole words (case and spacing aside)."""
    low = re.sub(r"\s+", " ", text.lower())
    return re.search(rf"(?<![\w.]){re.escape(fact.lower())}(?!\w)", low) is not None


def _render(letter, sections: list[RewrittenSection]) -> str:
    out = [letter.title, ""]
    if letter.subject:
        out += [letter.subject, ""]
    out += [letter.greeting, "", " ".join(ln.text for ln in letter.intro), ""]
    for s in sections:
        out.append(s.heading + ":")
        out += s.text.split("\n")
        out.append("")
    out += [" ".join(letter.closing), ""]
    out += list(letter.signature)
    return "\n".join(out).rstrip() + "\n"


def rewrite_letter(letter, doc: Document, *, pack: str | Path | None = None,
                   generate: Callable[[str], str] | None = None) -> LetterRewrite:
    """Rewrite ``letter`` (from ``write_letter(doc, ...)``) with a model, check it, and set ``letter.rewrite``.

    ``generate`` (prompt -> text) replaces the pack's model (for callers that hold one already).
    Raises ModelPackError when no pack is installed or the pack cannot be loaded."""
    from medassist.tasks.letter_check import check_letter
    from medassist.tasks.letter_readability import readability

    model_name = None
    if generate is None:
        folder = Path(pack) if pack else find_rewrite_pack()
        if folder is None:
            raise ModelPackError(INSTALL_HINT)
        generate, kind = load_generator(folder)
        model_name = folder.name
    else:
        kind = "callable"

    plain_used = [p for s in letter.sections for ln in s.lines for p in ln.plain_used]

    def _key(m: dict[str, Any]) -> tuple:
        return (m.get("kind"), m.get("text"), m.get("what_is_missing"))

    def _lost(m: dict[str, Any], where: str) -> str:
        what = f"the {m['what_is_missing']} of " if m.get("what_is_missing") else ""
        return f"the rewrite loses {what}{m.get('kind', 'fact')} {m.get('text', '')!r} that the template {where} carried"

    reasons: list[str] = []
    lost_in_sections: set[tuple] = set()
    sections: list[RewrittenSection] = []
    for sec in letter.sections:
        lines = [ln.text for ln in sec.lines]
        if sec.key in VERBATIM_SECTIONS:
            sections.append(RewrittenSection(sec.key, sec.heading, section_prompt(lines),
                                             "\n".join(f"- {t}" for t in lines), False))
            continue
        src = section_prompt(lines)
        new = re.sub(r"\s+", " ", generate(src) or "").strip()
        sections.append(RewrittenSection(sec.key, sec.heading, src, new, True))
        if not new:
            reasons.append(f"'{sec.heading}': the model wrote nothing for this section")
            continue
        for what, fact in _facts_of(src):
            if not _has(new, fact):
                reasons.append(f"'{sec.heading}': the {what} {fact!r} of the template letter is not in the rewrite")
        for what, fact in _facts_of(new):  # stricter than the note check: nothing the template section lacks
            if not _has(src, fact):
                reasons.append(f"'{sec.heading}': the rewrite adds the {what} {fact!r}, not in the template letter")
        kept, stems = _coverage(src, new)
        if kept < MIN_WORDS_KEPT:
            reasons.append(f"'{sec.heading}': the rewrite keeps only {kept:.0%} of the section's words "
                           f"(at least {MIN_WORDS_KEPT:.0%}); it drops: {', '.join(stems[:6])}")
        # note facts (diagnoses, tests, follow-up, warning signs, ...) this section carried and its rewrite does not
        _, miss_src = check_letter(src, doc, letter.facts, plain_phrases=plain_used, kind=letter.kind)
        _, miss_new = check_letter(new, doc, letter.facts, plain_phrases=plain_used, kind=letter.kind)
        had_here = {_key(m) for m in miss_src}
        for m in miss_new:
            if _key(m) not in had_here:
                reasons.append(f"'{sec.heading}': {_lost(m, 'section')}")
                lost_in_sections.add(_key(m))

    text = _render(letter, sections)
    warnings, missing = check_letter(text, doc, letter.facts, plain_phrases=plain_used, kind=letter.kind)
    reasons += [f"fact check: {w}" for w in warnings if w not in letter.warnings]
    had = {_key(m) for m in letter.missing}
    reasons += [f"fact check: {_lost(m, 'letter')}" for m in missing
                if _key(m) not in had and _key(m) not in lost_in_sections]  # said once, with its section
    reasons = list(dict.fromkeys(reasons))
    used = not reasons
    result = LetterRewrite(text=text, used=used, reasons=reasons, model=model_name, model_kind=kind,
                           sections=sections, warnings=warnings, missing=missing,
                           readability=readability(text) if used else None)
    letter.rewrite = result
    return result


def rewrite_unavailable(letter, reason: str) -> LetterRewrite:
    """Record on ``letter`` that a rewrite was asked for and could not be made (the template letter stands)."""
    result = LetterRewrite(text=None, used=False, reasons=[reason], model=None)
    letter.rewrite = result
    return result
