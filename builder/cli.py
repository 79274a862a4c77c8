"""`madoguchi`: serve, import, export, schema, purge, backup, restore."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from generated_apps.domain.apps import Apps
from generated_apps.domain.audit import Audit
from generated_apps.domain.config import Settings, start_problem
from generated_apps.domain.errors import LifecycleRefused, PublishRefused
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.retention import Retention
from generated_apps.domain.staff_accounts import StaffAccounts
from generated_apps.domain.store import Store
from widgets import json_schema, lint

from .app_files import read_app_file


def main(argv: list[str] | None = None) -> int:
    # Everything Madoguchi writes (database, exports, backups, session files) is for this user only.
    os.umask(0o077)
    parser = argparse.ArgumentParser(prog="madoguchi", description="Accessible citizen apps for municipalities.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the server (resident pages at /, staff at /staff)")
    serve.add_argument("--demo", action="store_true", help="publish the three demo apps first")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)

    imp = commands.add_parser("import", help="import an app file (JSON) as a draft")
    imp.add_argument("file", type=Path)
    imp.add_argument("--publish", action="store_true", help="publish it as well")

    exp = commands.add_parser("export", help="print an app's draft as JSON")
    exp.add_argument("slug")

    admin = commands.add_parser("create-admin", help="create an admin account for the builder")
    admin.add_argument("username")
    admin.add_argument("--name", help="the name shown in the builder and the audit log (default: the user name)")
    admin.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    purge = commands.add_parser("purge",
                                help="delete submissions past their app's retention period, and expired drafts")
    purge.add_argument("--dry-run", action="store_true", help="only say what would be deleted")

    back = commands.add_parser("backup", help="copy the whole database to a new file, safely while serving")
    back.add_argument("file", type=Path, help="the new file (SQLite: a database file; PostgreSQL: a pg_dump file)")
    rest = commands.add_parser("restore", help="replace the whole database with a backup (stop the servers first)")
    rest.add_argument("file", type=Path)
    rest.add_argument("--yes", action="store_true", help="do not ask before replacing the database")

    commands.add_parser("schema", help="print the JSON Schema of the app file format")
    commands.add_parser("messages", help="extract interface text and update the catalogs in locales/")

    args = parser.parse_args(argv)
    settings = None
    try:
        settings = Settings.from_env()
        return _run(args, settings)
    except Exception as error:  # a read-only folder, a full disk, a damaged database: one line, no traceback
        if os.environ.get("MADOGUCHI_DEBUG") == "1":
            raise
        print(start_problem(error, settings), file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "schema":
        print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
        return 0
    if args.command == "messages":
        from .messages import update

        for lang, missing in update().items():
            print(f"{lang}: {len(missing)} untranslated")
        return 0
    if args.command in ("backup", "restore"):
        return _backup(settings, args)
    store = Store.open(settings.database_url)
    if args.command == "serve":
        return _serve(settings, store, args)
    if args.command == "import":
        return _import(store, args.file, args.publish)
    if args.command == "create-admin":
        return _create_admin(store, args)
    if args.command == "purge":
        return _plan(store, settings.time_zone) if args.dry_run else _purge(store)
    if args.command == "export":
        app = Apps(store).by_slug(args.slug)
        if app is None:
            print(f"No app with the slug {args.slug!r}.", file=sys.stderr)
            return 1
        print(json.dumps(app.draft_spec, ensure_ascii=False, indent=2))
        return 0
    return 2


def _import(store: Store, path: Path, publish: bool) -> int:
    try:
        data = path.read_bytes()
    except OSError as error:
        print(f"Cannot read {path}: {error.strerror}", file=sys.stderr)
        return 1
    spec, problems = read_app_file(data)
    if spec is None:
        print(f"{path} is not a valid app file:", file=sys.stderr)
        for problem in problems:
            where = f"{problem.where}: " if problem.where else ""
            print(f"  {where}{problem.message.format(**problem.params)}", file=sys.stderr)
        return 1
    apps = Apps(store)
    for issue in lint(spec, apps.facility_ids()):
        print(f"{issue.level}: {issue.message}", file=sys.stderr)
    apps.save_app(spec, by="cli")
    print(f"Imported {spec.slug}.")
    if publish:
        try:
            # The warnings were printed above: --publish is the operator's acknowledgement of them.
            version = Lifecycle(store).publish(spec.slug, by="cli", warnings_acknowledged=True)
        except PublishRefused as refused:
            print("Not published: " + "; ".join(refused.errors), file=sys.stderr)
            return 1
        except LifecycleRefused as refused:
            print(f"Not published: {refused}", file=sys.stderr)
            return 1
        print(f"Published {spec.slug} as version {version.number}.")
    return 0


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _purge(store: Store) -> int:
    result = Retention(store).purge(by="cli")
    for app in result.apps:
        print(f"{app.slug}: deleted {_plural(app.submissions, 'submission')} with {_plural(app.notes, 'note')}, "
              f"{_plural(app.bookings, 'booking')} and {_plural(app.drafts, 'draft')} "
              f"(kept for {app.retention_days} days).")
    if result.drafts:
        print(f"Deleted {_plural(result.drafts, 'expired resident draft')}.")
    if not result.deleted:
        print("Nothing was past its retention period. Nothing was deleted.")
    return 0


def _plan(store: Store, zone: str) -> int:
    plans = Retention(store).plan()
    for plan in plans:
        if plan.retention_days is None:
            print(f"{plan.slug}: no retention period is set, so nothing it received is deleted.")
        else:
            line = f"{plan.slug}: kept for {plan.retention_days} days; {_plural(plan.submissions, 'submission')} " \
                   "would be deleted now"
            if plan.held:
                line += f", {plan.held} more kept until their booked time has passed"
            if plan.next_expiry is not None:
                line += f"; the next reaches its end on {plan.next_expiry.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M}"
            print(line + ".")
        if plan.drafts:
            print(f"{plan.slug}: {_plural(plan.drafts, 'expired draft')} would be deleted.")
    if not plans:
        print("No app has been published: there is nothing to purge.")
    print("Nothing was deleted (dry run).")
    return 0


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    from generated_apps.domain.backup import BackupError, backup, restore

    url = settings.database_url
    try:
        if args.command == "backup":
            summary = backup(url, args.file)
            Audit(Store.open(url)).record("cli", "database.backup", target=args.file.name,
                                  detail={"holds": summary.counts} if summary else None)
            print(f"Backed up to {args.file}" + (f": {summary.describe()}." if summary else "."))
            return 0
        if not args.yes:
            answer = input(f"This replaces everything in the database with {args.file}. What is there now is "
                           "kept in a copy beside it. Stop the servers first. Type yes to go on: ")
            if answer.strip().lower() != "yes":
                print("Nothing was changed.")
                return 1
        summary, kept = restore(url, args.file)
    except BackupError as error:
        print(f"{error} Nothing was changed.", file=sys.stderr)
        return 1
    store = Store.open(url)  # an older backup is brought to this version's schema here
    Audit(store).record("cli", "database.restore", target=args.file.name)
    print(f"Restored {args.file}" + (f": {summary.describe()}." if summary else "."))
    if kept:
        print(f"What was there before is kept in {kept}.")
    return 0


def _create_admin(store: Store, args: argparse.Namespace) -> int:
    from .auth import hash_password, password_problem

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        import getpass

        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            print("The two passwords differ. Nothing was created.", file=sys.stderr)
            return 1
    problem = password_problem(password, args.username)
    if problem:
        print(problem + ". Nothing was created.", file=sys.stderr)
        return 1
    try:
        StaffAccounts(store).create(args.username, args.name or args.username, hash_password(password), "admin",
                                by="cli")
    except ValueError:
        print(f"There is already a user called {args.username!r}. Nothing was created.", file=sys.stderr)
        return 1
    print(f"Created the admin {args.username!r}.")
    return 0


def _serve(settings: Settings, store: Store, args: argparse.Namespace) -> int:
    problem = settings.staff_url_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    import logging

    import uvicorn

    # Madoguchi's own notes (the hourly retention purge's counts) beside uvicorn's; other libraries' stay quiet.
    logging.basicConfig(format="%(levelname)s:     %(name)s: %(message)s")
    logging.getLogger("madoguchi").setLevel(logging.INFO)

    from .server import create_server, load_demo

    slugs = load_demo(store) if args.demo else []
    app = create_server(settings, store)
    base = f"http://{args.host}:{args.port}"
    staff_at = f"{settings.staff_url}/staff (only there)" if settings.staff_url else f"{base}/staff"
    print(f"Madoguchi: resident pages at {base}/  ·  staff at {staff_at}")
    for slug in slugs:
        print(f"  demo app: {base}/a/{slug}")
    from generated_apps.web.asgi import TimedHTTP  # deadlines for a request's head and body

    uvicorn.run(app, host=args.host, port=args.port, log_level="info", http=TimedHTTP)
    return 0
