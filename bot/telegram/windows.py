"""Closing group answer windows: reveal the answer, the explanation and who was right."""

from __future__ import annotations

import logging

from telegram import Bot, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.models import Ask
from bot.telegram import render
from bot.telegram.delivery import to_chat
from bot.telegram.services import Services, services

log = logging.getLogger(__name__)


async def close_due_windows(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job: close every ask whose window has ended (also those that ended while down)."""
    svc = services(context)
    for ask in await svc.store.asks_to_close(svc.clock()):
        if await svc.store.close_ask(ask.id, svc.clock()):
            try:
                await reveal(context.bot, svc, ask)
            except Exception:  # one chat's trouble must not stop the others
                log.exception("could not reveal ask %s in chat %s", ask.id, ask.chat_id)


async def reveal(bot: Bot, svc: Services, ask: Ask) -> None:
    """Show the right option on the question and post the explanation and results."""
    question = svc.bank.question(ask.question_id)
    if question is None:
        return  # the bank no longer has it: nothing to reveal
    title = svc.bank.topic(question.topic).title
    if ask.message_id is not None:
        try:
            await bot.edit_message_text(
                render.answered_question(question, title, ask.option_order, None),
                chat_id=ask.chat_id, message_id=ask.message_id, parse_mode=ParseMode.HTML,
            )
        except BadRequest as exc:
            # Not modified, or the message was deleted: the reveal below still matters.
            log.info("could not edit question of ask %s: %s", ask.id, exc.message)
    answers = await svc.store.ask_answers(ask)
    chat = await svc.store.chat_state(ask.chat_id)
    text = render.reveal(question, ask.option_order, answers, chat.day_streak if chat else 0)

    async def send(chat_id: int) -> object:
        return await bot.send_message(
            chat_id, text, parse_mode=ParseMode.HTML,
            reply_parameters=(
                ReplyParameters(ask.message_id, allow_sending_without_reply=True)
                if ask.message_id is not None and chat_id == ask.chat_id else None
            ),
        )

    await to_chat(svc, ask.chat_id, send)
