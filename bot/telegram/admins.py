"""Who may change a chat's settings: anyone in private, only admins in groups."""

from __future__ import annotations

from datetime import timedelta

from telegram import Chat, Message, User
from telegram.constants import ChatMemberStatus
from telegram.ext import ContextTypes

from bot.telegram.services import services

CACHE_KEY = "admin_cache"
CACHE_FOR = timedelta(minutes=2)
ADMIN_STATUSES = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


async def may_change_settings(
    context: ContextTypes.DEFAULT_TYPE, chat: Chat, user: User | None, message: Message | None
) -> bool:
    """True in private chats, and in groups for the chat's admins (asked of Telegram, cached)."""
    if chat.type == Chat.PRIVATE:
        return True
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id  # an anonymous admin posts as the group
    if user is None:
        return False
    svc = services(context)
    cache: dict[tuple[int, int], tuple[bool, object]] = context.bot_data.setdefault(CACHE_KEY, {})
    now = svc.clock()
    cached = cache.get((chat.id, user.id))
    if cached is not None and cached[1] > now:
        return cached[0]
    member = await context.bot.get_chat_member(chat.id, user.id)
    allowed = member.status in ADMIN_STATUSES
    cache[(chat.id, user.id)] = (allowed, now + CACHE_FOR)
    return allowed
