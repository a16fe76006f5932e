"""The ``bot`` command: train, run and operate the assistant. ``bot --help`` lists everything."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot import log_setup
from bot.roles import ROLES, Role
from bot.settings import get_settings

if TYPE_CHECKING:
    from bot.tickets.store import Actor


def cmd_train(args: argparse.Namespace) -> int:
    import subprocess

    from bot.training import train

    try:
        train(force=args.force, config=args.config)
    except subprocess.CalledProcessError:
        return 1  # train() showed why
    return 0


def cmd_run(_: argparse.Namespace) -> int:
    from bot.console import log_to_file, step

    settings = get_settings()
    if error := settings.rasa_exposure_error():
        print(f"Error: {error}", file=sys.stderr)
        return 2
    log_dir = settings.var_dir / "logs"
    log_to_file(log_dir / "run.log")  # before the imports below: some libraries log as they load

    import subprocess
    from pathlib import Path

    from sqlalchemy.engine import make_url

    from bot import processes
    from bot.publications.build import build_all
    from bot.storage.db import upgrade
    from bot.training import model_path, train

    def planned(model: Path) -> list[processes.Service]:
        return [*processes.core_services(settings, model), processes.web_service(settings),
                *processes.gateway_services(settings), processes.worker_service(settings)]  # fmt: skip

    try:
        processes.check_ports_free(planned(model_path()))  # now, not after a training of several minutes
    except processes.PortTaken as taken:
        print(f"Cannot start: {taken}", file=sys.stderr)
        return processes.PORT_TAKEN_EXIT_CODE
    with step("Environment") as done:
        upgrade()
        done(f"{make_url(settings.database_url).get_backend_name()} database up to date")
    try:
        model = train()
    except subprocess.CalledProcessError:
        return 1
    with step("Handbooks") as done:
        done(f"{len(build_all())} PDF files built")
    to_start = planned(model)
    print(f"{'Services':<12} starting {', '.join(s.name for s in to_start)} (on {settings.bind_host})", flush=True)
    ready = (
        f"Web chat: http://localhost:{settings.web_port}/   "
        f"REST: http://localhost:{settings.rasa_port}/webhooks/rest/webhook\nLogs: {log_dir}/\n"
    )
    return processes.supervise(to_start, log_dir, ready_message=ready)


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


def cmd_worker(_: argparse.Namespace) -> int:
    from bot.broadcasts.worker import run

    run(get_settings())
    return 0


def cmd_metrics(_: argparse.Namespace) -> int:
    from bot.metrics.consumer import run

    settings = get_settings()
    if not settings.rabbitmq_url:
        print("Set RABBITMQ_URL to consume Rasa's events from RabbitMQ.", file=sys.stderr)
        return 2
    run(settings)
    return 0


def cmd_officer(args: argparse.Namespace) -> int:
    from bot.broadcasts import officers

    try:
        if args.action == "add":
            role = Role.ADMIN if args.admin else Role.OFFICER
            officer = officers.add(args.who, name=args.name, role=role.value, areas=args.area, post=args.post)
            print(f"{officer.role} {officer.channel}:{officer.channel_user_id} ({officer.name or 'no name'}) "
                  f"saved; areas: {officer.areas or 'all'}; post: {officer.post or '-'}")  # fmt: skip
        elif args.action == "remove":
            if not officers.remove(args.who):
                print(f"{args.who} is not an officer", file=sys.stderr)
                return 1
            print(f"{args.who} removed")
        else:
            for officer in officers.all_officers():
                print(f"{officer.channel}:{officer.channel_user_id}\t{officer.role}\t{officer.name or ''}\t"
                      f"{officer.areas or 'all areas'}\t{officer.post or ''}")  # fmt: skip
    except officers.OfficerError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    return 0


def cmd_ticket(args: argparse.Namespace) -> int:
    import json

    from bot.areas import AmbiguousArea, UnknownArea, resolve
    from bot.broadcasts import officers
    from bot.tickets import store

    try:
        if args.action == "list":
            area = resolve([args.area])[0] if args.area else None
            tickets = store.listing(_cli_actor(), status=args.status, area=area)
            if args.json:
                print(json.dumps([store.as_dict(t) for t in tickets], ensure_ascii=False, indent=1))
            for ticket in [] if args.json else tickets:
                print(f"{ticket.id}\t{ticket.status}\t{ticket.area or '-'}\t{ticket.channel}\t{ticket.question[:80]}")
            return 0
        actor = _cli_actor()
        if args.as_officer:
            channel, user_id = officers.parse_spec(args.as_officer)
            officer = officers.find(channel, user_id)
            if officer is None:
                print(f"Error: {args.as_officer} is not an officer (bot officer add ...)", file=sys.stderr)
                return 2
            actor = store.officer_actor(officer)
        if args.action == "answer" and not args.text.strip():
            print("Error: --text is empty: write the answer the person will read", file=sys.stderr)
            return 2
        result = store.answer(args.id, actor, args.text) if args.action == "answer" else store.close(args.id, actor)
    except (officers.OfficerError, store.TicketError, UnknownArea, AmbiguousArea) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    if not result.ok:
        print(f"Error: {result.message}", file=sys.stderr)
        return 1
    print(f"Ticket {args.id}: {'answered' if args.action == 'answer' else 'closed'}")
    return 0


def _cli_actor() -> Actor:
    from bot.tickets.store import Actor

    return Actor(f"cli:{_operator()}", _operator(), overrides=True)


def cmd_quiz(args: argparse.Namespace) -> int:
    import json

    from bot.areas import AmbiguousArea, UnknownArea, resolve
    from bot.broadcasts import lifecycle
    from bot.quizzes import announce, results, store
    from bot.vietnam_time import parse_typed, shown

    try:
        if args.action == "create":
            quiz = store.create(
                args.title, args.questions, parse_typed(args.start), parse_typed(args.end), f"cli:{_operator()}",
                track=args.track, topic=args.topic, area=resolve([args.area])[0] if args.area else None,
            )  # fmt: skip
            drafted = len(store.questions(quiz.id))
            note = f" (only {drafted} of {args.questions} could be drafted)" if drafted < args.questions else ""
            print(f"Draft quiz with {drafted} questions{note}; review it (bot quiz show), then publish: {quiz.id}")
        elif args.action == "list":
            for quiz in store.all_quizzes():
                when = f"{shown(quiz.starts_at)} → {shown(quiz.ends_at)}"
                print(f"{quiz.id}\t{quiz.status}\t{quiz.track}\t{when}\t{quiz.title}")
        elif args.action == "show":
            quiz = store.get(args.id)
            if quiz is None:
                raise store.QuizError(f"Không có cuộc thi {args.id}.")
            listed = [
                {"id": q.id, "position": q.position, "entry_id": q.entry_id, "prompt": q.prompt,
                 "options": store.options_of(q), "correct": q.correct, "source": q.source}
                for q in store.questions(args.id)
            ]  # fmt: skip
            if args.json:
                print(json.dumps({"id": quiz.id, "title": quiz.title, "status": quiz.status, "questions": listed},
                                 ensure_ascii=False, indent=1))  # fmt: skip
            else:
                print(f"{quiz.title} ({quiz.status}, {quiz.track}, {shown(quiz.starts_at)} → {shown(quiz.ends_at)})")
                for q in listed:
                    print(f"\n{q['position']}. {q['prompt']}   [question {q['id']}, from {q['entry_id']}]")
                    for i, option in enumerate(q["options"]):
                        print(f"   {'*' if i == q['correct'] else ' '} {store.OPTION_LETTERS[i]}. {option}")
                    print(f"   Nguồn: {q['source']}")
        elif args.action == "publish":
            quiz = store.publish(args.id, f"cli:{_operator()}")
            broadcast = None if args.no_announce else announce.announce(quiz, f"cli:{_operator()}")
            told = f"; announced to subscribers (broadcast {broadcast})" if broadcast else ""
            print(f"Quiz {quiz.id} published: open {shown(quiz.starts_at)} → {shown(quiz.ends_at)}{told}")
        else:
            found = results.results(args.id)
            if found is None:
                raise store.QuizError(f"Không có cuộc thi {args.id}.")
            if args.json:
                print(json.dumps(found, ensure_ascii=False, indent=1))
            else:
                print(f"{found['quiz']['title']}: {found['participants']} participants, {found['finished']} finished, "
                      f"average {found['average_score']} of {found['quiz']['questions']}")  # fmt: skip
                for row in found["leaderboard"]:
                    print(f"  {row['rank']:>2}. {row['name']:30} {row['score']}/{row['of']}  {row['seconds']} s")
    except (store.QuizError, ValueError, UnknownArea, AmbiguousArea, lifecycle.BroadcastError) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    return 0


def cmd_broadcast(args: argparse.Namespace) -> int:
    import json

    from bot.areas import AmbiguousArea
    from bot.broadcasts import lifecycle

    try:
        if args.action == "send":
            publication_id = None if args.file is None else _publication_for_file(args.file)
            broadcast = lifecycle.create(
                args.text, created_by_channel="cli", created_by_user_id=_operator(),
                publication_id=publication_id, areas=args.area, topics=args.topic, channel=args.channel,
                at=lifecycle.parse_local_time(args.at) if args.at else None,
            )  # fmt: skip
            when = f"at {args.at} (Vietnam time)" if args.at else "now"
            reachable, outside = lifecycle.count_recipients(broadcast)
            note = f" ({outside} Zalo subscribers outside the free-messaging window will be skipped)" if outside else ""
            print(f"Broadcast queued {when} for {reachable} recipients{note}: {broadcast.id}")
            return 0
        report = lifecycle.report(args.id)
        if report is None:
            print(f"Error: no broadcast {args.id}", file=sys.stderr)
            return 1
        if args.action == "cancel":
            cancelled = lifecycle.cancel(args.id)
            print(
                f"Broadcast {args.id} cancelled"
                if cancelled
                else f"Broadcast {args.id} was already {report.broadcast.status}"
            )
            return 0
        if args.json:
            print(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
        else:
            print(f"Broadcast {args.id}: {report.broadcast.status}, {report.broadcast.recipients} recipients")
            for name, counts in (("total", report.totals), *report.by_channel.items(), *report.by_area.items()):
                print(f"  {name:24} " + "  ".join(f"{k}={v}" for k, v in sorted(counts.items())))
    except (lifecycle.BroadcastError, AmbiguousArea) as error:  # an area name several areas share: say which
        print(f"Error: {error}", file=sys.stderr)
        return 2
    return 0


def _publication_for_file(path: str) -> str:
    """The catalogue entry of a file given on the command line (its id or its path)."""
    from pathlib import Path

    from bot.broadcasts.lifecycle import BroadcastError
    from bot.publications.catalogue import catalogue

    wanted = Path(path).resolve()
    for publication in catalogue():
        if publication.id == path or publication.path.resolve() == wanted:
            return publication.id
    raise BroadcastError(f"{path} is not in publications/catalogue.yml: add it there first")


def _operator() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def cmd_campaign(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.areas import AmbiguousArea, UnknownArea
    from bot.campaigns import links, store
    from bot.campaigns.codes import parse
    from bot.campaigns.figures import COUNTS
    from bot.campaigns.poster import leaflet
    from bot.metrics.figures import Figures, Period
    from bot.vietnam_time import shown, vietnam_day

    settings = get_settings()
    if args.action == "list":
        for campaign in store.listing():
            print(f"{campaign.code}\t{campaign.area or '-'}\t{shown(campaign.created_at)}\t{campaign.created_by}\t"
                  f"{campaign.name}")  # fmt: skip
        return 0
    try:
        if args.action == "create":
            campaign = store.create(args.name, args.area, created_by=f"cli:{_operator()}")
            out = Path(args.out) if args.out else settings.var_dir / "campaigns" / f"{campaign.code}.pdf"
            print(f"Leaflet ({args.size.upper()}): {leaflet(campaign, out, args.size)}")
            print(f"Link: {links.main_link(campaign.code)}")
            if not settings.telegram_bot_username:
                print("Note: TELEGRAM_BOT_USERNAME is not set: the QR code opens the web chat", file=sys.stderr)
            print(f"Campaign code: {campaign.code}")
            return 0
        if parse(args.code) is None:
            raise store.CampaignError(f"{args.code!r} is not a campaign code (6 letters and digits, e.g. K7M4PQ)")
        campaign = store.find(args.code)
        if campaign is None:
            raise store.CampaignError(f"no campaign {parse(args.code)} (bot campaign list)")
    except (store.CampaignError, UnknownArea, AmbiguousArea, OSError) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    try:
        period = Period.parse(args.since or vietnam_day(campaign.created_at).isoformat(), args.until)
    except ValueError as error:
        print(f"Error: {error} (dates are YYYY-MM-DD)", file=sys.stderr)
        return 2
    found = Figures().campaigns(period)["by_campaign"]
    row = next((r for r in found if r["code"] == campaign.code), dict.fromkeys(COUNTS, 0))
    code = campaign.code
    result = {"code": code, "name": campaign.name, "area": campaign.area, "post": row.get("post"),
              "since": str(period.since), "until": str(period.until), **{k: row[k] for k in COUNTS},
              "telegram_link": links.telegram_link(code), "web_link": links.web_link(code)}  # fmt: skip
    _print_figures(result, args.json)
    return 0


def cmd_user(args: argparse.Namespace) -> int:
    from bot.areas import AmbiguousArea, UnknownArea, resolve
    from bot.web import auth

    if args.action == "list":
        for user in auth.list_users():
            print(f"{user.username}\t{user.role}\t{user.areas or 'all areas'}\t{user.post or '-'}\t"
                  f"last login: {user.last_login_at or '-'}")  # fmt: skip
        return 0
    if not args.name:
        print(f"Error: say which account: bot user add NAME --role {'|'.join(ROLES)}", file=sys.stderr)
        return 2
    if args.action == "remove":
        auth.expire_sessions_of(args.name)
        if not auth.remove_user(args.name):
            print(f"Error: no account {args.name}", file=sys.stderr)
            return 1
        print(f"{args.name} removed")
        return 0
    try:
        areas = resolve(args.area) if args.area else None  # before the password is asked
    except (UnknownArea, AmbiguousArea) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    password = _read_password()
    try:
        user = auth.add_user(args.name, password, args.role, areas=areas, post=args.post)
    except auth.AuthError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    auth.expire_sessions_of(user.username)
    print(f"{user.username} ({user.role}) saved; areas: {user.areas or 'all'}; post: {user.post or '-'}")
    return 0


def _read_password() -> str:
    """Asked twice at a terminal; else the first line of standard input (for scripts)."""
    import getpass

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        print("Error: the two passwords differ", file=sys.stderr)
        raise SystemExit(2)
    return first


def cmd_stats(args: argparse.Namespace) -> int:

    from bot.metrics.figures import Figures, Period

    try:
        period = Period.parse(args.since, args.until)
    except ValueError as error:
        print(f"Error: {error} (dates are YYYY-MM-DD)", file=sys.stderr)
        return 2
    _print_figures(Figures().stats(period), args.json)
    return 0


def _print_figures(figures: dict[str, object], as_json: bool) -> None:
    """Figures as JSON, or one "key  value" line each."""
    import json

    if as_json:
        print(json.dumps(figures, ensure_ascii=False, indent=1))
        return
    for key, value in figures.items():
        print(f"{key:22} {value}")


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
    import yaml

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
    from bot.quizzes.drafting import QUIZ_FILE, QuizItemError, parse_items

    try:
        items = parse_items(yaml.safe_load(QUIZ_FILE.read_text(encoding="utf-8")), kb)
    except (QuizItemError, yaml.YAMLError) as error:
        print(f"Quiz file error ({QUIZ_FILE.name}): {error}", file=sys.stderr)
        return 1
    print(f"{'quiz items':14} {len(items):3} ({', '.join(sorted({i.kind for i in items}))})")
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
    add("worker", cmd_worker, "Run the broadcast worker only.")
    add("metrics", cmd_metrics, "Feed the interaction log from RabbitMQ (when RABBITMQ_URL is set).")
    officer = add("officer", cmd_officer, "Manage who may broadcast: add, list, remove.")
    officer.add_argument("action", choices=["add", "list", "remove"])
    officer.add_argument("who", nargs="?", help="telegram:<user id> or zalo:<user id>")
    officer.add_argument("--name", help="the officer's name, for reports")
    officer.add_argument("--admin", action="store_true", help="an admin (sees and cancels every broadcast)")
    officer.add_argument("--area", action="append", help="an area whose tickets they get (repeatable; none: all)")
    officer.add_argument("--post", help='their border post, named in their answers: "Đồn Biên phòng Lý Sơn"')
    ticket = add("ticket", cmd_ticket, "Questions passed on to officers: list, answer, close.")
    ticket_actions = ticket.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = ticket_actions.add_parser("list", help="tickets, newest first")
    listing.add_argument("--status", choices=["open", "taken", "waiting", "answered", "closed"])
    listing.add_argument("--area", help="area key or name")
    listing.add_argument("--json", action="store_true", help="a JSON list")
    answer = ticket_actions.add_parser("answer", help="answer a ticket: the person gets it on their channel")
    answer.add_argument("id", type=int)
    answer.add_argument("--text", required=True)
    answer.add_argument("--as", dest="as_officer", help="answer as this officer: telegram:<id> or zalo:<id>")
    close = ticket_actions.add_parser("close", help="close a ticket without answering it")
    close.add_argument("id", type=int)
    close.add_argument("--as", dest="as_officer", help="close as this officer: telegram:<id> or zalo:<id>")
    quiz = add("quiz", cmd_quiz, "Contests for residents and training sets for officers, from verified knowledge.")
    quiz_actions = quiz.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = quiz_actions.add_parser("create", help="draft a quiz for review; prints its id as the last word")
    create.add_argument("--title", required=True)
    create.add_argument("--questions", type=int, default=10, help="how many (default 10)")
    create.add_argument("--topic", help="a topic of knowledge/kb.yml (default: every topic)")
    create.add_argument("--start", required=True, help='"YYYY-MM-DD HH:MM", Vietnam time')
    create.add_argument("--end", required=True, help='"YYYY-MM-DD HH:MM", Vietnam time')
    create.add_argument("--area", help="only people of this area (key or name)")
    create.add_argument("--track", choices=["residents", "officers"], default="residents",
                        help="residents: a contest; officers: a training set for `bot officer` accounts")  # fmt: skip
    quiz_actions.add_parser("list", help="every quiz, newest first")
    show = quiz_actions.add_parser("show", help="the questions, options and right answers, for review")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true")
    publish = quiz_actions.add_parser("publish", help="approve a reviewed quiz and announce it to subscribers")
    publish.add_argument("id", type=int)
    publish.add_argument("--no-announce", action="store_true", help="do not broadcast it to subscribers")
    quiz_results = quiz_actions.add_parser("results", help="participants, scores, leaderboards")
    quiz_results.add_argument("id", type=int)
    quiz_results.add_argument("--json", action="store_true")
    broadcast = add("broadcast", cmd_broadcast, "Send, inspect or cancel a broadcast to subscribers.")
    actions = broadcast.add_subparsers(dest="action", required=True, metavar="ACTION")
    send = actions.add_parser("send", help="queue a broadcast; prints its id as the last word")
    send.add_argument("--text", required=True)
    send.add_argument("--file", help="a publication to attach: its catalogue id or its PDF path")
    send.add_argument("--area", action="append", default=[], help="area key or name (repeatable)")
    send.add_argument("--topic", action="append", default=[], help="an_toan, luat, ho_tro, chuong_trinh (repeatable)")
    send.add_argument("--channel", choices=["telegram", "zalo"])
    send.add_argument("--at", help='"YYYY-MM-DD HH:MM", Vietnam time (default: now)')
    status = actions.add_parser("status", help="counts by status, channel and area")
    status.add_argument("id", type=int)
    status.add_argument("--json", action="store_true")
    cancel = actions.add_parser("cancel", help="stop sending what is not sent yet")
    cancel.add_argument("id", type=int)
    campaign = add("campaign", cmd_campaign, "QR codes on printed matter: create a leaflet, list, stats.")
    campaign_actions = campaign.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = campaign_actions.add_parser("create", help="a campaign and its printable leaflet; the code last")
    create.add_argument("--name", required=True, help='as people read it: "Hội nghị Sa Huỳnh 12/2026"')
    create.add_argument("--area", help="area key or name: its border post gets the figures")
    create.add_argument("--size", choices=["a5", "a4"], default="a5")
    create.add_argument("--out", help="the PDF file (default: var/campaigns/<code>.pdf)")
    campaign_actions.add_parser("list", help="every campaign, newest first")
    campaign_stats = campaign_actions.add_parser("stats", help="people it brought: started, subscribed, asked, played")
    campaign_stats.add_argument("code")
    campaign_stats.add_argument("--json", action="store_true")
    campaign_stats.add_argument("--since", help="YYYY-MM-DD, Vietnam date (default: the day it was made)")
    campaign_stats.add_argument("--until", help="YYYY-MM-DD, Vietnam date (default: today)")
    user = add("user", cmd_user, "Manage dashboard accounts (the password is asked, or read from stdin).")
    user.add_argument("action", choices=["add", "list", "remove"])
    user.add_argument("name", nargs="?")
    user.add_argument("--role", choices=ROLES, default=Role.STAFF.value)
    user.add_argument("--area", action="append", help="an area whose tickets it sees (repeatable; none: all)")
    user.add_argument("--post", help='the border post named in its answers: "Đồn Biên phòng Lý Sơn"')
    stats = add("stats", cmd_stats, "Outreach figures for a date range (default: the last 30 days).")
    stats.add_argument("--json", action="store_true")
    stats.add_argument("--since", help="YYYY-MM-DD, Vietnam date, included")
    stats.add_argument("--until", help="YYYY-MM-DD, Vietnam date, included")
    database = add("db", cmd_db, "Manage the application database.")
    database.add_argument("action", choices=["upgrade"], help="upgrade: apply schema migrations")
    publications = add("publications", cmd_publications, "List the publications, or build the handbooks.")
    publications.add_argument("action", nargs="?", default="list", choices=["list", "build"])
    kb = add("kb", cmd_kb_check, "Check the knowledge file and summarise it by topic.")
    kb.add_argument("action", nargs="?", default="check", choices=["check"])
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    long_running = {"run", "web", "telegram", "worker", "metrics"}  # long-running: log what they do
    log_setup.configure(logging.INFO if args.command in long_running else logging.WARNING)
    if args.command == "officer" and args.action != "list" and not args.who:
        print("Error: say who, as telegram:<user id> or zalo:<user id>", file=sys.stderr)
        return 2
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
