"""Shared fixtures: a controllable clock, small banks, the sandbox server and the real bot."""

from __future__ import annotations

import asyncio
import random
import re
import textwrap
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.bank import Bank, load_bank
from bot.config import BUNDLED_QUESTIONS, Settings
from bot.quiz.review import Reviewer
from bot.sandbox import SANDBOX_TOKEN, Chat, Message, SandboxServer, User
from bot.store import Store


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


async def eventually(fetch: Callable, check: Callable, timeout: float = 5.0):
    """Re-fetch (an async call) until `check` accepts the value; for state with no event."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await fetch()
        if check(value):
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"still {value!r} after {timeout} s")
        await asyncio.sleep(0.01)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def write_bank(directory: Path, files: dict[str, str]) -> Path:
    """Write question files (name -> YAML text) into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return directory


SMALL_TOPIC = """
topic: {slug}
title: {title}
questions:
{items}
"""


def small_question(qid: str, correct: str = "right", wrong: tuple[str, ...] = ("w1", "w2", "w3"),
                   text: str | None = None) -> str:
    """One question in YAML, indented for a `questions:` list."""
    options = [f"      - text: {correct}\n        correct: true"]
    options += [f"      - text: {option}" for option in wrong]
    return (
        f"  - id: {qid}\n"
        f"    question: {text or 'Question ' + qid + '?'}\n"
        f"    options:\n" + "\n".join(options) + "\n"
        f"    explanation: Because {correct} is right. The others are not.\n"
    )


@pytest.fixture
def small_bank_dir(tmp_path: Path) -> Path:
    """Two topics: alpha (3 questions) and beta (2 questions)."""
    alpha = "\n".join(small_question(f"alpha-{n}", f"alpha right {n}") for n in range(1, 4))
    beta = "\n".join(small_question(f"beta-{n}", f"beta right {n}") for n in range(1, 3))
    return write_bank(tmp_path / "bank", {
        "alpha.yaml": SMALL_TOPIC.format(slug="alpha", title="Alpha things", items=alpha),
        "beta.yaml": SMALL_TOPIC.format(slug="beta", title="Beta things", items=beta),
    })


@pytest.fixture(scope="session")
def itil_bank() -> Bank:
    return load_bank(BUNDLED_QUESTIONS)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    db = await Store.open(tmp_path / "test.sqlite3")
    yield db
    await db.close()


@pytest.fixture
async def sandbox(clock: FakeClock) -> AsyncIterator[SandboxServer]:
    server = SandboxServer(clock=clock)
    await server.start()
    yield server
    await server.stop()


@dataclass
class RunningBot:
    """The real Application, polling the sandbox, and the sandbox people around it."""

    server: SandboxServer
    bank: Bank
    settings: Settings
    app: object

    async def push_now(self) -> int:
        """Run a daily-push round now, as the job would; how many were sent."""
        from bot.telegram.app import push_now

        return await push_now(self.app)

    async def say(self, chat: Chat, user: User, text: str) -> Message:
        """`user` sends `text`; return the bot's first new message in the chat."""
        sent = await self.server.send(chat, user, text)
        return await self.server.next_bot_message(chat, after=sent.message_id)

    async def tap(self, chat: Chat, message: Message, user: User, *, letter: str | None = None,
                  data: str | None = None, button: str | None = None) -> dict:
        """Tap a button and wait for the bot's callback answer (the toast)."""
        query_id = await self.server.tap(chat, message.message_id, user,
                                         data=data, button=button or letter)
        return await self.server.wait_for(lambda: self.server.callback_answer(query_id))

    async def answer(self, chat: Chat, message: Message, user: User, right: bool = True
                     ) -> Message:
        """Answer a question rightly (or not) and return the bot's next message after it."""
        letter = self.correct_letter(message) if right else self.wrong_letter(message)
        await self.tap(chat, message, user, letter=letter)
        return await self.server.next_bot_message(chat, after=message.message_id)

    def correct_letter(self, message: Message) -> str:
        """Which letter of a question message is the right answer (found via the bank)."""
        question = next(q for q in self.bank if q.text in message.text)
        right = question.options[question.correct_index].text
        for line in message.text.splitlines():
            match = re.match(r"^([A-F])\. (.*)$", line)
            if match and match.group(2) == right:
                return match.group(1)
        raise AssertionError(f"no lettered option {right!r} in {message.text!r}")

    def wrong_letter(self, message: Message) -> str:
        right = self.correct_letter(message)
        return next(b["text"] for b in message.buttons if b["text"] != right)


@pytest.fixture
def bot_runner(sandbox: SandboxServer, clock: FakeClock, tmp_path: Path) -> Callable:
    """Start the real bot (as `run` builds it) against the sandbox; usable several times."""
    from bot.telegram.app import Ticks, build_application, serve

    @asynccontextmanager
    async def running(
        bank_dir: Path = BUNDLED_QUESTIONS, seed: int = 7, **overrides: object
    ) -> AsyncIterator[RunningBot]:
        bank = load_bank(bank_dir)
        settings = replace(
            Settings(token=SANDBOX_TOKEN, api_url=sandbox.url,
                     database_path=tmp_path / "bot.sqlite3", questions_dir=bank_dir),
            **overrides,
        )
        app = build_application(settings, bank, clock=clock, rng=random.Random(seed),
                                ticks=Ticks(windows=0.05, pushes=0.05),
                                reviewer=Reviewer(fuzz=False))
        stop = asyncio.Event()
        polls_before = len(sandbox.calls("getUpdates"))
        task = asyncio.create_task(serve(app, stop))
        try:
            polling = asyncio.create_task(
                sandbox.wait_for(lambda: len(sandbox.calls("getUpdates")) > polls_before)
            )
            await asyncio.wait({polling, task}, return_when=asyncio.FIRST_COMPLETED)
            if task.done():
                polling.cancel()
                task.result()  # the bot failed to start: raise its error here
            yield RunningBot(sandbox, bank, settings, app)
        finally:
            stop.set()
            await asyncio.wait_for(task, 15)

    return running
