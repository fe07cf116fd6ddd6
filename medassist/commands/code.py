"""``medassist code PATH... [--format text|json|jsonl|csv] [-o OUT] [--limit N] [--retrieval] [--jobs N]
[--encounter outpatient|inpatient] [--suggest coded|mentioned]``.

ICD-10-CM codes for each note, with the evidence for each code, its context status and validation
warnings. Suggested codes are drafts for a coder to accept or reject.

``--jobs N`` codes a batch (several files, a folder) in N worker processes, each with its own coder: the notes
are read here, in order, and the output, the history records and the errors are the same as with one process,
in the same order. Each worker installs the network guard first.

``--encounter inpatient`` codes an uncertain diagnosis ("probable pneumonia") as if established, as the ICD-10-CM
guidelines ask for inpatient admissions (II.H); the default, outpatient, does not (IV.H). The status stays
"uncertain" and the code carries a warning.

``--suggest mentioned`` is for abstraction: every condition the note mentions above the threshold is suggested,
whatever its status (negated, past, a relative's) and whatever rule would hold it back from the codes to report
(a symptom integral to a diagnosis); each keeps its status and a warning says why. The default, ``coded``, suggests
the codes to report for the encounter.
"""
from __future__ import annotations

import argparse
import csv
import sys
from typing import Any

from ..cli import TaskOutput, add_common_options, expand_inputs, read_document, run_task
from ..errors import MedAssistError, TaskError

