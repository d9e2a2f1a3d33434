"""Putting a question to a chat: choose it, record the ask, send it, link the message."""

from __future__ import annotations

from datetime import timedelta

from telegram import Bot, Message
from telegram.constants import ParseMode

from bot.bank import Question, Topic
from bot.models import Ask, ChatState
from bot.quiz.choose import pick_question, shuffled_order
from bot.telegram import keyboards, render
from bot.telegram.services import Services


async def choose(
    svc: Services, chat: ChatState, topic: Topic | None
) -> tuple[Question, tuple[int, ...]]:
    """The next question for a chat (from `topic`, or any) and its shuffled option order.

    In a private chat the learner's due reviews come first.
    """
    pool = topic.questions if topic else tuple(svc.bank)
    due = [] if chat.is_group else await svc.store.due_reviews(chat.id, svc.clock())
    question = pick_question(pool, await svc.store.ask_history(chat.id), svc.rng, due)
    return question, shuffled_order(len(question.options), svc.rng)


def answer_window(svc: Services, chat: ChatState) -> timedelta | None:
    """How long a group has to answer (None in private chats: answers are graded at once)."""
    if not chat.is_group:
        return None
    return timedelta(seconds=chat.answer_seconds or svc.settings.group_answer_seconds)


async def send_ask(bot: Bot, svc: Services, ask: Ask, chat_id: int | None = None) -> Message:
    """Send the message that shows an ask, with one button per letter."""
    question = svc.bank.question(ask.question_id)
    title = svc.bank.topic(question.topic).title
    return await bot.send_message(
        chat_id or ask.chat_id,
        render.question(
            question, title, ask.option_order,
            window=ask.closes_at - ask.asked_at if ask.closes_at else None,
            daily=ask.kind == "daily",
        ),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboards.answer_keyboard(ask.id, len(ask.option_order)),
    )


async def ask_question(
    bot: Bot, svc: Services, chat: ChatState, topic: Topic | None,
    question: Question | None = None,
) -> tuple[Ask, Message]:
    """Send a question (chosen, unless given) to a chat and record it.

    Groups get an answer window; a given question is asked as a review.
    """
    if question is None:
        question, order = await choose(svc, chat, topic)
        kind = "quiz"
    else:
        order = shuffled_order(len(question.options), svc.rng)
        kind = "review"
    now = svc.clock()
    window = answer_window(svc, chat)
    ask = await svc.store.create_ask(
        chat.id, question.id, topic.slug if topic else None, order,
        "group" if window else kind, now, now + window if window else None,
    )
    message = await send_ask(bot, svc, ask)
    await svc.store.set_ask_message(ask.id, message.message_id)
    return ask, message
