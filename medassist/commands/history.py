"""``medassist history list | show ID | search QUERY | backup PATH | restore PATH | rekey | audit``.

The history is opened like every task command opens it (OS keyring, else MEDASSIST_PASSPHRASE, else the
terminal). A wrong or missing passphrase exits with HistoryLockedError's code (6) and one line on stderr.
"""

from __future__ import annotations

import json
import os
import sys

from ..errors import HistoryError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "history",
        help="browse, search, back up or rekey the encrypted history",
        description="The encrypted history of documents, drafts, edits and decisions.",
    )
    actions = p.add_subparsers(dest="history_action", metavar="ACTION")
    actions.required = True

    def add(name, help_text):
        sp = actions.add_parser(name, help=help_text, description=help_text)
        sp.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: %(default)s)")
        return sp

    sp = add("list", "the newest runs")
    sp.add_argument("--limit", type=int, default=50)
    sp.add_argument("--task", help="only runs of this task (code, summarize, letter, report, ...)")
    sp.set_defaults(func=_list)

    sp = add("show", "one run in full: source, result (rendered as the task's text output; --format json: raw), "
             "edits and decisions")
    sp.add_argument("id", type=int, metavar="ID")
    sp.add_argument("--text", action="store_true", help="also print the document text")
    sp.set_defaults(func=_show)

    sp = add("search", "full-text search over documents and results (all words must appear; word* for a prefix)")
    sp.add_argument("query", nargs="+", metavar="QUERY")
    sp.add_argument("--limit", type=int, default=20)
    sp.add_argument("--order", choices=("recent", "relevance"), default="recent", help="newest first (default) or best match first")
    sp.set_defaults(func=_search)

    sp = add("backup", "write an encrypted copy (plus PATH.key.json, which holds no key)")
    sp.add_argument("path", metavar="PATH")
    sp.add_argument("--overwrite", action="store_true", help="replace an existing backup file")
    sp.set_defaults(func=_backup)

    sp = add("restore", "replace the history with a backup (the current one is kept as history.db.bak)")
    sp.add_argument("path", metavar="PATH")
    sp.set_defaults(func=_restore)

    sp = add("rekey", "rotate the history key; --new-passphrase changes (or sets) the passphrase")
    sp.add_argument(
        "--new-passphrase",
        action="store_true",
        help="ask for a new passphrase (MEDASSIST_NEW_PASSPHRASE, else the terminal)",
    )
    sp.set_defaults(func=_rekey)

    sp = add("audit", "the append-only audit log")
    sp.add_argument("--limit", type=int, default=100)
    sp.set_defaults(func=_audit)


def _open(args):
    from ..errors import HistoryLockedError
    from ..store import open_history_for_cli

    try:
        return open_history_for_cli(home=getattr(args, "home", None))
    except HistoryLockedError as exc:  # say how to unlock; the file is left as it was
        raise HistoryLockedError(
            f"{exc.problem}. The history is unchanged. To unlock it give its passphrase: MEDASSIST_PASSPHRASE, "
            "or the terminal prompt (run without MEDASSIST_PASSPHRASE in a terminal)"
        ) from None


def _print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def _row(run: dict) -> str:
    source = run.get("source") or "-"
    return f"{run['id']:>6}  {run['created'][:19].replace('T', ' ')}  {run['task']:<11} {run['status']:<9} {source}"


def _list(args) -> int:
    with _open(args) as h:
        runs = h.list_runs(limit=args.limit, task=args.task)
    if args.format == "json":
        _print_json(runs)
    elif not runs:
        print("no runs in the history yet")
    else:
        print(f"{'ID':>6}  {'created (UTC)':<19}  {'task':<11} {'status':<9} source")
        for run in runs:
            print(_row(run))
    return 0


def _show(args) -> int:
    with _open(args) as h:
        run = h.get_run(args.id)
    if args.format == "json":
        _print_json(run)
        return 0
    doc = run.get("document")
    took = f", {run['elapsed_ms']} ms" if run["elapsed_ms"] is not None else ""
    print(f"run {run['id']}: {run['task']} ({run['status']}), {run['created']}{took}")
    if doc:
        print(f"source: {doc['source']} ({doc['kind']}, {len(doc['text'] or '')} characters, sha256 {doc['content_hash'][:12]})")
        if doc.get("patient_id") or doc.get("study_uid"):
            print(f"patient: {doc.get('patient_id') or '-'}  study: {doc.get('study_uid') or '-'}")
    for m in run["models"]:
        print(f"model: {m.get('name')} {m.get('version', '')} {str(m.get('sha256', ''))[:12]}")
    if run["params"]:
        print("params: " + json.dumps(run["params"], ensure_ascii=False))
    print("result:")
    print(render_result(run["task"], run["result"], source=doc["source"] if doc else None).rstrip("\n"))
    for e in run["edits"]:
        print(f"edit {e['created'][:19]} {e['who']}: {e['item']}: {e['before']!r} -> {e['after']!r}")
    for d in run["decisions"]:
        print(f"{d['decision']} {d['created'][:19]} {d['who']}: {d['item']}")
    if args.text and doc:
        print("document text:")
        print(doc["text"])
    return 0


