"""The ``bot`` command: train, run and operate the assistant. ``bot --help`` lists everything."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from bot.settings import get_settings


def cmd_train(args: argparse.Namespace) -> int:
    from bot.training import train

    train(force=args.force, config=args.config)
    return 0


def cmd_run(_: argparse.Namespace) -> int:
    from bot.publications.build import build_all
    from bot.services import core_services, gateway_services, supervise, web_service
    from bot.storage.db import upgrade
    from bot.training import train

    settings = get_settings()
    model = train()
    upgrade()
    build_all()
    services = [*core_services(settings, model), web_service(settings), *gateway_services(settings)]
    print(
        f"Web chat: http://localhost:{settings.web_port}/   "
        f"REST: http://localhost:{settings.rasa_port}/webhooks/rest/webhook   logs: {settings.var_dir / 'logs'}",
        flush=True,
    )
    return supervise(services, log_dir=settings.var_dir / "logs")


def cmd_web(_: argparse.Namespace) -> int:
    from bot.web.app import serve

    serve()
    return 0


def cmd_telegram(_: argparse.Namespace) -> int:
    from bot.gateways.telegram import run

    settings = get_settings()
    if not settings.telegram_bot_token:
        print("Set TELEGRAM_BOT_TOKEN to run the Telegram gateway.", file=sys.stderr)
        return 2
    run(settings)
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from bot.storage.db import upgrade

    upgrade()
    print("Database schema is up to date.")
    return 0


def cmd_publications(args: argparse.Namespace) -> int:
    from bot.publications.build import build_all, missing_files
    from bot.publications.catalogue import catalogue

    if args.action == "build":
        for path in build_all():
            print(f"built {path}")
    for publication in catalogue():
        print(f"{publication.id:24} {publication.title}  ({publication.file})")
    missing = missing_files()
    for line in missing:
        print(f"missing file: {line}", file=sys.stderr)
    return 1 if missing else 0


def cmd_kb_check(_: argparse.Namespace) -> int:
    from bot.knowledge.base import KnowledgeError, load_knowledge

    try:
        kb = load_knowledge()
    except KnowledgeError as error:
        print(f"Knowledge file error: {error}", file=sys.stderr)
        return 1
    for topic, title in kb.topics.items():
        entries = [e for e in kb.entries if e.topic == topic]
        print(f"{topic:14} {len(entries):3} entries  {sum(len(e.questions) for e in entries):5} questions  {title}")
    print(f"{'total':14} {len(kb.entries):3} entries  {sum(len(e.questions) for e in kb.entries):5} questions")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bot", description="Vietnamese assistant for coastal residents.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    train = add("train", cmd_train, "Train the Rasa model if its inputs changed.")
    train.add_argument("--force", action="store_true", help="train even if the model is up to date")
    train.add_argument("--config", default="config.yml", help="pipeline configuration (default: config.yml)")
    add("run", cmd_run, "Train if needed, then start Rasa, the action server, the web app and gateways.")
    add("web", cmd_web, "Serve the web chat (and dashboard) only.")
    add("telegram", cmd_telegram, "Run the Telegram gateway only (long polling, or webhook if configured).")
    database = add("db", cmd_db, "Manage the application database.")
    database.add_argument("action", choices=["upgrade"], help="upgrade: apply schema migrations")
    publications = add("publications", cmd_publications, "List the publications, or build the handbooks.")
    publications.add_argument("action", nargs="?", default="list", choices=["list", "build"])
    kb = add("kb", cmd_kb_check, "Check the knowledge file and summarise it by topic.")
    kb.add_argument("action", nargs="?", default="check", choices=["check"])
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
