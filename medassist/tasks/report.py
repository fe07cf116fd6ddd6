"""Structured radiology report drafts: ``draft_report(study, findings=None, history=None) -> Report``.

A template (data: ``resources/report_templates/*.json``, in the spirit of RSNA RadReport: exam, clinical
information, comparison, technique, findings, impression) is chosen from Modality, BodyPartExamined,
StudyDescription, ProtocolName, SeriesDescription and ViewPosition by scored rules kept in each template.
Sections are prefilled from the DICOM tags (exam, date, technique), the history store (comparison: prior
studies of the same patient), the template's normal findings (a pick list the radiologist edits) or the
user's findings, or an installed image-to-text pack. The impression: for the chest radiograph template with
findings, the impression model's draft when it passes a check against the findings (side, omitted abnormal
findings, numbers, no "XXXX"); otherwise, and for every other template, the abnormal findings sentences
verbatim (provenance "findings (extractive)"), or the template's normal impression. Template defaults are
tagged "[unreviewed default]" in the text (provenance "template", ``unreviewed_default`` in JSON), and MR
defaults about sequences the study lacks (diffusion, susceptibility) are replaced by a placeholder.

Every section says where its text came from (``source``: tag / template / model / user / history / none)
and, for tag-derived text, which tags (keyword, value, series) it rests on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..config import resource_path
from ..errors import MedAssistError, TaskError
from .report_tags import StudyHeaders, collect_headers, frames_of, text_of

SECTION_ORDER = ("exam", "clinical_information", "comparison", "technique", "findings", "impression")
SOURCES = ("tag", "template", "model", "user", "history", "findings (extractive)", "none")
EXTRACTIVE = "findings (extractive)"
#: Appended to every template default sentence: a normal default is not a reviewed statement.
DEFAULT_TAG = "[unreviewed default]"
#: The only template the impression model (trained on IU chest radiograph reports) may draft for.
MODEL_IMPRESSION_TEMPLATES = ("chest_radiograph",)

NO_IMAGE_MODEL = (
    "no image model installed — findings come from the template; import a pack with `medassist models import`"
)

MODALITY_NAMES = {
    "CR": "computed radiography",
    "DX": "digital radiography",
    "CT": "CT",
    "MR": "MR",
    "US": "ultrasound",
    "NM": "nuclear medicine",
    "PT": "PET",
    "MG": "mammography",
    "XA": "angiography",
    "RF": "fluoroscopy",
    "OT": "other",
}


# --------------------------------------------------------------------------------------------- templates
@dataclass(frozen=True)
class Template:
    id: str
    title: str
    family: str  # xr | ct | mr | us | generic
    exam_name: str
    selection: dict[str, Any]
    sections: list[dict[str, str]]
    technique_intro: str
    findings: list[dict[str, Any]]
    normal_impression: str
    technique_intro_single: str = ""

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Template":
        return cls(
            id=d["id"],
            title=d["title"],
            family=d.get("family", "generic"),
            exam_name=d.get("exam_name", d["title"]),
            selection=d.get("selection", {}),
            sections=d["sections"],
            technique_intro=d.get("technique_intro", ""),
            findings=d["findings"],
            normal_impression=d.get("normal_impression", ""),
            technique_intro_single=d.get("technique_intro_single", ""),
        )

    def normal_findings_text(self) -> str:
        return "\n".join(f"{f['label']}: {f['normal']}" for f in self.findings)

    def section_title(self, name: str) -> str:
        for s in self.sections:
            if s["name"] == name:
                return s["title"]
        return name.replace("_", " ").capitalize()


@lru_cache(maxsize=1)
def load_templates() -> tuple[Template, ...]:
    folder = resource_path("report_templates")
    out: list[Template] = []
    for path in sorted(folder.glob("*.json")):
        if path.name.startswith("_"):  # data for the findings logic (_lexicon.json), not a template
            continue
        try:
            out.append(Template.from_dict(json.loads(path.read_text(encoding="utf-8"))))
        except (ValueError, KeyError) as exc:
            raise TaskError(f"bad report template ({type(exc).__name__}: {exc})", path=path) from exc
    if not any(t.id == "generic" for t in out):
        raise TaskError("the generic fallback template is missing", path=folder)
    return tuple(out)


def get_template(template_id: str) -> Template:
    for t in load_templates():
        if t.id == template_id:
            return t
    raise TaskError(f"no report template named {template_id!r}")


_WORD = re.compile(r"[A-Z0-9]+")


def _words(value: str) -> str:
    return " " + " ".join(_WORD.findall(value.upper())) + " "


@dataclass
class TemplateChoice:
    template: Template
    score: int
    matched: list[dict[str, str]]  # {"field","keyword","value"} of each rule that fired
    candidates: list[dict[str, Any]]  # every eligible template with its score

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.template.id, "title": self.template.title, "score": self.score, "matched": self.matched, "candidates": self.candidates}


def _field_values(headers: StudyHeaders, fieldname: str) -> list[str]:
    vals: list[str] = []
    for ds in headers.datasets:
        v = text_of(ds, fieldname)
        if v and v not in vals:
            vals.append(v)
    return vals


def choose_template(headers: StudyHeaders) -> TemplateChoice:
    """Score every template whose modalities include the study's; the best at/above its min_score wins
    (ties: the template's priority); the generic template is the fallback."""
    modalities = set(headers.modalities)
    cache: dict[str, list[str]] = {}
    best: tuple[int, int, Template, list] | None = None
    candidates: list[dict[str, Any]] = []
    for t in load_templates():
        sel = t.selection
        mods = sel.get("modalities", ["*"])
        if "*" not in mods and not (modalities & set(mods)):
            continue
        score = 0
        matched: list[dict[str, str]] = []
        for rule in sel.get("rules", []):
            hit = None
            for fname in rule["fields"]:
                vals = cache.setdefault(fname, _field_values(headers, fname))
                for v in vals:
                    w = _words(v)
                    for kw in rule["keywords"]:
                        if f" {' '.join(_WORD.findall(kw.upper()))} " in w:
                            hit = {"field": fname, "keyword": kw, "value": v}
                            break
                    if hit:
                        break
                if hit:
                    break
            if hit:
                score += int(rule["score"])
                matched.append(hit)
        ok = score >= int(sel.get("min_score", 0))
        candidates.append({"id": t.id, "score": score, "eligible": ok})
        if not ok:
            continue
        key = (score, int(sel.get("priority", 0)))
        if best is None or key > best[:2]:
            best = (score, key[1], t, matched)
    if best is None:  # pragma: no cover - generic always qualifies
        raise TaskError("no report template fits and the generic fallback is missing")
    candidates.sort(key=lambda c: -c["score"])
    return TemplateChoice(best[2], best[0], best[3], candidates)


# --------------------------------------------------------------------------------------------- result
@dataclass
class ReportSection:
    name: str
    title: str
    text: str
    source: str  # tag | template | model | user | history | none
    evidence: list[dict[str, Any]] = field(default_factory=list)  # tags: {"keyword","tag","value","series_uid"}
    note: str = ""
    items: list[dict[str, Any]] = field(default_factory=list)  # findings pick list
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. the impression model's draft and its check

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "name": self.name,
            "title": self.title,
            "text": self.text,
            "provenance": {"source": self.source, "evidence": self.evidence},
        }
        if self.note:
            d["provenance"]["note"] = self.note
        if self.items:
            d["items"] = self.items
        if self.source == "template":
            d["unreviewed_default"] = True
        d.update(self.extra)
        return d


