"""Daily-push fan-out: thousands of due chats through the real push job and rate limiter.

The sandbox enforces the same flood limit as the bot's limiter (a token bucket of `rate`
messages a second, 20 a minute per group) and answers 429 beyond it, as Telegram does.
Baseline: a bare python-telegram-bot Bot sending the same number of messages through the
same AIORateLimiter with no database work.

Run: .venv/bin/python -m bench.pushes [--chats 5000 --rate 100] [--small 600 --small-rate 30]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, ExtBot

from bench.common import header, row
from bot.bank import load_bank
from bot.config import BUNDLED_QUESTIONS, Settings
from bot.logs import configure_logging
from bot.sandbox import SANDBOX_TOKEN, SandboxServer
from bot.store import Store
from bot.telegram import keyboards, render
from bot.telegram.app import Ticks, build_application, serve

CONCURRENCY = 16
GROUP_SHARE = 0.2


def rates(times: list[float]) -> tuple[float, float]:
    """Messages per second over the whole run, and after the first second's burst."""
    times = sorted(times)
    if len(times) < 2:
        return float("nan"), float("nan")
    overall = (len(times) - 1) / (times[-1] - times[0])
    later = [t for t in times if t >= times[0] + 1.0]
    steady = (len(later) - 1) / (later[-1] - later[0]) if len(later) > 1 else overall
    return overall, steady


async def flood_limited_server(rate: float) -> tuple[SandboxServer, list[float]]:
    """A sandbox enforcing `rate`, and the list it appends each delivered message's time to."""
    server = SandboxServer(flood_limit=(rate, 20))
    await server.start()
    sent_at: list[float] = []
    server.listeners.append(
        lambda event, subject: sent_at.append(time.perf_counter()) if event == "sent" else None
    )
    return server, sent_at


def audience(server: SandboxServer, chats: int) -> list:
    """The same mix of groups and private chats for every run."""
    rng = random.Random(7)
    return [
        server.group(-(1_000_000 + n), f"Group {n}") if rng.random() < GROUP_SHARE
        else server.private_chat(server.user(1_000_000 + n, f"Learner {n}"))
        for n in range(chats)
    ]


async def run_ours(chats: int, rate: float) -> dict:
    server, sent_at = await flood_limited_server(rate)
    targets = audience(server, chats)
    now = datetime.now(UTC)
    due = (now - timedelta(minutes=1)).replace(second=0, microsecond=0)
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "bench.sqlite3"
        store = await Store.open(database)
        for chat in targets:
            await store.remember(now, chat=(chat.id, chat.type, chat.title))
            await store.set_daily(chat.id, f"{due:%H:%M}", "UTC", due)
        await store.close()

        settings = Settings(token=SANDBOX_TOKEN, api_url=server.url, database_path=database)
        app = build_application(settings, load_bank(BUNDLED_QUESTIONS), flood_rate=rate,
                                ticks=Ticks(windows=3600, pushes=3600))
        stop = asyncio.Event()
        task = asyncio.create_task(serve(app, stop))  # its first push round starts at once
        await server.wait_for(lambda: len(sent_at) >= chats, timeout=chats / rate * 3 + 60)
        await asyncio.sleep(1.0)  # a duplicate, if any, would show up now
        stop.set()
        await task
    per_chat = [len(server.bot_messages(chat)) for chat in targets]
    await server.stop()
    overall, steady = rates(sent_at)
    return {"overall": overall, "steady": steady, "refused": server.flood_refusals,
            "duplicates": sum(count > 1 for count in per_chat),
            "missed": sum(count == 0 for count in per_chat)}


async def run_bare(chats: int, rate: float) -> dict:
    server, sent_at = await flood_limited_server(rate)
    targets = audience(server, chats)
    # PTB's limiter as documented (a full second's burst), at the same rate.
    bot = ExtBot(SANDBOX_TOKEN, base_url=f"{server.url}/bot",
                 rate_limiter=AIORateLimiter(overall_max_rate=rate, max_retries=3))
    gate = asyncio.Semaphore(CONCURRENCY)
    # The very messages the bot sends: same text, markup and size, so only our work differs.
    bank = load_bank(BUNDLED_QUESTIONS)
    questions = list(bank)

    async def send(number: int, chat) -> None:
        question = questions[number % len(questions)]
        order = tuple(range(len(question.options)))
        async with gate:
            await bot.send_message(
                chat.id, render.question(question, bank.topic(question.topic).title, order,
                                         daily=True),
                parse_mode=ParseMode.HTML,
                reply_markup=keyboards.answer_keyboard(number + 1, len(order)),
            )

    async with bot:
        await asyncio.gather(*(send(number, chat) for number, chat in enumerate(targets)))
    await server.stop()
    overall, steady = rates(sent_at)
    return {"overall": overall, "steady": steady, "refused": server.flood_refusals}


async def case(chats: int, rate: float) -> None:
    print(f"-- {chats} due chats ({GROUP_SHARE:.0%} groups), limiter and server at {rate:g}/s")
    ours = await run_ours(chats, rate)
    bare = await run_bare(chats, rate)
    row("achieved rate, whole run", ours["overall"], rate, "msg/s", ">= 0.95 of configured")
    row("achieved rate, after 1st second", ours["steady"], rate, "msg/s")
    row("achieved rate vs bare PTB sender", ours["steady"], bare["steady"], "msg/s")
    print(f"   429s from the server: ours {ours['refused']}, bare {bare['refused']} (target 0)")
    print(f"   duplicates: {ours['duplicates']} (must be 0)   missed: {ours['missed']} "
          "(must be 0)")


async def main(arguments: argparse.Namespace) -> None:
    configure_logging("ERROR")
    header("daily push fan-out through the push job, the rate limiter and the sandbox")
    await case(arguments.chats, arguments.rate)
    if arguments.small:
        await case(arguments.small, arguments.small_rate)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--small", type=int, default=600)
    parser.add_argument("--small-rate", type=float, default=30)
    asyncio.run(main(parser.parse_args()))
