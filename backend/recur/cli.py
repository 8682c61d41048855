"""The ``recur`` command: migrate, demo, create-admin, serve, bill, prune, backup, restore,
export-schema, worker, recommend evaluate."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import logging.config
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from recur.observability.logs import LogFormat, install_record_fields, logging_config
from recur.settings import ConfigurationError, Settings, unknown_variables

log = logging.getLogger("recur")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="recur", description="Recur: quote-to-cash for B2B.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("migrate", help="create or upgrade the database schema")
    commands.add_parser("demo", help="migrate, then load the demo data into an empty database")
    admin = commands.add_parser(
        "create-admin",
        help="migrate, then add an admin (password from RECUR_ADMIN_PASSWORD or a prompt)",
    )
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", required=True)
    serve = commands.add_parser("serve", help="run the web server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    bill = commands.add_parser("bill", help="invoice every charge due by a date (the billing run)")
    bill.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="bill what is due by this date (default: today)",
    )
    bill.add_argument("--quiet", action="store_true", help="no progress bar")
    commands.add_parser("prune", help="delete expired sessions and one-time links")
    backup = commands.add_parser("backup", help="copy the SQLite database to a new file, online")
    backup.add_argument("path", type=Path)
    restore = commands.add_parser(
        "restore", help="replace the SQLite database with a backup (stop the server first)"
    )
    restore.add_argument("path", type=Path)
    commands.add_parser("export-schema", help="print the GraphQL schema (SDL)")
    commands.add_parser("worker", help="deliver webhooks and email from the outbox until stopped")
    recommend = commands.add_parser("recommend", help="next best offers")
    recommend_commands = recommend.add_subparsers(dest="recommend", required=True)
    evaluate = recommend_commands.add_parser(
        "evaluate", help="replay history: hit rate at 3 of the model and of popularity"
    )
    evaluate.add_argument("--accounts", type=int, default=5_000, help="generated book size")
    evaluate.add_argument("--seed", type=int, default=7, help="generated book seed")
    evaluate.add_argument("--resamples", type=int, default=1_000, help="bootstrap resamples")
    args = parser.parse_args(argv)
    _configure_logging()

    if args.command == "export-schema":
        from recur.graphql.schema import sdl

        sys.stdout.write(sdl())
        return 0
    settings = _settings()
    if settings is None:
        return 2
    if args.command == "serve":
        problem = asyncio.run(_unmigrated(settings))
        if problem is not None:
            sys.stderr.write(f"recur: {problem}: run `recur migrate` first.\n")
            return 2
        return _serve(args.host, args.port, args.workers)
    if args.command == "migrate":
        asyncio.run(_migrate(settings))
        return 0
    if args.command == "bill":
        return asyncio.run(_bill(settings, args.as_of, quiet=args.quiet))
    if args.command == "worker":
        return asyncio.run(_worker(settings))
    if args.command == "recommend":
        return asyncio.run(_evaluate_offers(settings, args.accounts, args.seed, args.resamples))
    if args.command in ("backup", "restore"):
        return _backup_or_restore(settings, args.command, args.path)
    if args.command == "prune":
        return asyncio.run(_prune(settings))
    if args.command == "create-admin":
        return _create_admin(settings, args.email, args.name)
    asyncio.run(_demo(settings))
    return 0


def _log_format() -> LogFormat:
    """``RECUR_LOG_FORMAT``, read before the settings so that their own warnings are logged
    in it (a wrong value falls back here, and the settings' check refuses it)."""
    chosen = os.environ.get("RECUR_LOG_FORMAT", "").strip().lower()
    if chosen == "json":
        return "json"
    if chosen == "text":
        return "text"
    return "json" if os.environ.get("RECUR_ENV", "").strip().lower() == "production" else "text"


def _configure_logging() -> None:
    root = logging.getLogger()
    kept = list(root.handlers)  # a test's capture, say: the configuration would drop them
    logging.config.dictConfig(logging_config(_log_format()))
    install_record_fields()
    for handler in kept:
        root.addHandler(handler)


def _settings() -> Settings | None:
    """The checked configuration, or ``None`` once each problem is told on one line: a
    misconfigured server must not start, and a traceback would bury the variable's name."""
    for warning in unknown_variables():
        log.warning("%s", warning)
    try:
        return Settings.from_env()
    except ConfigurationError as error:
        for problem in error.problems:
            sys.stderr.write(f"recur: configuration: {problem}\n")
        return None


async def _migrate(settings: Settings) -> None:
    from recur.db.engine import Database
    from recur.db.migrate import upgrade

    db = Database.configured(settings)
    try:
        await upgrade(db)
    finally:
        await db.dispose()
    log.info("database schema is up to date (%s)", db.url.render_as_string(hide_password=True))


async def _unmigrated(settings: Settings) -> str | None:
    """Why the server must not start on this database, if it must not: the schema is not
    the code's (the server would fail on the first request that touches what is missing)."""
    from recur.db.engine import Database
    from recur.db.migrate import pending

    db = Database.configured(settings)
    try:
        return await pending(db)
    except Exception as error:  # unreachable, wrong credentials, …: said plainly, no trace
        return f"the database cannot be reached ({type(error).__name__}: {error})"
    finally:
        await db.dispose()


async def _demo(settings: Settings) -> None:
    from recur.clock import SystemClock
    from recur.db.engine import Database
    from recur.db.migrate import upgrade
    from recur.demo import load_demo
    from recur.services import invoicing
    from recur.web.documents import seller_details

    db = Database.configured(settings)
    try:
        await upgrade(db)
        await invoicing.record_seller(db, seller_details(settings), now=SystemClock().now())
        if await load_demo(db):
            log.info("demo data loaded: log in as alice@acme.example / recur-demo")
        else:
            log.info("the database already has data: demo data not loaded")
    finally:
        await db.dispose()


def _create_admin(settings: Settings, email: str, name: str) -> int:
    password = os.environ.get("RECUR_ADMIN_PASSWORD") or _prompt_password()
    if password is None:
        sys.stderr.write("recur: the two passwords differ; nothing was created\n")
        return 1
    return asyncio.run(_add_admin(settings, email, name, password))


def _prompt_password() -> str | None:
    """The password typed twice without echo; ``None`` when the two differ."""
    password = getpass.getpass("Password: ")
    return password if getpass.getpass("Password (again): ") == password else None


async def _add_admin(settings: Settings, email: str, name: str, password: str) -> int:
    from recur.clock import SystemClock
    from recur.db.engine import Database
    from recur.db.migrate import upgrade
    from recur.services import accounts
    from recur.services.common import Invalid

    db = Database.configured(settings)
    try:
        await upgrade(db)
        user = await accounts.create_admin(
            db, email=email, name=name, password=password, now=SystemClock().now()
        )
    except Invalid as invalid:
        for problem in invalid.problems:
            field = ".".join(problem.field or ())
            sys.stderr.write(f"recur: {field}: {problem.message}\n")
        return 1
    finally:
        await db.dispose()
    log.info("admin %s created: log in as %s", user.name, user.email)
    return 0


async def _bill(settings: Settings, as_of: date | None, *, quiet: bool) -> int:
    from recur.clock import SystemClock
    from recur.db.engine import Database
    from recur.services import invoicing
    from recur.services.billing import (
        CLI,
        check_billing_date,
        recorded_run,
        send_invoice_reminders,
    )
    from recur.services.common import Invalid
    from recur.services.payments import SandboxProvider
    from recur.web.documents import seller_details

    clock = SystemClock()
    day = as_of or clock.today()
    try:
        check_billing_date(day, today=clock.today())
    except Invalid as invalid:
        print(f"recur bill: {invalid.problems[0].message}", file=sys.stderr)
        return 2
    db = Database.configured(settings)
    progress = None if quiet or not sys.stderr.isatty() else _progress_bar
    try:
        await invoicing.record_seller(db, seller_details(settings), now=clock.now())
        _, result = await recorded_run(
            db,
            as_of=day,
            now=clock.now(),
            trigger=CLI,
            progress=progress,
            provider=SandboxProvider(),
        )
        reminders = await send_invoice_reminders(db, today=day, now=clock.now())
    finally:
        await db.dispose()
    if progress is not None:
        sys.stderr.write("\n")
    print(f"billing run as of {day.isoformat()}: {result.invoices_created} invoices created")
    if result.invoice_numbers:
        print(f"  {result.invoice_numbers[0]} … {result.invoice_numbers[-1]}")
    print(f"invoice reminders queued: {reminders}")
    for failed in result.failed_accounts:
        print(f"  FAILED account {failed.account_id} ({failed.name}): {failed.error}")
    if result.collections is not None and result.collections.charged:
        collected = result.collections
        print(f"  autopay and dunning: {collected.paid} paid, {collected.failed} declined")
    return 1 if result.failed_accounts else 0


def _backup_or_restore(settings: Settings, command: str, path: Path) -> int:
    from recur.db.backup import BackupError, backup, restore

    try:
        (backup if command == "backup" else restore)(settings.database_url, path)
    except BackupError as error:
        sys.stderr.write(f"recur {command}: {error}\n")
        return 2
    done = "backed up to" if command == "backup" else "restored from"
    log.info("database %s %s", done, path)
    return 0


async def _prune(settings: Settings) -> int:
    from recur.clock import SystemClock
    from recur.db.engine import Database
    from recur.services.accounts import prune_expired

    db = Database.configured(settings)
    try:
        pruned = await prune_expired(db, now=SystemClock().now())
    finally:
        await db.dispose()
    print(f"pruned {pruned.sessions} expired sessions and {pruned.links} expired links")
    return 0


def _progress_bar(done: int, total: int) -> None:
    width = 40
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} accounts")
    sys.stderr.flush()


async def _worker(settings: Settings) -> int:
    from recur.clock import SystemClock
    from recur.db.engine import Database
    from recur.worker import DeliveryWorker, mailer_from

    db = Database.configured(settings)
    try:
        clock = SystemClock()
        worker = DeliveryWorker(
            db,
            clock,
            allow_private=settings.webhooks_allow_private,
            mailer=mailer_from(settings, db, clock),
        )
        await worker.run_forever()
    finally:
        await db.dispose()
    return 0


async def _evaluate_offers(settings: Settings, accounts: int, seed: int, resamples: int) -> int:
    from recur.clock import SystemClock
    from recur.db.engine import Database
    from recur.offer_report import report

    db = Database.configured(settings)
    try:
        lines = await report(
            db, today=SystemClock().today(), accounts=accounts, seed=seed, resamples=resamples
        )
    finally:
        await db.dispose()
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _serve(host: str, port: int, workers: int) -> int:
    import tempfile

    import uvicorn

    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # The workers share their metrics through files in one fresh directory; it must
        # be set before they start (docs/operations.md, "Metrics").
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="recur-metrics-")
    uvicorn.run(
        "recur.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_config=logging_config(_log_format()),
        access_log=False,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