@dataclass
class Report:
    study_uid: str
    accession: str
    patient_id: str
    patient_name: str
    study_date: str
    modalities: list[str]
    template: TemplateChoice
    sections: list[ReportSection]
    series: list[dict[str, Any]]  # referenced series and instances (for the SR evidence)
    image_model: dict[str, Any] | None = None
    models: list[dict[str, Any]] = field(default_factory=list)  # packs used (history records)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    headers: StudyHeaders | None = field(default=None, repr=False, compare=False)  # for SR export; not serialized

    def section(self, name: str) -> ReportSection:
        for s in self.sections:
            if s.name == name:
                return s
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "study": {
                "study_instance_uid": self.study_uid,
                "accession_number": self.accession,
                "patient_id": self.patient_id,
                "patient_name": self.patient_name,
                "study_date": self.study_date,
                "modalities": self.modalities,
                "series": self.series,
            },
            "template": self.template.to_dict(),
            "template_id": self.template.template.id,
            "sections": [s.to_dict() for s in self.sections],
            "image_model": self.image_model,
            "models": self.models,
            "notes": self.notes,
            "warnings": self.warnings,
            "draft": True,
        }

    def to_text(self, *, identifiers: bool = True) -> str:
        from .report_export import report_text

        return report_text(self.to_dict(), identifiers=identifiers)


