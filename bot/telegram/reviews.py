"""/review: only the questions whose spaced-repetition card is due."""

from __future__ import annotations

from telegram import Bot, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.telegram import render
from bot.telegram.asking import ask_question
from bot.telegram.services import Services, services


async def review_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Serve the learner's most overdue review, or say when the next one is due."""
    chat = update.effective_chat
    if chat.type != chat.PRIVATE:
        await update.effective_message.reply_text(
            "Reviews are personal: send /review to me in a private chat."
        )
        return
    await ask_next_review(context.bot, services(context), chat.id)


async def ask_next_review(bot: Bot, svc: Services, chat_id: int) -> None:
    """Ask the most overdue review of a private chat's learner, or report none due."""
    now = svc.clock()
    for question_id in await svc.store.due_reviews(chat_id, now):
        question = svc.bank.question(question_id)
        if question is not None:
            chat = await svc.store.chat_state(chat_id)
            await ask_question(bot, svc, chat, None, question=question)
            return
    _, next_due = await svc.store.review_summary(chat_id, now)
    chat = await svc.store.chat_state(chat_id)
    zone = chat.timezone or svc.settings.default_timezone
    await bot.send_message(chat_id, render.nothing_due(next_due, now, zone),
                           parse_mode=ParseMode.HTML)
