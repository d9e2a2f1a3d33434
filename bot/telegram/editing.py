"""Editing the bot's own messages, where "message is not modified" is not an error."""

from __future__ import annotations

from telegram import Message
from telegram.constants import ParseMode
from telegram.error import BadRequest


def _unchanged(exc: BadRequest) -> bool:
    return "not modified" in exc.message


async def drop_keyboard(message: object) -> bool:
    """Remove the buttons of a message; False if they were already gone (a second tap)."""
    if not isinstance(message, Message):
        return True  # inaccessible (too old): nothing to edit
    try:
        await message.edit_reply_markup(reply_markup=None)
    except BadRequest as exc:
        if not _unchanged(exc):
            raise
        return False
    return True


async def edit_text(message: Message, html: str) -> None:
    """Replace a message's text and drop its keyboard; an identical edit is fine."""
    try:
        await message.edit_text(html, parse_mode=ParseMode.HTML, reply_markup=None)
    except BadRequest as exc:
        if not _unchanged(exc):
            raise