# --------------------------------------------------------------------------------------------- helpers
def _tag_ev(ds: Any, keyword: str, series_uid: str | None = None) -> dict[str, Any] | None:
    from pydicom.datadict import tag_for_keyword

    v = text_of(ds, keyword)
    if not v:
        return None
    tag = tag_for_keyword(keyword)
    ev: dict[str, Any] = {"keyword": keyword, "tag": f"({tag >> 16:04X},{tag & 0xFFFF:04X})" if tag else "", "value": v}
    if series_uid:
        ev["series_uid"] = series_uid
    return ev


def _num(v: str, nd: int = 2) -> str:
    try:
        f = round(float(v), nd)
    except (TypeError, ValueError):
        return v
    return f"{f:g}"


def fmt_date(v: str) -> str:
    v = (v or "").strip()
    if re.fullmatch(r"\d{8}", v):
        return f"{v[:4]}-{v[4:6]}-{v[6:]}"
    return v


def _distinct(headers: StudyHeaders, keyword: str, nd: int | None = 2, unit: str = "") -> tuple[str, list[dict]]:
    """Distinct values of a tag over the study (numbers formatted), and their evidence."""
    vals: list[str] = []
    ev: list[dict] = []
    for s in headers.series:
        for ds in s.datasets:
            raw = text_of(ds, keyword)
            if not raw:
                continue
            v = _num(raw.split("\\")[0], nd) if nd is not None else raw
            if v not in vals:
                vals.append(v)
                e = _tag_ev(ds, keyword, s.series_uid)
                if e:
                    ev.append(e)
    if not vals:
        return "", []
    try:
        vals.sort(key=float)
    except ValueError:
        pass
    return ", ".join(vals) + (f" {unit}" if unit else ""), ev


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


# --------------------------------------------------------------------------------------------- sections
def junk_description(desc: str) -> bool:
    """A description that names nothing (e.g. "e+1", "194", "-"): no run of 2+ letters."""
    return not re.search(r"[A-Za-z]{2,}", desc or "")


def _exam_section(h: StudyHeaders, t: Template) -> ReportSection:
    d0 = h.datasets[0]
    ev = [e for e in (_tag_ev(d0, k) for k in ("StudyDescription", "Modality", "BodyPartExamined", "StudyDate")) if e]
    desc = text_of(d0, "StudyDescription")
    note = ""
    if desc and junk_description(desc):
        note = f"StudyDescription {desc!r} names no exam: the template's exam name is used"
        desc = ""
    name = t.exam_name if t.id != "generic" else " ".join(
        x for x in (_cap("/".join(MODALITY_NAMES.get(m, m) for m in h.modalities)), text_of(d0, "BodyPartExamined").lower()) if x
    )
    if not name:
        name = "Imaging study (modality not recorded)"
    parts = [f"{desc} ({name})" if desc and desc.upper() != name.upper() else (desc or name)]
    views, vev = _distinct(h, "ViewPosition", nd=None)
    if views:
        parts.append(f"{'views' if ',' in views else 'view'}: {views}")
        ev += vev
    date = fmt_date(h.study_date) or fmt_date(text_of(d0, "SeriesDate")) or fmt_date(text_of(d0, "AcquisitionDate"))
    if not h.study_date and date:
        e = _tag_ev(d0, "SeriesDate") or _tag_ev(d0, "AcquisitionDate")
        if e:
            ev.append(e)
    text = ", ".join(parts) + "." + (f" Date: {date}." if date else " Date: not recorded.")
    return ReportSection("exam", t.section_title("exam"), text, "tag", ev, note=note)


