"""The daily push round: claim due chats from the database, send, record, move on."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, time

from telegram import Bot
from telegram.ext import Application, ContextTypes

from bot.models import Ask, ChatState, PushClaim
from bot.quiz.choose import pick_question, shuffled_order
from bot.quiz.schedule import DailySchedule, is_within_grace, local_date, next_push
from bot.telegram.asking import answer_window, send_ask
from bot.telegram.delivery import to_chat
from bot.telegram.services import SERVICES_KEY, Services

log = logging.getLogger(__name__)

# Sends in flight at once; the rate limiter, not this, sets the pace (about 30/s).
CONCURRENCY = 16
# Claims per transaction: big enough to save round trips, small enough that answers
# arriving meanwhile wait only milliseconds for the write lock.
BATCH = 100


def schedule_of(chat: ChatState) -> DailySchedule | None:
    """A chat's daily schedule, or None when it has none."""
    if not chat.daily_time or not chat.timezone:
        return None
    return DailySchedule(time.fromisoformat(chat.daily_time), chat.timezone)


class PushRound:
    """One process's pusher. Rounds never overlap, and a round ends only when all its
    sends have, so a claimed push without a message is never one still in flight."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()

    async def __call__(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Job callback: run a round unless one is still going."""
        if self._lock.locked():
            return
        await self.run_now(context.application)

    async def run_now(self, app: Application) -> int:
        """Run a round as soon as any running one ends (the sandbox's and tests' trigger)."""
        async with self._lock:
            return await self.run(app.bot, app.bot_data[SERVICES_KEY], lambda: app.running)

    async def run(self, bot: Bot, svc: Services, keep_going: Callable[[], bool]) -> int:
        """Send every due push (and any claimed but unsent); return how many were sent.

        `keep_going` is checked before each claim, so a stopping bot claims nothing new.
        """
        gate = asyncio.Semaphore(CONCURRENCY)
        tasks: set[asyncio.Task] = set()

        async def spawn(ask: Ask) -> None:
            await gate.acquire()
            task = asyncio.create_task(self._send(bot, svc, ask))
            task.add_done_callback(lambda _: gate.release())
            tasks.add(task)

        # Claimed earlier but never sent: the process stopped (or a send failed) in between.
        for ask in await svc.store.unsent_pushes():
            if not is_within_grace(ask.asked_at, svc.clock()):
                await svc.store.drop_push(ask.id)
                continue
            await spawn(ask)

        while keep_going():
            due = await svc.store.due_pushes(svc.clock(), BATCH)
            if not due:
                break
            for ask in await svc.store.claim_pushes(await self._plan(svc, due, svc.clock())):
                await spawn(ask)
            if len(due) < BATCH:
                break
        results = await asyncio.gather(*tasks, return_exceptions=True)
        return sum(result is True for result in results)

    async def _plan(
        self, svc: Services, chats: list[ChatState], now: datetime
    ) -> list[PushClaim]:
        """A claim per due chat, with its question; pushes too old are skipped instead."""
        histories = await svc.store.ask_histories([chat.id for chat in chats])
        pool = tuple(svc.bank)
        claims = []
        for chat in chats:
            schedule = schedule_of(chat)
            due = chat.next_push_at
            if schedule is None or due is None:
                continue
            if not is_within_grace(due, now):
                log.info("chat %s: push due %s is too old; skipping to the next", chat.id, due)
                await svc.store.skip_push(chat.id, due, next_push(now, schedule))
                continue
            # Any topic, avoiding what this chat saw most recently.
            question = pick_question(pool, histories[chat.id], svc.rng)
            window = answer_window(svc, chat)
            claims.append(PushClaim(
                chat.id, due, local_date(due, schedule.timezone),
                next_push(max(now, due), schedule), question.id,
                shuffled_order(len(question.options), svc.rng), now,
                now + window if window else None,
            ))
        return claims

    async def _send(self, bot: Bot, svc: Services, ask: Ask) -> bool:
        try:
            sent = await to_chat(
                svc, ask.chat_id, lambda chat_id: send_ask(bot, svc, ask, chat_id)
            )
        except Exception:
            log.exception("daily push to chat %s failed; it will be retried", ask.chat_id)
            return False
        if sent is None:
            await svc.store.drop_push(ask.id)
            return False
        await svc.store.complete_push(ask.id, sent[1].message_id)
        return True
