"""The bot's own membership: removed (pause pushes), re-added, or the group migrated."""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.ext import ContextTypes

from bot.telegram.services import services

log = logging.getLogger(__name__)
GONE = {ChatMember.LEFT, ChatMember.BANNED}


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Pause a chat the bot was removed from; `remember` already resumed one it rejoined."""
    change = update.my_chat_member
    if change.new_chat_member.status in GONE:
        reason = ("the bot was blocked" if change.chat.type == "private"
                  else "the bot was removed from the chat")
        await services(context).store.pause_chat(change.chat.id, reason)
        log.info("chat %s: %s", change.chat.id, reason)


async def on_migrate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group became a supergroup: move its data to the new chat id."""
    message = update.effective_message
    if message.migrate_to_chat_id:
        await services(context).store.migrate_chat(message.chat.id, message.migrate_to_chat_id)
        log.info("chat %s migrated to %s", message.chat.id, message.migrate_to_chat_id)