_CLINICAL_TAGS = ("ReasonForStudy", "AdditionalPatientHistory", "ReasonForTheRequestedProcedure", "RequestedProcedureDescription")


def _clinical_section(h: StudyHeaders, t: Template) -> ReportSection:
    d0 = h.datasets[0]
    for kw in _CLINICAL_TAGS:
        v = text_of(d0, kw)
        if v:
            return ReportSection("clinical_information", t.section_title("clinical_information"), v + ("" if v.endswith(".") else "."), "tag", [_tag_ev(d0, kw)])
    return ReportSection(
        "clinical_information", t.section_title("clinical_information"), "Not provided.", "none", [],
        note="no reason for study in the DICOM header: add the clinical question",
    )


def _prior_field(p: Any, *names: str) -> str:
    for n in names:
        v = p.get(n) if isinstance(p, dict) else getattr(p, n, None)
        if v:
            return str(v)
    return ""


def _comparison_section(h: StudyHeaders, t: Template, history: Any) -> ReportSection:
    title = t.section_title("comparison")
    if history is None:
        return ReportSection("comparison", title, "None available.", "history", [], note="no history store given")
    if not h.patient_id:
        return ReportSection("comparison", title, "None available.", "history", [], note="the study has no Patient ID")
    try:
        priors = list(history.prior_studies(h.patient_id) or [])
    except MedAssistError as exc:
        return ReportSection("comparison", title, "None available.", "history", [], note=f"history unavailable: {exc}")
    rows = []
    ev = []
    for p in priors:
        uid = _prior_field(p, "study_uid", "study_instance_uid", "StudyInstanceUID")
        if uid and uid == h.study_uid:
            continue
        date = fmt_date(_prior_field(p, "study_date", "date", "StudyDate"))
        desc = _prior_field(p, "description", "study_description", "StudyDescription", "modality") or "/".join(
            p.get("modalities", []) if isinstance(p, dict) else getattr(p, "modalities", []) or []
        )
        rows.append((date, desc or "prior study"))
        ev.append({"study_uid": uid, "study_date": date, "description": desc})
    if not rows:
        return ReportSection("comparison", title, "None available.", "history", [], note="no prior study of this patient in the history")
    order = sorted(range(len(rows)), key=lambda k: rows[k][0] or "", reverse=True)  # newest first
    rows, ev = [rows[k] for k in order], [ev[k] for k in order]
    text = "; ".join(f"{desc} of {date}" if date else desc for date, desc in rows) + "."
    return ReportSection("comparison", title, text, "history", ev)


def _contrast(h: StudyHeaders) -> tuple[str, list[dict]]:
    agent, ev = _distinct(h, "ContrastBolusAgent", nd=None)
    if agent:
        route, rev = _distinct(h, "ContrastBolusRoute", nd=None)
        return f"Contrast: {agent}" + (f" ({route})" if route else "") + ".", ev + rev
    return "Contrast: none recorded in the DICOM header.", []


def _count_phrase(h: StudyHeaders) -> str:
    n_inst = len(h.datasets)
    n_frames = sum(frames_of(ds) for ds in h.datasets)
    s = f"{_plural(n_inst, 'image')} in {_plural(len(h.series), 'series')}".replace("seriess", "series")
    if n_frames > n_inst:
        s += f" ({n_frames} frames)"
    return s


def _series_list(h: StudyHeaders) -> str:
    if len(h.series) == 1:
        return " ".join(h.series[0].description.split())
    out = []
    for s in h.series:
        label = " ".join(s.description.split()) or (f"series {s.number}" if s.number is not None else s.modality)
        n = s.n_frames if s.n_instances == 1 and s.n_frames > 1 else s.n_instances
        unit = "frame" if s.n_instances == 1 and s.n_frames > 1 else "image"
        out.append(f"{label} ({_plural(n, unit)})")
    return "; ".join(out)


