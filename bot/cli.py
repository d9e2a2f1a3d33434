"""`quiz-tutor`: run the bot, try it offline in the sandbox, or check a question bank."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from dotenv import load_dotenv

from bot.bank import Bank, BankError, load_bank
from bot.config import ConfigError, Settings, load_settings
from bot.logs import configure_logging

EXIT_USAGE = 2
NO_TOKEN = (
    "error: TELEGRAM_BOT_TOKEN is not set. Get a token from @BotFather in Telegram and put it "
    "in the environment or in .env; to try the bot offline, run `quiz-tutor sandbox`."
)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `quiz-tutor` command; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="quiz-tutor",
        description="Quiz Tutor: a Telegram bot for multiple-choice exam practice. "
        "With no command: `run` if TELEGRAM_BOT_TOKEN is set, else `sandbox`.",
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot against the Bot API (needs TELEGRAM_BOT_TOKEN)")
    sandbox = sub.add_parser("sandbox", help="chat with the bot offline through a local Bot API")
    sandbox.add_argument("--database", type=Path, default=Path("quiz-tutor-sandbox.sqlite3"),
                         help="SQLite file of the sandbox (default: %(default)s)")
    check = sub.add_parser("check", help="validate a question bank and count it per topic")
    check.add_argument("directory", nargs="?", type=Path,
                       help="bank directory (default: QUESTIONS_DIR or the bundled bank)")
    args = parser.parse_args(argv)

    load_dotenv(override=False)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE

    command = args.command or ("run" if settings.token else "sandbox")
    if command == "check":
        return check_bank(args.directory or settings.questions_dir)
    bank = _load_or_report(settings.questions_dir)
    if bank is None:
        return EXIT_USAGE
    if command == "run":
        return run(settings, bank)
    database = getattr(args, "database", Path("quiz-tutor-sandbox.sqlite3"))
    return sandbox_chat(replace(settings, database_path=database), bank)


def check_bank(directory: Path) -> int:
    """Print the per-topic counts of a valid bank (0), or every problem (1)."""
    try:
        bank = load_bank(directory)
    except BankError as exc:
        print(f"{directory}: {len(exc.issues)} problem(s)", file=sys.stderr)
        for issue in exc.issues:
            print(f"  {issue}", file=sys.stderr)
        return 1
    width = max(len(topic.slug) for topic in bank.topics)
    print(f"{'topic':<{width}}  questions  title")
    for topic in bank.topics:
        print(f"{topic.slug:<{width}}  {len(topic.questions):>9}  {topic.title}")
    print(f"{'total':<{width}}  {len(bank):>9}  {len(bank.topics)} topics")
    return 0


def _load_or_report(directory: Path) -> Bank | None:
    try:
        return load_bank(directory)
    except BankError as exc:
        print(f"error: the question bank in {directory} is invalid "
              f"({len(exc.issues)} problem(s)); run `quiz-tutor check` for the list:",
              file=sys.stderr)
        for issue in exc.issues[:20]:
            print(f"  {issue}", file=sys.stderr)
        return None


def run(settings: Settings, bank: Bank) -> int:
    """Long-poll the Bot API until SIGINT/SIGTERM."""
    if not settings.token:
        print(NO_TOKEN, file=sys.stderr)
        return EXIT_USAGE
    configure_logging(settings.log_level, secrets=[settings.token])
    from bot.telegram.app import run_polling  # imported late: `check` needs no Telegram stack

    return run_polling(settings, bank)


def sandbox_chat(settings: Settings, bank: Bank) -> int:
    """Start the loopback Bot API and the bot on it, and chat from this terminal."""
    from bot.sandbox.server import SANDBOX_TOKEN, SandboxServer
    from bot.sandbox.terminal import ShiftableClock, TerminalChat
    from bot.telegram.app import build_application, push_now, serve

    # Keep the terminal for the conversation: only warnings unless asked otherwise.
    configure_logging(settings.log_level if settings.log_level != "INFO" else "WARNING",
                      secrets=[SANDBOX_TOKEN])

    async def main_loop() -> None:
        clock = ShiftableClock()  # one clock for the server and the bot, so :clock moves both
        server = SandboxServer(clock=clock)
        url = await server.start()
        app = build_application(replace(settings, api_url=url), bank, token=SANDBOX_TOKEN,
                                clock=clock)
        stop = asyncio.Event()
        bot_task = asyncio.create_task(serve(app, stop))
        print(f"Sandbox Bot API on {url}; database {settings.database_path}")
        try:
            await TerminalChat(server, clock=clock, push_now=lambda: push_now(app)).run()
        finally:
            stop.set()
            await bot_task
            await server.stop()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main_loop())
    return 0
