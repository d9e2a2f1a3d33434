"""Tap handling: answer taps through the real Application polling the sandbox over HTTP.

Baseline: a bare python-telegram-bot Application on the same server whose only handler
answers the callback query. Both process updates with the same concurrency, and both run
without the flood limiter (Telegram's 30 messages/s would bound any bot's replies; this
measures the bot itself).

Run: .venv/bin/python -m bench.taps [--users 200] [--taps 5]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from pathlib import Path

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bench.common import header, median, percentile, row
from bot.bank import load_bank
from bot.config import BUNDLED_QUESTIONS, Settings
from bot.logs import configure_logging
from bot.sandbox import SANDBOX_TOKEN, SandboxServer
from bot.telegram.app import build_application, serve
from bot.telegram.ordering import PerChatOrder


async def run_app(app: Application, server: SandboxServer):
    stop = asyncio.Event()
    polls = len(server.calls("getUpdates"))
    task = asyncio.create_task(serve(app, stop))
    await server.wait_for(lambda: len(server.calls("getUpdates")) > polls, 30)
    return stop, task


async def measure(server: SandboxServer, work: list[list[tuple]], answered: dict) -> tuple:
    """Each user taps their questions one after another, waiting for each toast."""
    latencies: list[float] = []
    loop = asyncio.get_running_loop()

    async def user(taps: list[tuple]) -> None:
        for chat, message_id, person, data in taps:
            started = time.perf_counter()
            query_id = await server.tap(chat, message_id, person, data=data)
            done = answered.setdefault(query_id, loop.create_future())
            await asyncio.wait_for(done, 60)
            latencies.append(done.result() - started)

    calls_before = sum(name != "getUpdates" for name, _ in server.requests)
    started = time.perf_counter()
    await asyncio.gather(*(user(taps) for taps in work))
    elapsed = time.perf_counter() - started
    calls = sum(name != "getUpdates" for name, _ in server.requests) - calls_before
    return sum(map(len, work)) / elapsed, latencies, calls / elapsed


async def main(users: int, taps: int) -> None:
    configure_logging("WARNING")
    header(f"tap handling: {users} users x {taps} taps, real Application over HTTP")
    bank = load_bank(BUNDLED_QUESTIONS)
    server = SandboxServer()
    await server.start()
    # One future per callback query, resolved when the bot answers it: waiting costs the
    # load generator nothing, whichever bot produces more other traffic.
    loop = asyncio.get_running_loop()
    answered: dict[str, asyncio.Future] = {}

    def on_event(event: str, subject: object) -> None:
        if event == "answered":
            future = answered.setdefault(subject[0], loop.create_future())
            if not future.done():
                future.set_result(time.perf_counter())

    server.listeners.append(on_event)
    people = [server.user(10_000 + n, f"User{n}") for n in range(users)]
    chats = [server.private_chat(person) for person in people]

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(token=SANDBOX_TOKEN, api_url=server.url,
                            database_path=Path(tmp) / "bench.sqlite3")
        app = build_application(settings, bank, rng=random.Random(1), flood_rate=1_000_000)
        stop, task = await run_app(app, server)
        # Set-up (not measured): every user gets `taps` questions to answer.
        for _ in range(taps):
            await asyncio.gather(*(server.send(chat, person, "/quiz")
                                   for chat, person in zip(chats, people, strict=True)))
        await server.wait_for(lambda: all(len(server.bot_messages(c)) >= taps for c in chats),
                              120)
        work = [[(chat, m.message_id, person, m.buttons[0]["callback_data"])
                 for m in server.bot_messages(chat)]
                for chat, person in zip(chats, people, strict=True)]
        ours_rate, ours_lat, ours_calls = await measure(server, work, answered)
        stop.set()
        await task

    async def only_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer()

    bare = (Application.builder().token(SANDBOX_TOKEN).base_url(f"{server.url}/bot")
            .concurrent_updates(PerChatOrder()).build())
    bare.add_handler(CallbackQueryHandler(only_answer))
    stop, task = await run_app(bare, server)
    base_rate, base_lat, base_calls = await measure(server, work, answered)
    stop.set()
    await task
    await server.stop()

    row("taps handled per second", ours_rate, base_rate, "taps/s", ">= 0.8")
    # Per tap the bot makes three Bot API calls (answer, mark the question, explain); the
    # baseline makes one. Calls per second show what each call costs us over the framework.
    row("Bot API calls made per second", ours_calls, base_calls, "calls/s")
    row("latency p50 (tap -> answer)", median(ours_lat) * 1000, median(base_lat) * 1000, "ms")
    row("latency p99 (tap -> answer)", percentile(ours_lat, 0.99) * 1000,
        percentile(base_lat, 0.99) * 1000, "ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--taps", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.users, arguments.taps))
