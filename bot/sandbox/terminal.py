"""A terminal chat with the bot through the sandbox: type as people, tap buttons by letter."""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

from bot.sandbox.server import SandboxServer
from bot.sandbox.world import Chat, Message, User

HELP = """\
Sandbox chat — you are talking to the bot through a local Bot API server (no Telegram).
  /start, /quiz, /quiz customers, ...  send a command (any text is sent as a message)
  A .. F                               tap that letter under the latest question
  n                                    tap "Next question"
  :as NAME                             act as another person (alice, bob, carol, or a new name)
  :group / :private                    switch between the study group and your private chat
                                       (alice is the group's owner; bob and carol are members)
  :clock [+30s|+5m|+2h|+1d]            show the sandbox time, or move it forward
  :push                                run the daily-push job now
  :help                                this text
  :quit                                leave (Ctrl-D works too)
"""

GROUP_ID = -1001
REPLY_WAIT = 5.0  # seconds to wait for the bot's first reaction to a line
QUIET = 0.3  # seconds without bot activity that end a reaction


class ShiftableClock:
    """Real time plus an offset the person at the terminal can move forward."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def shift(self, delta: timedelta) -> None:
        self.offset += delta


class TerminalChat:
    """Reads lines from a terminal and acts them out as people in the sandbox."""

    def __init__(self, server: SandboxServer, out: TextIO = sys.stdout,
                 read_line: Callable[[], str] | None = None,
                 clock: ShiftableClock | None = None,
                 push_now: Callable[[], Awaitable[int]] | None = None) -> None:
        self.server = server
        self.clock = clock
        self.push_now = push_now
        self.out = out
        self.read_line = read_line or sys.stdin.readline
        self.people: dict[str, User] = {}
        for number, name in enumerate(("alice", "bob", "carol"), start=1):
            self.people[name] = server.user(1000 + number, name.capitalize())
        self.group = server.group(
            GROUP_ID, "Study group",
            {self.people["alice"]: "creator", self.people["bob"]: "member",
             self.people["carol"]: "member"},
        )
        self.me = self.people["alice"]
        self.events = 0
        self.chat: Chat = server.private_chat(self.me)
        server.listeners.append(self._on_event)

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def _where(self, chat: Chat) -> str:
        return chat.title if chat.type != "private" else f"private with {chat.peer.first_name}"

    def _on_event(self, event: str, subject: Any) -> None:
        self.events += 1
        if event in ("sent", "edited"):
            message: Message = subject
            tag = "edited" if event == "edited" else f"#{message.message_id}"
            self._print(f"\n┌─ {self._where(message.chat)} · Quiz Tutor ({tag})")
            for line in message.text.splitlines():
                self._print(f"│ {line}")
            if message.buttons:
                self._print("│ " + "  ".join(f"[{b['text']}]" for b in message.buttons))
            self._print("└─")
        elif event == "answered":
            _, text = subject
            if text:
                self._print(f"   (toast) {text}")

    async def run(self) -> None:
        """Read and act on lines until :quit or end of input."""
        self._print(HELP)
        self._prompt()
        loop = asyncio.get_running_loop()
        while True:
            line = await loop.run_in_executor(None, self.read_line)
            if not line:
                return
            if not await self.handle(line.strip()):
                return
            self._prompt()

    def _prompt(self) -> None:
        print(f"[{self.me.first_name} @ {self._where(self.chat)}] > ", end="",
              file=self.out, flush=True)

    async def handle(self, line: str) -> bool:
        """Act on one typed line; False means leave."""
        if not line:
            return True
        if line in (":quit", ":q", ":exit"):
            return False
        if line == ":help":
            self._print(HELP)
        elif line.startswith(":as "):
            name = line[4:].strip().lower()
            if name not in self.people:
                self.people[name] = self.server.user(1000 + len(self.people) + 1, name.capitalize())
                self.group.members[self.people[name].id] = "member"
            self.me = self.people[name]
            if self.chat.type == "private":
                self.chat = self.server.private_chat(self.me)
        elif line.startswith(":clock"):
            await self._clock(line[len(":clock"):].strip())
        elif line == ":push":
            if self.push_now is None:
                self._print("   (no push job here)")
            else:
                before = self.events
                sent = await self.push_now()
                self._print(f"   (push round sent {sent} question(s))")
                await self._settle(before)
        elif line == ":group":
            self.chat = self.group
        elif line == ":private":
            self.chat = self.server.private_chat(self.me)
        elif len(line) == 1 and line.upper() in "ABCDEF":
            await self._tap(line.upper())
        elif line.lower() in ("n", "next"):
            await self._tap("Next")
        else:
            before = self.events
            await self.server.send(self.chat, self.me, line)
            await self._settle(before)
        return True

    async def _settle(self, before: int, wait: float = REPLY_WAIT) -> None:
        """Wait for the bot to react, then for it to go quiet, so output reads in order."""
        try:
            await self.server.wait_for(lambda: self.events > before, wait)
        except TimeoutError:
            return
        while True:
            seen = self.events
            await asyncio.sleep(QUIET)
            if self.events == seen:
                return

    async def _clock(self, shift: str) -> None:
        if self.clock is None:
            self._print("   (this sandbox runs on the real clock)")
            return
        if shift:
            match = re.fullmatch(r"\+?(\d+)\s*([smhd])", shift)
            if not match:
                self._print("   (use :clock +30s, +5m, +2h or +1d)")
                return
            unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[match.group(2)]
            before = self.events
            self.clock.shift(timedelta(**{unit: int(match.group(1))}))
            await self._settle(before, wait=2.0)
        self._print(f"   (sandbox time: {self.clock():%a %d %b %Y %H:%M:%S} UTC)")

    async def _tap(self, label: str) -> None:
        for message in reversed(self.server.bot_messages(self.chat)):
            if message.button_data(label) is not None:
                before = self.events
                await self.server.tap(self.chat, message.message_id, self.me, button=label)
                await self._settle(before)
                return
        self._print(f"   (no [{label}] button in this chat right now)")