def _technique_section(h: StudyHeaders, t: Template) -> ReportSection:
    fam = t.family if t.family != "generic" else {"CR": "xr", "DX": "xr", "CT": "ct", "MR": "mr", "US": "us"}.get(
        (h.modalities or [""])[0], "generic"
    )
    parts: list[str] = []
    ev: list[dict] = []
    intro = t.technique_intro if t.id != "generic" else f"{_cap(MODALITY_NAMES.get((h.modalities or [''])[0], 'imaging'))} study"

    def add(fmt: str, keyword: str, nd: int | None = 2, unit: str = "") -> None:
        v, e = _distinct(h, keyword, nd, unit)
        if v:
            parts.append(fmt.format(v))
            ev.extend(e)

    if fam == "xr":
        views, vev = _distinct(h, "ViewPosition", nd=None)
        n = len(h.datasets)
        parts.append(f"{intro}: {_plural(n, 'image')}" + (f", {'views' if ',' in views else 'view'} {views}" if views else "") + ".")
        ev.extend(vev)
        add("{}.", "KVP", 0, "kVp")
        add("Exposure {}.", "Exposure", 2, "mAs")
        if not any(e["keyword"] == "Exposure" for e in ev):
            add("Exposure {}.", "ExposureInuAs", 0, "µAs")
        add("Exposure time {}.", "ExposureTime", 0, "ms")
    elif fam == "ct":
        parts.append(f"{intro}: {_count_phrase(h)}" + (f" ({_series_list(h)})" if len(h.series) == 1 and h.series[0].description else (f" — {_series_list(h)}" if len(h.series) > 1 else "")) + ".")
        add("Slice thickness {}.", "SliceThickness", 2, "mm")
        add("{}.", "KVP", 0, "kVp")
        add("Tube current {}.", "XRayTubeCurrent", 0, "mA")
        add("Exposure {}.", "Exposure", 0, "mAs")
        c, cev = _contrast(h)
        parts.append(c)
        ev.extend(cev)
    elif fam == "mr":
        if len(h.series) == 1 and t.technique_intro_single:
            intro = t.technique_intro_single  # one series is not "multisequence"
        parts.append(f"{intro}: {_count_phrase(h)}.")
        add("Field strength {}.", "MagneticFieldStrength", 1, "T")
        seqs = []
        for s in h.series:
            d0 = s.datasets[0]
            name = next((v for v in (s.description, text_of(d0, "ProtocolName"), text_of(d0, "SequenceName")) if v and not junk_description(v)), "")
            detail = []
            for kw, label, unit in (("ScanningSequence", "", ""), ("SequenceName", "", ""), ("RepetitionTime", "TR ", " ms"), ("EchoTime", "TE ", " ms")):
                v = text_of(d0, kw)
                if v and v != name:
                    detail.append(f"{label}{_num(v, 1) if unit else v}{unit}")
                    ev.append(_tag_ev(d0, kw, s.series_uid))
            for kw in ("SeriesDescription", "ProtocolName"):
                e = _tag_ev(d0, kw, s.series_uid)
                if e and e["value"] == name:
                    ev.append(e)
                    break
            weighting = [x for x in (str(v).upper() for v in (d0.get("ImageType") or [])) if x in ("T1", "T2", "PD", "FLAIR", "STIR", "SWI", "ADC", "DIFFUSION", "TRACEW")]
            if name:
                seqs.append(name + (f" ({', '.join(detail)})" if detail else ""))
            else:  # no sequence name in the header: say so, never print the series number as a name
                what = ", ".join(weighting + detail)
                label = f"series {s.number}" if s.number is not None else "a series"
                seqs.append(f"not named in the header ({label}" + (f"; {what}" if what else "") + ")")
                if weighting:
                    e = _tag_ev(d0, "ImageType", s.series_uid)
                    if e:
                        ev.append(e)
        if seqs:
            parts.append(("Sequence: " if len(seqs) == 1 else "Sequences: ") + "; ".join(seqs) + ".")
        add("Slice thickness {}.", "SliceThickness", 2, "mm")
        c, cev = _contrast(h)
        parts.append(c)
        ev.extend(cev)
    elif fam == "us":
        parts.append(f"{intro}: {_count_phrase(h)}.")
        clips = [ds for ds in h.datasets if frames_of(ds) > 1]
        if clips:
            parts.append(f"{_plural(len(clips), 'cine clip')} ({', '.join(str(frames_of(d)) for d in clips)} frames).")
        add("Transducer: {}.", "TransducerType", None)
    else:
        parts.append(f"{intro}: {_count_phrase(h)}" + (f" ({_series_list(h)})" if len(h.series) == 1 and h.series[0].description else (f" — {_series_list(h)}" if len(h.series) > 1 else "")) + ".")
        add("{}.", "KVP", 0, "kVp")
        add("Slice thickness {}.", "SliceThickness", 2, "mm")
    for e in [e for e in ev if e is None]:
        ev.remove(e)
    return ReportSection("technique", t.section_title("technique"), " ".join(parts), "tag", ev)


