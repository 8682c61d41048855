"""The ``recur`` command: migrate, demo, serve, export-schema."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from recur.settings import Settings

log = logging.getLogger("recur")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="recur", description="Recur: quote-to-cash for B2B.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("migrate", help="create or upgrade the database schema")
    commands.add_parser("demo", help="migrate, then load the demo data into an empty database")
    serve = commands.add_parser("serve", help="run the web server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    commands.add_parser("export-schema", help="print the GraphQL schema (SDL)")
    args = parser.parse_args(argv)
    _configure_logging()

    if args.command == "export-schema":
        from recur.graphql.schema import sdl

        sys.stdout.write(sdl())
        return 0
    if args.command == "serve":
        return _serve(args.host, args.port, args.workers)
    settings = Settings.from_env()
    if args.command == "migrate":
        asyncio.run(_migrate(settings))
        return 0
    asyncio.run(_demo(settings))
    return 0


def _configure_logging() -> None:
    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("recur").setLevel(logging.INFO)
    logging.getLogger("alembic.runtime.migration").setLevel(logging.INFO)


async def _migrate(settings: Settings) -> None:
    from recur.db.engine import Database
    from recur.db.migrate import upgrade

    db = Database(settings.database_url)
    try:
        await upgrade(db)
    finally:
        await db.dispose()
    log.info("database schema is up to date (%s)", db.url.render_as_string(hide_password=True))


async def _demo(settings: Settings) -> None:
    from recur.db.engine import Database
    from recur.db.migrate import upgrade
    from recur.demo import load_demo

    db = Database(settings.database_url)
    try:
        await upgrade(db)
        if await load_demo(db):
            log.info("demo data loaded: log in as alice@acme.example / recur-demo")
        else:
            log.info("the database already has data: demo data not loaded")
    finally:
        await db.dispose()


def _serve(host: str, port: int, workers: int) -> int:
    import uvicorn

    uvicorn.run(
        "recur.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
