"""Builds the python-telegram-bot Application and runs it (long polling)."""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass
from datetime import UTC, datetime

from telegram import BotCommand, Update
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    TelegramError,
    TimedOut,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.bank import Bank
from bot.config import Settings
from bot.models import Clock
from bot.quiz.review import Reviewer
from bot.store import SchemaError, Store
from bot.telegram import answers, commands, exams, membership, render, reviews
from bot.telegram.ordering import PerChatOrder
from bot.telegram.pushes import PushRound
from bot.telegram.services import SERVICES_KEY, Services
from bot.telegram.windows import close_due_windows

log = logging.getLogger(__name__)

# Long-poll length; also how long a stop may wait for the poll in flight.
POLL_TIMEOUT_SECONDS = 10
PUSH_ROUND_KEY = "push_round"
# The limiter keeps the full rate but bursts at most this many seconds' worth. Telegram
# (and the sandbox) allow a second's worth, so the bot keeps headroom and jitter on the
# wire never turns into 429s (measured: 52 of 5,000 with full-second bursts, 0 with this).
BURST_SECONDS = 0.25


@dataclass(frozen=True)
class Ticks:
    """How often (seconds) the jobs look for closed windows and due pushes."""

    windows: float = 1.0
    pushes: float = 5.0


def system_clock() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def build_application(
    settings: Settings,
    bank: Bank,
    *,
    clock: Clock = system_clock,
    rng: random.Random | None = None,
    token: str | None = None,
    ticks: Ticks = Ticks(),
    reviewer: Reviewer | None = None,
    flood_rate: float = 30.0,
) -> Application:
    """The bot: handlers, rate limiter, and start-up/shut-down of its store.

    `flood_rate` is the overall sends per second (Telegram allows about 30); groups are
    held to 20 a minute each.
    """
    token = token or settings.token
    if not token:
        raise ValueError("a bot token is required")
    rng = rng or random.Random()
    reviewer = reviewer or Reviewer()

    async def post_init(app: Application) -> None:
        store = await Store.open(settings.database_path)
        app.bot_data[SERVICES_KEY] = Services(settings, bank, store, clock, rng, reviewer)
        await app.bot.set_my_commands(
            [BotCommand(name, description) for name, description in render.COMMANDS]
        )
        # The jobs decide by the injected clock and the database, so windows and exams that
        # ended and pushes that fell due while the bot was down are handled on the first tick.
        app.bot_data[PUSH_ROUND_KEY] = push_round = PushRound()
        jobs = app.job_queue
        late_ok = {"misfire_grace_time": None, "coalesce": True}
        jobs.run_repeating(close_due_windows, interval=ticks.windows, name="close-windows",
                           job_kwargs=late_ok)
        jobs.run_repeating(exams.finish_timed_out_exams, interval=ticks.windows,
                           name="exam-timeouts", job_kwargs=late_ok)
        jobs.run_repeating(push_round, interval=ticks.pushes, name="daily-pushes",
                           job_kwargs={**late_ok, "max_instances": 2})
        # Catch up at once on start. The scheduler is not running yet, and a repeating job
        # added now would first fire a whole interval after it starts; a one-off fires late.
        jobs.run_once(close_due_windows, when=0, name="close-windows-on-start",
                      job_kwargs=late_ok)
        jobs.run_once(push_round, when=0, name="daily-pushes-on-start", job_kwargs=late_ok)
        log.info("ready: %d questions in %d topics, database %s",
                 len(bank), len(bank.topics), settings.database_path)

    async def post_shutdown(app: Application) -> None:
        svc: Services | None = app.bot_data.pop(SERVICES_KEY, None)
        if svc is not None:
            await svc.store.close()

    app = (
        Application.builder()
        .token(token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        .rate_limiter(AIORateLimiter(
            overall_max_rate=flood_rate * BURST_SECONDS,
            overall_time_period=BURST_SECONDS,
            max_retries=3,
        ))
        .concurrent_updates(PerChatOrder())
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    add_handlers(app)
    return app


def add_handlers(app: Application) -> None:
    """Register every handler; `remember` runs first for each update."""
    app.add_handler(TypeHandler(Update, commands.remember), group=-1)
    app.add_handler(CommandHandler("start", commands.start))
    app.add_handler(CommandHandler("help", commands.help_command))
    app.add_handler(CommandHandler("topics", commands.topics))
    app.add_handler(CommandHandler("quiz", commands.quiz))
    app.add_handler(CommandHandler("stats", commands.stats))
    app.add_handler(CommandHandler("review", reviews.review_command))
    app.add_handler(CommandHandler("exam", exams.exam_command))
    app.add_handler(CommandHandler("forget", commands.forget))
    app.add_handler(CommandHandler("leaderboard", commands.leaderboard))
    app.add_handler(CommandHandler("daily", commands.daily))
    app.add_handler(CommandHandler("window", commands.window))
    app.add_handler(ChatMemberHandler(membership.on_my_chat_member,
                                      ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, membership.on_migrate))
    app.add_handler(CallbackQueryHandler(answers.on_callback))
    app.add_handler(MessageHandler(filters.TEXT | filters.COMMAND, commands.unknown))
    app.add_error_handler(on_error)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure and, where possible, tell the user politely."""
    error = context.error
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        log.warning("network trouble: %s", error)
    else:
        log.error("update %s failed", getattr(update, "update_id", "?"), exc_info=error)
    if not isinstance(update, Update) or isinstance(error, Forbidden):
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer("Sorry, something went wrong. Please try again.")
        elif update.effective_message is not None:
            await update.effective_message.reply_text(
                "Sorry, something went wrong on my side. Please try again."
            )
    except TelegramError:
        log.debug("could not tell the user about the failure", exc_info=True)


async def push_now(app: Application) -> int:
    """Run a daily-push round now (after any running one); how many pushes were sent."""
    return await app.bot_data[PUSH_ROUND_KEY].run_now(app)


async def serve(app: Application, stop: asyncio.Event) -> None:
    """Run `app` with long polling inside the current event loop until `stop` is set.

    This is what `run_polling` does, for callers that own the loop (sandbox, tests).
    """
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        await app.updater.start_polling(poll_interval=0, timeout=POLL_TIMEOUT_SECONDS)
        await app.start()
        try:
            await stop.wait()
        finally:
            await app.updater.stop()
            await app.stop()
    finally:
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)


def run_polling(settings: Settings, bank: Bank) -> int:
    """Run the bot until SIGINT/SIGTERM; a clear message and status 1 if it cannot start."""
    app = build_application(settings, bank)
    try:
        app.run_polling(
            poll_interval=0,
            timeout=POLL_TIMEOUT_SECONDS,
            allowed_updates=Update.ALL_TYPES,
        )
    except InvalidToken:
        log.error("the Bot API at %s rejected the token (check TELEGRAM_BOT_TOKEN)",
                  settings.api_url)
        return 1
    except (NetworkError, TimedOut) as exc:
        log.error("cannot reach the Bot API at %s: %s", settings.api_url, exc)
        return 1
    except SchemaError as exc:
        log.error("cannot use the database %s: %s", settings.database_path, exc)
        return 2
    return 0
