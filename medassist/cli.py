"""The command-line face: ``medassist [--home DIR] COMMAND ...`` (contract in DESIGN.md).

This module holds the plumbing every task command shares — input expansion (file, folder, ``-``),
``--format``/``-o``/``--no-history``, per-input errors that do not stop the run, history recording and
exit codes. Each command lives in ``medassist/commands/<name>.py`` and exposes ``register(subparsers)``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from . import __version__
from .errors import IngestError, MedAssistError

#: (command, module) — each module defines ``register(subparsers)``.
COMMANDS: list[tuple[str, str]] = [
    ("doctor", "medassist.commands.doctor"),
    ("models", "medassist.commands.models"),
    ("inspect", "medassist.commands.inspect"),
    ("summarize", "medassist.commands.summarize"),
    ("impression", "medassist.commands.impression"),
    ("code", "medassist.commands.code"),
    ("letter", "medassist.commands.letter"),
    ("report", "medassist.commands.report"),
    ("history", "medassist.commands.history"),
]

EXIT_OK = 0
EXIT_SOME_FAILED = 2  # some inputs failed (each is reported); others succeeded


# --------------------------------------------------------------------------------------------- inputs
@dataclass
class InputItem:
    """One input of a task command: a file, a folder (when a command takes folders whole) or stdin."""

    name: str  # what the user named (path as given, or "-")
    path: Path | None  # None for stdin
    data: bytes | None = None  # stdin bytes

    @property
    def is_stdin(self) -> bool:
        return self.path is None


def expand_inputs(paths: Iterable[str], *, folders_whole: bool = False) -> list[InputItem]:
    """Expand the PATH arguments: a file; a folder (every readable file in it, sorted, recursively —
    or the folder itself when ``folders_whole``, e.g. a DICOM study); ``-`` for stdin.
    A path that does not exist becomes an item whose reading will fail with a clear error."""
    items: list[InputItem] = []
    for raw in paths:
        if raw == "-":
            items.append(InputItem("-", None, sys.stdin.buffer.read()))
            continue
        p = Path(raw)
        if p.is_dir() and not folders_whole:
            files = sorted(
                f for f in p.rglob("*") if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
            items.extend(InputItem(str(f), f) for f in files)
        else:
            items.append(InputItem(raw, p))
    return items


def read_document(item: InputItem, *, kind: str = "note"):
    """Read an input item as a Document (notes, or SR text), raising typed errors."""
    from .ingest import document_from_bytes, load_document

    if item.is_stdin:
        return document_from_bytes(item.data or b"", source="<stdin>", kind=kind)
    if not item.path.exists():
        raise IngestError("no such file or folder", path=item.name)
    from .ingest.dicom_errors import NotStructuredReportError

    try:
        return load_document(item.path)
    except NotStructuredReportError as exc:  # a DICOM image (or RT plan, ECG...) given to a note task
        raise _what_dicom_is(item, exc) from None


def _what_dicom_is(item: InputItem, exc: IngestError) -> IngestError:
    """'a DICOM image (CT Image Storage), not a note' for a DICOM object that holds no report text."""
    from .ingest.dicom import load_study

    res = load_study([item.path])
    if res.instances:
        what = f"a DICOM image ({res.instances[0].sop_class_name}), not a note: open it with `medassist report`"
    elif res.others:
        what = f"a DICOM object ({res.others[0].type}) without report text, not a note: see it with `medassist inspect`"
    else:
        return exc
    return type(exc)(what, path=item.name)


# --------------------------------------------------------------------------------------------- options
def add_common_options(p: argparse.ArgumentParser, formats: Iterable[str] = ("text", "json", "jsonl")) -> None:
    formats = list(formats)
    p.add_argument("--format", choices=formats, default=formats[0], help="output format (default: %(default)s)")
    p.add_argument("-o", "--output", metavar="OUT", help="write output here instead of stdout")
    p.add_argument("--no-history", action="store_true", help="do not record this run in the encrypted history. "
                   "A locked history (wrong or missing passphrase) stops the run before any input is read, so that "
                   "nothing runs unrecorded by accident; add --no-history to run without recording")


def open_output(args) -> Any:
    if getattr(args, "output", None):
        return open(args.output, "w", encoding="utf-8", newline="\n")
    return sys.stdout


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, default=_json_default)


def _json_default(o: Any):
    if hasattr(o, "to_dict"):
        return o.to_dict()
    if isinstance(o, Path):
        return str(o)
    try:
        import numpy as np

        if isinstance(o, np.generic):
            return o.item()
    except ImportError:  # pragma: no cover
        pass
    raise TypeError(f"not JSON serializable: {type(o).__name__}")


# --------------------------------------------------------------------------------------------- history
def open_history(args):
    """The encrypted history for recording runs, or None with ``--no-history``."""
    if getattr(args, "no_history", False):
        return None
    from .errors import HistoryLockedError
    from .store import open_history_for_cli

    try:
        return open_history_for_cli(home=args.home)
    except HistoryLockedError as exc:
        # Nothing ran: a run that cannot be recorded is not started behind the user's back. Say how to go on.
        raise HistoryLockedError(
            f"{exc.problem}. Nothing was run. Give the right passphrase (MEDASSIST_PASSPHRASE or the prompt), "
            "or add --no-history to run without recording"
        ) from None


# --------------------------------------------------------------------------------------------- task runner
@dataclass
class TaskOutput:
    """What one input produced: the result dict (task fields), the document/study it came from,
    and the model packs used (for the history)."""

    result: dict[str, Any]
    source: Any = None  # Document or Study
    models: list[dict[str, Any]] | None = None
    params: dict[str, Any] | None = None


def run_task(
    args,
    task: str,
    items: list[InputItem],
    fn: Callable[[InputItem], TaskOutput],
    render_text: Callable[[dict[str, Any]], str],
) -> int:
    """Run ``fn`` on every input in order, print per ``--format``, record history, return the exit code.

    jsonl: one object per input with ``file`` first; an input that fails becomes ``{"file", "error"}``
    and the run goes on. json: one object (one input) or a list. text: ``render_text`` per input.
    """
    from .logs import get as get_logger, ref

    log = get_logger("cli")
    history = open_history(args)
    out = open_output(args)
    failures: list[MedAssistError] = []
    collected: list[dict[str, Any]] = []
    try:
        for item in items:
            t0 = time.perf_counter()
            try:
                produced = fn(item)
            except MedAssistError as exc:
                failures.append(exc)
                log.warning("task=%s input=%s failed error=%s", task, ref(item.name), type(exc).__name__)
                record = {"file": item.name, "error": str(exc), "error_type": type(exc).__name__}
                _emit(args, out, record, render_text, len(items), failed=True)
                collected.append(record)
                continue
            elapsed_ms = round((time.perf_counter() - t0) * 1000.0, 1)
            log.info("task=%s input=%s ok elapsed_ms=%s", task, ref(item.name), elapsed_ms)
            record = {"file": item.name, **produced.result}
            record.setdefault("elapsed_ms", elapsed_ms)
            if history is not None:
                history.record_run(
                    task=task,
                    source=produced.source,
                    result=produced.result,
                    params=produced.params or {},
                    models=produced.models or [],
                    elapsed_ms=elapsed_ms,
                )
            _emit(args, out, record, render_text, len(items), failed=False)
            collected.append(record)
        if args.format == "json":
            out.write(dumps(collected[0] if len(collected) == 1 else collected) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
        if history is not None:
            history.close()
    if not failures:
        return EXIT_OK
    for exc in failures:
        print(f"medassist {task}: {exc}", file=sys.stderr)
    if len(failures) == len(items):
        return failures[0].exit_code
    return EXIT_SOME_FAILED


def _emit(args, out, record, render_text, n_items: int, *, failed: bool) -> None:
    if args.format == "jsonl":
        out.write(dumps(record) + "\n")
        out.flush()
    elif args.format == "text":
        if failed:  # errors go to stderr once (run_task), not into the text a user may paste or redirect
            return
        if n_items > 1:
            out.write(f"== {record['file']} ==\n")
        out.write(render_text(record).rstrip("\n") + "\n")
        if n_items > 1:
            out.write("\n")
        out.flush()


# --------------------------------------------------------------------------------------------- main
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="medassist",
        description="MedAssist: offline drafts of note summaries, ICD-10-CM codes, patient letters and "
        "radiology reports. Every draft is for a clinician to check.",
    )
    parser.add_argument("--version", action="version", version=f"medassist {__version__}")
    parser.add_argument("--home", metavar="DIR", default=None, help="data folder (default: $MEDASSIST_HOME or the user data dir)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in COMMANDS:
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name == module:
                continue  # command not built yet
            raise
        mod.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .netguard import install as install_network_guard

    install_network_guard()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.home:
        os.environ["MEDASSIST_HOME"] = str(Path(args.home).resolve())
    from .logs import get as get_logger, setup as setup_logging

    setup_logging()
    get_logger("cli").info("command=%s", getattr(args, "command", None))
    if not getattr(args, "func", None):
        parser.print_help()
        return 1
    try:
        return int(args.func(args) or 0)
    except MedAssistError as exc:
        print(f"medassist: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
