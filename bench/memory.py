"""Memory: peak RSS of `quiz-tutor run` knowing 10,000 chats with 1,000 daily schedules,
against the same bot with an empty database, both serving the same 200 quiz answers.

Run: .venv/bin/python -m bench.memory [--chats 10000] [--scheduled 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import header, row
from bot.sandbox import SandboxServer
from bot.store import Store

TOKEN = "424242424:BenchTokenForTheMemoryRun_000000000"
PROJECT = Path(__file__).resolve().parent.parent
PLAYERS = 200


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process has had."""
    with open(f"/proc/{pid}/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


async def fill(database: Path, chats: int, scheduled: int) -> None:
    store = await Store.open(database)
    now = datetime.now(UTC)
    tomorrow = (now + timedelta(days=1)).replace(second=0, microsecond=0)
    for n in range(chats):
        chat_id = 5_000_000 + n
        await store.remember(now, chat=(chat_id, "private", None), user=(chat_id, f"L{n}"))
        if n < scheduled:
            await store.set_daily(chat_id, f"{tomorrow:%H:%M}", "UTC", tomorrow)
    await store.close()


async def measure(database: Path, cwd: Path) -> float:
    server = SandboxServer(token=TOKEN)
    await server.start()
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": server.url,
           "DATABASE_PATH": str(database), "PYTHONPATH": str(PROJECT), "LOG_LEVEL": "WARNING"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=cwd, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    try:
        await server.wait_for(lambda: server.calls("getUpdates"), 60)
        people = [server.user(9_000_000 + n, f"P{n}") for n in range(PLAYERS)]
        chats = [server.private_chat(person) for person in people]
        for chat, person in zip(chats, people, strict=True):
            await server.send(chat, person, "/quiz")
        await server.wait_for(lambda: all(server.bot_messages(c) for c in chats), 120)
        for chat, person in zip(chats, people, strict=True):
            question = server.bot_messages(chat)[0]
            await server.tap(chat, question.message_id, person, button="A")
        await server.wait_for(lambda: all(len(server.bot_messages(c)) >= 2 for c in chats), 120)
        return peak_rss_mb(process.pid)
    finally:
        process.terminate()
        await process.wait()
        await server.stop()


async def main(chats: int, scheduled: int) -> None:
    header(f"memory: peak RSS with {chats} chats known and {scheduled} scheduled vs none")
    with tempfile.TemporaryDirectory() as tmp:
        empty, full = Path(tmp) / "empty.sqlite3", Path(tmp) / "full.sqlite3"
        await fill(full, chats, scheduled)
        base = await measure(empty, Path(tmp))
        ours = await measure(full, Path(tmp))
    row("peak RSS", ours, base, "MB", "close to 1")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--scheduled", type=int, default=1_000)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.chats, arguments.scheduled))