FORMATS = ("text", "json", "jsonl", "csv")
ENCOUNTERS = ("outpatient", "inpatient")  # medassist.tasks.code.ENCOUNTERS (not imported: the coder loads lazily)
SCOPES = ("coded", "mentioned")  # medassist.tasks.code.SCOPES
CSV_FIELDS = ["file", "code", "description", "score", "suggested", "status", "billable", "evidence_text", "warnings"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "code",
        help="note -> ICD-10-CM codes with evidence",
        description="Suggest ICD-10-CM (April 2026) codes for each note, each with the text that supports it, "
        "its context (affirmed, negated, uncertain, historical, family, hypothetical), billable flag and "
        "validation warnings. Only affirmed codes above the operating threshold are suggested (inpatient "
        "encounters: uncertain ones too; --suggest mentioned: every condition mentioned, whatever its status); the "
        "other candidates are listed below them.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="a note file, a folder of notes, or - for stdin")
    p.add_argument("--limit", type=int, default=25, metavar="N",
                   help="text output: how many non-suggested candidates to show (default: %(default)s)")
    p.add_argument("--retrieval", action=argparse.BooleanOptionalAction, default=None,
                   help="also list codes found by embedding similarity (sentence vs code description), below the "
                   "scored ones and never suggested; slower (default: the coder_retrieval setting, off)")
    p.add_argument("--jobs", type=_jobs, default=1, metavar="N",
                   help="code a batch of notes in N worker processes (0: one per CPU core); same output, same "
                   "order (default: %(default)s)")
    p.add_argument("--encounter", choices=ENCOUNTERS, default=None,
                   help="coding rules for uncertain diagnoses ('probable', 'suspected', 'rule out'): outpatient does "
                   "not code them, inpatient codes them as if established, with a warning (ICD-10-CM guidelines "
                   "IV.H / II.H; default: the coding_encounter setting, outpatient)")
    p.add_argument("--suggest", choices=SCOPES, default=None,
                   help="coded: the codes to report for the encounter; mentioned: every condition the note mentions "
                   "above the threshold, whatever its status (negated, past, a relative's) or the rule that would "
                   "leave it out, for abstraction (default: the coding_suggest setting, coded)")
    add_common_options(p, FORMATS)
    p.set_defaults(func=run)


def _jobs(value: str) -> int:
    import os

    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--jobs takes a whole number, not {value!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError("--jobs takes 0 (one per CPU core) or more")
    return n or (os.cpu_count() or 1)


def _record(result_dict: dict[str, Any]) -> dict[str, Any]:
    keep = ("code", "description", "score", "suggested", "status", "billable", "evidence", "warnings")
    keep_retrieval = keep + ("source", "similarity")  # retrieval candidates say so
    rec = {"codes": [{k: c[k] for k in (keep_retrieval if c.get("source") == "retrieval" else keep)}
                     for c in result_dict["codes"]],
           "threshold": result_dict["threshold"]}
    if result_dict.get("scope", "coded") != "coded":
        rec["suggest"] = result_dict["scope"]
    if result_dict.get("notices"):
        rec["notices"] = list(result_dict["notices"])
    return rec


def run(args) -> int:
    from ..tasks.code import get_coder

    items = expand_inputs(args.paths)
    retrieval, encounter, scope = args.retrieval, args.encounter, args.suggest
    if retrieval is None or encounter is None or scope is None:
        from ..config import Settings

        settings = Settings.load()
        if retrieval is None:
            retrieval = bool(getattr(settings, "coder_retrieval", False))
        if encounter is None:
            encounter = settings.coding_encounter if settings.coding_encounter in ENCOUNTERS else "outpatient"
        if scope is None:
            scope = settings.coding_suggest if settings.coding_suggest in SCOPES else "coded"
    opts = (retrieval, encounter, scope)
    coder = None
    rows: list[dict[str, Any]] = []
    batch: Batch | None = None  # started at the first note: after run_task has opened the history

    def fn(item) -> TaskOutput:
        nonlocal coder, batch
        if batch is None and args.jobs > 1 and len(items) > 1:
            batch = Batch(items, args.jobs, opts)
        if batch is not None:
            doc, rec, models = batch.result(item)
        else:
            doc = read_document(item)
            if coder is None:
                coder = get_coder()
            rec, models = _code(doc, coder, opts)
        if args.format == "csv":
            rows.append({"file": item.name, **rec})
        return TaskOutput(result=rec, source=doc, models=models,
                          params={"threshold": rec["threshold"], "encounter": encounter, "suggest": scope})

    def guarded(item):
        try:
            return fn(item)
        except MedAssistError as exc:
            if args.format == "csv":
                rows.append({"file": item.name, "error": str(exc)})
            raise

    try:
        rc = run_task(args, "code", items, guarded, lambda rec: render_text(rec, limit=args.limit))
    finally:
        if batch is not None:
            batch.close()
    if args.format == "csv":
        write_csv(rows, args)
    return rc


def _code(doc, coder, opts: tuple[bool, str, str]) -> tuple[dict[str, Any], list[dict]]:
    """One note's record (the jsonl fields) and the models that made it; ``opts``: (retrieval, encounter, scope)."""
    from ..runtime.loading import collector_paused
    from ..tasks.code import code_document

    retrieval, encounter, scope = opts
    with collector_paused():  # (the record's few hundred small dicts too)
        result = code_document(doc, coder=coder, retrieval=retrieval, encounter=encounter, scope=scope)
        rec = _record(result.to_dict())
    rec["elapsed_ms"] = getattr(result, "elapsed_ms", None)
    return rec, result.models


def _worker_start(pack: str | None = None) -> None:
    """A batch worker: the network guard first, then the coder (the installed pack, or the pack folder
    ``pack``: bench/codiesp.py measures train-only packs), once."""
    from ..netguard import install
    from ..tasks import code as code_task

    install()
    if pack is None:
        code_task.get_coder()
    else:
        from ..runtime.packs import ModelPack

        code_task.use_coder(code_task.Coder(pack=ModelPack.load(pack)))


def _worker_code(doc, opts: tuple[bool, str, str]) -> bytes:
    """A note coded in a worker, its record pickled here: the batch unpickles it with the collector paused
    (``_loads``)."""
    import pickle

    from ..tasks.code import get_coder

    return pickle.dumps(_code(doc, get_coder(), opts), protocol=pickle.HIGHEST_PROTOCOL)


def _loads(data: bytes):
    """A worker's record, a few hundred codes of small dicts (~100 KB), unpickled with the cyclic garbage collector
    paused: those allocations set off collections that walk every record the batch read before (CodiEsp dev: 5.6 ms
    a note in the reading process, 1.1 ms paused), time taken from the workers on a 2-core machine."""
    import gc
    import pickle

    paused = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        if paused:
            gc.enable()


def _worker_ready(pause: float) -> int:
    import os
    import time

    time.sleep(pause)
    return os.getpid()


def _stopped(item) -> TaskError:
    return TaskError("a coding worker process stopped before this note was coded (out of memory, or killed); the "
                     "notes before it are done: run the rest again, with --jobs 1 if it recurs", path=item.name)


class Batch:
    """The notes of one ``--jobs N`` run: read here in order (a bad file fails as it would with one process),
    coded by a pool of N processes as soon as they are read; ``result(item)`` waits for that note's record."""

    def __init__(self, items, jobs: int, opts: tuple[bool, str, str] = (False, "outpatient", "coded"),
                 pack: str | None = None):
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        # spawn / forkserver: a worker starts clean (no copy of this process's threads or open files)
        method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
        self.workers = max(1, min(jobs, len(items)))
        self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=mp.get_context(method),
                                        initializer=_worker_start, initargs=(pack,))
        self.items, self.opts = items, opts
        self.pending: dict[int, tuple] | None = None

    def warm(self, pause: float = 0.2, rounds: int = 50) -> set[int]:
        """Wait until every worker has started and loaded its coder; returns the process ids that answered."""
        seen: set[int] = set()
        for _ in range(rounds):
            seen |= {f.result() for f in [self.pool.submit(_worker_ready, pause) for _ in range(self.workers)]}
            if len(seen) >= self.workers:
                break
        return seen

    def start(self) -> None:
        from concurrent.futures.process import BrokenProcessPool

        self.pending = {}
        for item in self.items:
            try:
                doc = read_document(item)
            except MedAssistError as exc:
                self.pending[id(item)] = (None, exc)
                continue
            try:
                self.pending[id(item)] = (doc, self.pool.submit(_worker_code, doc, self.opts))
            except BrokenProcessPool:
                self.pending[id(item)] = (doc, _stopped(item))

    def result(self, item):
        if self.pending is None:
            self.start()
        doc, job = self.pending.pop(id(item))
        if isinstance(job, BaseException):
            raise job
        from concurrent.futures.process import BrokenProcessPool

        try:
            rec, models = _loads(job.result())  # a worker's MedAssistError is raised here, its type and message kept
        except BrokenProcessPool:
            raise _stopped(item) from None
        return doc, rec, models

    def close(self) -> None:
        for _, job in (self.pending or {}).values():
            if not isinstance(job, BaseException):
                job.cancel()
        self.pool.shutdown(wait=True, cancel_futures=True)


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
    lines = [f"Note: {n}" for n in rec.get("notices") or []]
    every = " for every condition mentioned, whatever its status," if rec.get("suggest") == "mentioned" else ""
    lines.append(f"Suggested ICD-10-CM codes{every} ({len(sug)}) — drafts for a coder to check:")
    if not sug:
        lines.append("  (none above the threshold)")
    for c in sug:
        lines.append(f"  {c['code']:<9} {c['description']}  [score {c['score']:.2f}"
                     f"{'' if c['status'] == 'affirmed' else ', ' + c['status']}"
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
