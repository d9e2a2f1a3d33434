"""Sending to a chat that may have blocked the bot, vanished, or become a supergroup."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram.error import BadRequest, ChatMigrated, Forbidden

from bot.telegram.services import Services

log = logging.getLogger(__name__)
T = TypeVar("T")

# 400s that mean the chat itself is gone for the bot, not that the request was wrong.
GONE_CHAT = ("chat not found", "bot was kicked", "not a member", "chat_write_forbidden",
             "have no rights to send", "group chat was deactivated")


async def to_chat(
    svc: Services, chat_id: int, send: Callable[[int], Awaitable[T]]
) -> tuple[int, T] | None:
    """Run `send(chat_id)`; follow a migration once; pause the chat if it is unreachable.

    Returns the chat id that worked and what `send` returned, or None when the chat is paused.
    RetryAfter is handled by the rate limiter (it waits and retries); other errors propagate.
    """
    try:
        return chat_id, await send(chat_id)
    except ChatMigrated as exc:
        log.info("chat %s became supergroup %s", chat_id, exc.new_chat_id)
        await svc.store.migrate_chat(chat_id, exc.new_chat_id)
        return await to_chat(svc, exc.new_chat_id, send)
    except Forbidden as exc:
        await _pause(svc, chat_id, exc.message)
        return None
    except BadRequest as exc:
        if any(fragment in exc.message.lower() for fragment in GONE_CHAT):
            await _pause(svc, chat_id, exc.message)
            return None
        raise


async def _pause(svc: Services, chat_id: int, reason: str) -> None:
    log.warning("pausing chat %s: %s", chat_id, reason)
    await svc.store.pause_chat(chat_id, reason)