def _read_findings_arg(findings: str | None) -> str | None:
    if findings is None:
        return None
    from pathlib import Path

    if len(findings) < 1024 and "\n" not in findings:
        p = Path(findings)
        try:
            if p.is_file():
                return p.read_text(encoding="utf-8").strip()
        except OSError:
            pass
    return findings.strip()


def _request_text(h: StudyHeaders) -> str:
    """What the request says the exam is for: StudyDescription, requested procedure, reason, history."""
    d0 = h.datasets[0]
    keys = ("StudyDescription", "RequestedProcedureDescription", "ReasonForStudy", "ReasonForTheRequestedProcedure",
            "AdditionalPatientHistory", "PerformedProcedureStepDescription")
    return " ".join(v for v in (text_of(d0, k) for k in keys) if v)


_SEQUENCE_WORDS = {"diffusion": "diffusion-weighted", "susceptibility": "susceptibility-weighted / gradient-echo", "post_contrast": "post-contrast"}


def _findings_section(t: Template, findings: str | None, image_draft: dict | None, h: StudyHeaders | None = None) -> ReportSection:
    from .report_findings import contrast_status, names_lesion, sequence_status

    items = [
        {"id": f["id"], "label": f["label"], "text": f["normal"], "normal": f["normal"], "options": f.get("options", [])}
        for f in t.findings
    ]
    title = t.section_title("findings")
    if findings:
        return ReportSection("findings", title, findings, "user", [], items=items)
    if image_draft:
        return ReportSection(
            "findings", title, image_draft["text"], "model", [image_draft["evidence"]],
            note=f"drafted from the key image by {image_draft['model']['name']}: check every sentence",
            items=items,
        )
    lesion = names_lesion(_request_text(h)) if h is not None else []
    seq = sequence_status([s.datasets for s in h.series]) if h is not None and "MR" in h.modalities else {}
    if h is not None and ("CT" in h.modalities or "MR" in h.modalities):
        contrast = contrast_status([s.datasets for s in h.series])
        seq["post_contrast"] = contrast if seq.get("post_contrast") != "acquired" else "acquired"
    lines = []
    notes = ["template normal defaults, not reviewed: edit every line to match the images (pick lists in items)"]
    for f, it in zip(t.findings, items):
        need = f.get("requires_sequence")
        if need and seq.get(need) == "not acquired" and f.get("normal_without"):
            it["text"] = f"{f['normal_without']} {DEFAULT_TAG}"
            it["status"] = "default"
            notes.append(f"{f['label']}: no {_SEQUENCE_WORDS.get(need, need)} imaging in the study, so the default says nothing about enhancement")
        elif need and seq.get(need) == "not acquired":
            it["text"] = f"[No {_SEQUENCE_WORDS.get(need, need)} sequence identified in the study: not assessed.]"
            it["status"] = "sequence not acquired"
            notes.append(f"{f['label']}: no {_SEQUENCE_WORDS.get(need, need)} series among the study's series, so no default")
        elif f.get("lesion_item") and lesion:
            it["text"] = f"[Describe the {', '.join(lesion)} named in the request.]"
            it["status"] = "placeholder"
            notes.append(f"{f['label']}: the request names {', '.join(lesion)}, so no normal default is given")
        else:
            it["text"] = f"{f['normal']} {DEFAULT_TAG}"
            it["status"] = "default"
        lines.append(f"{f['label']}: {it['text']}")
    return ReportSection("findings", title, "\n".join(lines), "template", [], note="; ".join(notes), items=items)


