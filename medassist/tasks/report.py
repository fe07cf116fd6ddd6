"""Structured radiology report drafts: ``draft_report(study, findings=None, history=None) -> Report``.

A template (data: ``resources/report_templates/*.json``, in the spirit of RSNA RadReport: exam, clinical
information, comparison, technique, findings, impression) is chosen from Modality, BodyPartExamined,
StudyDescription, ProtocolName, SeriesDescription and ViewPosition by scored rules kept in each template.
Sections are prefilled from the DICOM tags (exam, date, technique), the history store (comparison: prior
studies of the same patient), the template's normal findings (a pick list the radiologist edits) or the
user's findings, or an installed image-to-text pack; the impression comes from the impression model.

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
SOURCES = ("tag", "template", "model", "user", "history", "none")

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
def _exam_section(h: StudyHeaders, t: Template) -> ReportSection:
    d0 = h.datasets[0]
    ev = [e for e in (_tag_ev(d0, k) for k in ("StudyDescription", "Modality", "BodyPartExamined", "StudyDate")) if e]
    desc = text_of(d0, "StudyDescription")
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
    return ReportSection("exam", t.section_title("exam"), text, "tag", ev)


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
        parts.append(f"{intro}: {_count_phrase(h)}.")
        add("Field strength {}.", "MagneticFieldStrength", 1, "T")
        seqs = []
        for s in h.series:
            d0 = s.datasets[0]
            name = s.description or text_of(d0, "ProtocolName") or text_of(d0, "SequenceName") or (f"series {s.number}" if s.number is not None else "")
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
            seqs.append(f"{name}" + (f" ({', '.join(detail)})" if detail else "") if name else ", ".join(detail))
        seqs = [s for s in seqs if s]
        if seqs:
            parts.append("Sequences: " + "; ".join(seqs) + ".")
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


def _findings_section(t: Template, findings: str | None, image_draft: dict | None) -> ReportSection:
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
    return ReportSection(
        "findings", title, t.normal_findings_text(), "template", [],
        note="normal default sentences of the template: edit what differs (pick lists in items)", items=items,
    )


def _impression_section(t: Template, findings_section: ReportSection) -> tuple[ReportSection, list[dict]]:
    title = t.section_title("impression")
    text = findings_section.text
    try:
        from .impression import impress

        imp = impress(text)
        out = (getattr(imp, "impression", "") or "").strip()
        pack = getattr(imp, "model", None) or getattr(imp, "pack", None)
        info = pack if isinstance(pack, dict) else (pack.info() if hasattr(pack, "info") else {})
        if out:
            return ReportSection("impression", title, out, "model", [], note="drafted by the impression model from the findings text"), ([info] if info else [])
        reason = "the impression model returned nothing"
    except ImportError as exc:
        reason = f"impression model not available ({exc})"
    except MedAssistError as exc:
        reason = f"impression model not available ({exc})"
    if findings_section.source == "template":
        return ReportSection("impression", title, t.normal_impression, "template", [], note=f"{reason}; the template's normal impression is used"), []
    return ReportSection("impression", title, "[Impression to be written by the radiologist.]", "none", [], note=reason), []


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
    fs = _findings_section(t, findings_text, image_draft)
    sections.append(fs)
    imp, imp_models = _impression_section(t, fs)
    sections.append(imp)
    models.extend(imp_models)
    if imp.note and imp.source != "model":
        notes.append(imp.note)

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
