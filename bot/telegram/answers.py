"""Callback handlers: a tap on an answer letter, and a tap on "Next question"."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.quiz.grade import advance_streak, grade, letter_to_choice
from bot.quiz.schedule import advance_day_streak, local_date
from bot.telegram import keyboards, render
from bot.telegram.asking import ask_question
from bot.telegram.services import services

log = logging.getLogger(__name__)

STALE = "This button is no longer valid. Send /quiz for a new question."
GONE = "This question is not available any more. Send /quiz for a new one."
ALREADY = "You already answered this question; only your first answer counts."
CLOSED = "Answers for this question are closed."


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route a button tap by its callback data; anything unknown gets a polite toast."""
    query = update.callback_query
    tap = keyboards.parse_callback(query.data)
    if isinstance(tap, keyboards.AnswerTap):
        await on_answer(update, context, tap)
    elif isinstance(tap, keyboards.NextTap):
        await on_next(update, context, tap)
    else:
        await query.answer(STALE)


async def on_answer(
    update: Update, context: ContextTypes.DEFAULT_TYPE, tap: keyboards.AnswerTap
) -> None:
    """Check the tap against the database, record it, and teach."""
    svc = services(context)
    query = update.callback_query
    message = query.message
    ask = await svc.store.get_ask(tap.ask_id)
    # Callback data carries no trust: the ask must exist, belong to this very message.
    if (
        ask is None
        or message is None
        or ask.chat_id != message.chat.id
        or ask.message_id != message.message_id
    ):
        await query.answer(GONE)
        return
    question = svc.bank.question(ask.question_id)
    choice = letter_to_choice(tap.letter, ask.option_order)
    if question is None or choice is None or len(question.options) != len(ask.option_order):
        await query.answer(GONE)
        return
    now = svc.clock()
    if ask.closed_at is not None or (ask.closes_at is not None and now >= ask.closes_at):
        await query.answer(CLOSED)
        return
    result = grade(question, choice)
    chat = await svc.store.chat_state(ask.chat_id)
    today = local_date(now, chat.timezone or svc.settings.default_timezone)
    outcome = await svc.store.record_answer(
        ask, query.from_user.id, choice, result.correct, now, advance_streak,
        day=(today, advance_day_streak),
    )
    if not outcome.recorded:
        await query.answer(ALREADY)
        return
    in_group = ask.closes_at is not None
    await query.answer(render.toast(result, ask.option_order, in_group=in_group))
    if in_group:
        return  # the reveal comes when the window closes (bot.telegram.windows)

    topic = svc.bank.topic(question.topic)
    await edit_text(
        message,
        render.answered_question(question, topic.title, ask.option_order, choice),
    )
    await message.reply_html(
        render.verdict(question, ask.option_order, result, outcome.streak),
        reply_markup=keyboards.next_keyboard(ask.topic),
        do_quote=False,
    )


async def on_next(
    update: Update, context: ContextTypes.DEFAULT_TYPE, tap: keyboards.NextTap
) -> None:
    """Drop the Next button that was tapped and ask a new question of the same topic."""
    svc = services(context)
    query = update.callback_query
    await query.answer()
    if query.message is None:
        return
    if isinstance(query.message, Message):
        try:
            await query.message.edit_reply_markup(reply_markup=None)
        except BadRequest as exc:
            if "not modified" not in exc.message:
                raise
    topic = svc.bank.topic(tap.topic) if tap.topic else None
    chat = await svc.store.chat_state(query.message.chat.id)
    await ask_question(context.bot, svc, chat, topic)


async def edit_text(message: Message, html: str) -> None:
    """Replace a message's text and drop its keyboard; an identical edit is not an error."""
    try:
        await message.edit_text(html, parse_mode=ParseMode.HTML, reply_markup=None)
    except BadRequest as exc:
        if "not modified" not in exc.message:
            raise
        log.debug("edit of message %s skipped: not modified", message.message_id)
