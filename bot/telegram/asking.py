"""Putting a question to a chat: choose it, record the ask, send it, link the message."""

from __future__ import annotations

from telegram import Bot, Message
from telegram.constants import ParseMode

from bot.bank import Topic
from bot.models import Ask
from bot.quiz.choose import pick_question, shuffled_order
from bot.telegram import keyboards, render
from bot.telegram.services import Services


async def ask_question(
    bot: Bot, svc: Services, chat_id: int, topic: Topic | None, kind: str = "quiz"
) -> tuple[Ask, Message]:
    """Send a new question (from `topic`, or any topic) to a chat and record it."""
    pool = topic.questions if topic else tuple(svc.bank)
    history = await svc.store.ask_history(chat_id)
    question = pick_question(pool, history, svc.rng)
    order = shuffled_order(len(question.options), svc.rng)
    ask = await svc.store.create_ask(
        chat_id, question.id, topic.slug if topic else None, order, kind, svc.clock()
    )
    title = svc.bank.topic(question.topic).title
    message = await bot.send_message(
        chat_id,
        render.question(question, title, order),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboards.answer_keyboard(ask.id, len(order)),
    )
    await svc.store.set_ask_message(ask.id, message.message_id)
    return ask, message
