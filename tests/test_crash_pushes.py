"""`quiz-tutor run` killed with SIGKILL in the middle of a push round, then started again."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.sandbox import SandboxServer
from bot.store import Store

TOKEN = "555555555:AAFakeTokenForTheCrashTest_0123456"
PROJECT = Path(__file__).resolve().parent.parent
CHATS = 12
HELD = 1007  # the chat whose push is in flight when the bot is killed


async def start_bot(server: SandboxServer, database: Path, cwd: Path) -> asyncio.subprocess.Process:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": server.url,
           "DATABASE_PATH": str(database), "PYTHONPATH": str(PROJECT), "LOG_LEVEL": "INFO"}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=cwd, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )


def sent_count(database: Path) -> int:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT COUNT(*) FROM asks WHERE kind = 'daily'"
                          " AND message_id IS NOT NULL").fetchone()[0]


async def test_sigkill_mid_round_then_restart_delivers_every_chat_exactly_once(tmp_path: Path):
    server = SandboxServer(token=TOKEN)
    await server.start()
    database = tmp_path / "crash.sqlite3"
    now = datetime.now(UTC)
    due = now - timedelta(minutes=1)
    store = await Store.open(database)
    chats = []
    for n in range(CHATS):
        user = server.user(1000 + n, f"Learner{n}")
        chats.append(server.private_chat(user))
        await store.remember(now, chat=(user.id, "private", None), user=(user.id, user.name))
        await store.set_daily(user.id, f"{due:%H:%M}", "UTC", due.replace(second=0, microsecond=0))
    await store.close()
    release = server.hold("sendMessage", HELD)

    first = await start_bot(server, database, tmp_path)
    try:
        await server.wait_for(lambda: server.held, timeout=30)
        # Every other push has been sent and committed; HELD is claimed and in flight.
        for _ in range(300):
            if sent_count(database) == CHATS - 1:
                break
            await asyncio.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        await first.wait()
    finally:
        if first.returncode is None:
            first.kill()
    assert first.returncode == -signal.SIGKILL
    release.set()  # the request died with the process: Telegram never carried it out
    assert len(server.bot_messages(server.chats[HELD])) == 0

    second = await start_bot(server, database, tmp_path)
    try:
        await server.wait_for(
            lambda: all(server.bot_messages(chat) for chat in chats), timeout=30)
        await asyncio.sleep(0.5)  # room for a duplicate to show up, if there were one
    finally:
        second.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(second.communicate(), 30)
        await server.stop()
    assert second.returncode == 0, err.decode()
    assert [len(server.bot_messages(chat)) for chat in chats] == [1] * CHATS
    assert sent_count(database) == CHATS