def _model_impression(findings_text: str) -> tuple[dict[str, Any] | None, str]:
    """Run the impression model (called as it is; its output is handled defensively): ({"raw","text",
    "warnings","model"} or None, the reason when None)."""
    try:
        from .impression import impress

        imp = impress(findings_text)
    except ImportError as exc:
        return None, f"impression model not available ({exc})"
    except MedAssistError as exc:
        return None, f"impression model not available ({exc})"
    # what the model itself wrote: impress() may have repaired or replaced a draft that failed its own check
    prov = getattr(imp, "provenance", None) or {}
    model_text = prov.get("model_draft") if isinstance(prov, dict) else None
    if isinstance(model_text, dict):
        model_text = model_text.get("text")
    raw = str(model_text or getattr(imp, "impression", "") or "").strip()
    if not raw:
        return None, "the impression model returned nothing"
    pack = getattr(imp, "model", None) or getattr(imp, "pack", None)
    try:
        info = pack if isinstance(pack, dict) else (pack.info() if hasattr(pack, "info") else {})
    except Exception:  # noqa: BLE001 - a pack without info still drafted
        info = {}
    # impress()'s own warnings describe its replacement of a failed draft; the report checks the model's
    # words itself, so they are kept only when the model's draft is what impress() returned
    warns = (getattr(imp, "warnings", None) or []) if not model_text else []
    return {"raw": raw, "warnings": [str(w) for w in warns if w], "model": info or {}}, ""


def _impression_section(t: Template, findings_section: ReportSection) -> tuple[ReportSection, list[dict], list[str]]:
    """(section, models used, warnings). Chest radiograph with findings: the model draft, checked against
    the findings; every other case is deterministic (extractive from the findings, or the template's
    normal impression marked as an unreviewed default)."""
    from .report_findings import DEID_TOKEN, abnormal_sentences, check_impression, clean_model_text, extractive_impression, is_normal, split_findings

    title = t.section_title("impression")
    placeholders = [it for it in findings_section.items if it.get("status") == "placeholder"]
    if findings_section.source == "template" and placeholders:
        named = placeholders[0]["text"].removeprefix("[Describe the ").removesuffix(" named in the request.]")
        return ReportSection(
            "impression", title, f"[Impression to be written by the radiologist: the request names {named}.]", "none", [],
            note="the request names a lesion: no normal default impression",
        ), [], []
    if findings_section.source == "template":
        return ReportSection(
            "impression", title, f"{t.normal_impression} {DEFAULT_TAG}", "template", [],
            note="the template's normal impression: a default for normal findings, not reviewed",
        ), [], []
    text = findings_section.text
    extractive = extractive_impression(text)
    if extractive is None:
        ex_text, ex_note = t.normal_impression, "every findings sentence is normal: the template's normal impression"
    else:
        ex_text, ex_note = extractive, "the abnormal findings sentences, verbatim (critical first)"
    warnings: list[str] = []
    extra: dict[str, Any] = {"extractive": "all findings normal" if extractive is None else "abnormal findings sentences"}
    if t.id in MODEL_IMPRESSION_TEMPLATES:
        draft, reason = _model_impression(text)
        if draft is not None:
            cleaned = clean_model_text(draft["raw"])
            reasons = list(draft["warnings"]) + check_impression(draft["raw"], text)
            if not abnormal_sentences(text) and any(not is_normal(s) for s in split_findings(cleaned)):
                reasons.append("the impression states an abnormality although every findings sentence is normal")
            if not cleaned or DEID_TOKEN.search(cleaned):
                reasons.append("the model draft is empty or carries 'XXXX' after clean-up")
            reasons = list(dict.fromkeys(reasons))
            extra = {"model_draft": {"text": draft["raw"], "cleaned": cleaned, "model": draft["model"], "check": reasons, "used": not reasons}}
            if not reasons:
                return ReportSection(
                    "impression", title, cleaned, "model", [], note="drafted by the impression model from the findings; checked for side, omissions, numbers", extra=extra,
                ), ([draft["model"]] if draft["model"] else []), []
            warnings.append(
                "impression: the model draft was not used (" + "; ".join(reasons) + "); the impression "
                + ("is the template's normal impression" if extractive is None else "lists the abnormal findings verbatim instead")
                + f'; the model wrote: "{draft["raw"]}"'
            )
            models = [draft["model"]] if draft["model"] else []
            extra["extractive"] = "all findings normal" if extractive is None else "abnormal findings sentences"
            return ReportSection("impression", title, ex_text, EXTRACTIVE, [], note=ex_note + "; the model draft failed the check", extra=extra), models, warnings
        note = f"{reason}; {ex_note}"
    else:
        note = f"the impression model is trained on chest radiograph reports only, so not used for {t.title}; {ex_note}"
    return ReportSection("impression", title, ex_text, EXTRACTIVE, [], note=note, extra=extra), [], warnings