#: fields a stored result must have for its task's renderer to show it faithfully (else: the raw JSON)
RESULT_KEYS = {
    "code": ("codes",),
    "summarize": ("problems", "medications"),
    "letter": ("text",),
    "impression": ("impression",),
    "report": ("study",),
}


def _renderer(task: str):
    """The text renderer the task's own command uses (``medassist code`` etc.), or None for a task without one."""
    if task == "code":
        from .code import render_text
    elif task == "summarize":
        from ..tasks.summarize import render_text
    elif task == "letter":
        from .letter import render_text
    elif task == "impression":
        from .impression import render_text
    elif task == "report":
        from ..tasks.report_export import report_text as render_text
    else:
        return None
    return render_text


def render_result(task: str, result, *, source: str | None = None) -> str:
    """A stored result as the task printed it in text mode; the raw JSON when the task has no text renderer
    or the stored result does not fit the current one (a run recorded by an older version)."""
    fn = _renderer(task)
    if fn is not None and isinstance(result, dict) and all(k in result for k in RESULT_KEYS.get(task, ())):
        try:
            return fn({"file": source or "-", **result})
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            pass
    return json.dumps(result, ensure_ascii=False, indent=2)


def _search(args) -> int:
    query = " ".join(args.query)
    with _open(args) as h:
        hits = h.search(query, limit=args.limit, order=args.order)
    if args.format == "json":
        _print_json(hits)
    elif not hits:
        print(f"no run matches {query!r}")
    else:
        for hit in hits:
            print(_row(hit))
            print(f"        {hit['matched_in']}: {' '.join(hit['match'].split())}")
    return 0


def _backup(args) -> int:
    with _open(args) as h:
        dest = h.backup(args.path, overwrite=args.overwrite)
        runs = h.count_runs()
    info = {"backup": str(dest), "key_file": str(dest) + ".key.json", "runs": runs}
    if args.format == "json":
        _print_json(info)
    else:
        print(f"backed up {runs} runs to {dest} (key file {info['key_file']}; keep both)")
    return 0


def _restore(args) -> int:
    with _open(args) as h:
        info = h.restore(args.path, passphrase=os.environ.get("MEDASSIST_BACKUP_PASSPHRASE") or None)
    if args.format == "json":
        _print_json(info)
    else:
        print(f"restored {info['runs']} runs from {args.path}; the previous history is kept as {info['backup_of_previous']}")
    return 0


def _new_passphrase() -> str:
    value = os.environ.get("MEDASSIST_NEW_PASSPHRASE")
    if value:
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        value = getpass.getpass("New history passphrase: ")
        if value and getpass.getpass("Repeat the new passphrase: ") == value:
            return value
        raise HistoryError("the new passphrase was empty or the two entries differ; nothing changed")
    raise HistoryError("no new passphrase given (set MEDASSIST_NEW_PASSPHRASE or run in a terminal); nothing changed")


def _rekey(args) -> int:
    new_pw = _new_passphrase() if args.new_passphrase else None
    with _open(args) as h:
        before = h.mode
        after = h.rekey(new_passphrase=new_pw)
    if args.format == "json":
        _print_json({"rekeyed": True, "from": before, "to": after, "passphrase_changed": new_pw is not None})
    else:
        what = "passphrase changed" if new_pw is not None else "key rotated"
        print(f"history {what} ({before} -> {after})")
    return 0


def _audit(args) -> int:
    with _open(args) as h:
        events = h.audit_events(limit=args.limit)
    if args.format == "json":
        _print_json(events)
    else:
        for e in events:
            run = f" run {e['run_id']}" if e["run_id"] is not None else ""
            print(f"{e['id']:>6}  {e['created'][:19].replace('T', ' ')}  {e['event']:<9} {e['who']}{run} {json.dumps(e['details'])}")
    return 0


__all__ = ["register"]