# --------------------------------------------------------------------------------------------- main API
def draft_report(
    study: Any,
    findings: str | None = None,
    history: Any = None,
    *,
    template_id: str | None = None,
    image_model: Any = "auto",
) -> Report:
    """Draft a structured report for ``study`` (an ingest Study, path(s), or pydicom Dataset(s)).

    ``findings``: the radiologist's findings (text, or a path to a text file); None uses the image model
    when one is installed, else the template's normal sentences. ``history``: an object with
    ``prior_studies(patient_id)`` (the encrypted store) or None. ``image_model``: "auto" (the installed
    image-to-text pack, if any), None (do not use one), or a :class:`medassist.runtime.vision.VisionCaptioner`.
    """
    h = collect_headers(study)
    if not h.datasets:
        raise TaskError("the study holds no image instances", path=h.source or None)
    choice = TemplateChoice(get_template(template_id), 0, [], []) if template_id else choose_template(h)
    t = choice.template
    notes: list[str] = []
    warnings: list[str] = []
    models: list[dict] = []
    findings_text = _read_findings_arg(findings)

    image_draft = None
    image_info: dict[str, Any] | None = None
    if not findings_text and image_model is not None:
        from ..runtime import vision

        captioner = vision.find_captioner() if image_model == "auto" else image_model
        if captioner is None:
            notes.append(NO_IMAGE_MODEL)
            image_info = {"installed": False, "message": NO_IMAGE_MODEL}
        else:
            try:
                image_draft = vision.draft_findings(captioner, h)
                image_info = {"installed": True, **image_draft["model"]}
                models.append(image_draft["model"])
            except MedAssistError as exc:
                warnings.append(f"the image model failed: {exc}")
                image_info = {"installed": True, "error": str(exc)}

    sections = [
        _exam_section(h, t),
        _clinical_section(h, t),
        _comparison_section(h, t, history),
        _technique_section(h, t),
    ]
    fs = _findings_section(t, findings_text, image_draft, h)
    sections.append(fs)
    imp, imp_models, imp_warnings = _impression_section(t, fs)
    sections.append(imp)
    models.extend(imp_models)
    warnings.extend(imp_warnings)
    if fs.source == "template":
        notes.append("FINDINGS and IMPRESSION are template normal defaults, not a reading of the images: edit every line tagged " + DEFAULT_TAG)
    if imp.note and imp.source not in ("model", "template"):
        notes.append(f"Impression: {imp.note}")

    series = [
        {
            "series_instance_uid": s.series_uid,
            "series_number": s.number,
            "modality": s.modality,
            "description": s.description,
            "instances": [
                {"sop_class_uid": text_of(ds, "SOPClassUID"), "sop_instance_uid": text_of(ds, "SOPInstanceUID"), "frames": frames_of(ds)}
                for ds in s.datasets
            ],
        }
        for s in h.series
    ]
    return Report(
        study_uid=h.study_uid,
        accession=h.accession,
        patient_id=h.patient_id,
        patient_name=h.patient_name,
        study_date=fmt_date(h.study_date),
        modalities=h.modalities,
        template=choice,
        sections=sections,
        series=series,
        image_model=image_info,
        models=models,
        notes=notes,
        warnings=warnings,
        headers=h,
    )
