"""Callback handlers: answer letters, "Next question", "Next review", /forget confirmation."""

from __future__ import annotations

import asyncio

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.models import Ask
from bot.quiz.grade import Verdict, advance_streak, grade, letter_to_choice
from bot.quiz.review import rating_for
from bot.quiz.schedule import advance_day_streak, local_date
from bot.telegram import exams, keyboards, render
from bot.telegram.asking import ask_question
from bot.telegram.editing import drop_keyboard, edit_text
from bot.telegram.reviews import ask_next_review
from bot.telegram.services import Services, services

STALE = "This button is no longer valid. Send /quiz for a new question."
GONE = "This question is not available any more. Send /quiz for a new one."
ALREADY = "You already answered this question; only your first answer counts."
CLOSED = "Answers for this question are closed."
NOT_YOURS = "Only the person who asked can answer this."


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route a button tap by its callback data; anything unknown gets a polite toast."""
    query = update.callback_query
    tap = keyboards.parse_callback(query.data)
    if isinstance(tap, keyboards.AnswerTap):
        await on_answer(update, context, tap)
    elif isinstance(tap, keyboards.NextTap):
        await on_next(update, context, tap)
    elif isinstance(tap, keyboards.NextReviewTap):
        await query.answer()
        if query.message is not None and await drop_keyboard(query.message):
            await ask_next_review(context.bot, services(context), query.message.chat.id)
    elif isinstance(tap, keyboards.ForgetTap):
        await on_forget(update, context, tap)
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
    # Callback data carries no trust: the ask must exist and belong to this very message.
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
    if ask.exam_id is not None:
        await exams.on_exam_answer(update, context, ask, question, choice)
        return
    now = svc.clock()
    if ask.closed_at is not None or (ask.closes_at is not None and now >= ask.closes_at):
        await query.answer(CLOSED)
        return
    result = grade(question, choice)
    in_group = ask.closes_at is not None
    recorded = await record(svc, ask, query.from_user.id, result, timed=not in_group)
    if not recorded.recorded:
        await query.answer(ALREADY)
        return
    await query.answer(render.toast(result, ask.option_order, in_group=in_group))
    if in_group:
        return  # the reveal comes when the window closes (bot.telegram.windows)

    topic = svc.bank.topic(question.topic)
    # Independent requests: mark the question and teach at the same time.
    await asyncio.gather(
        edit_text(message,
                  render.answered_question(question, topic.title, ask.option_order, choice)),
        message.reply_html(
            render.verdict(question, ask.option_order, result, recorded.streak),
            reply_markup=keyboards.next_keyboard(ask.topic, review=ask.kind == "review"),
            do_quote=False,
        ),
    )


async def record(svc: Services, ask: Ask, user_id: int, result: Verdict, timed: bool):
    """Record an answer with its streak, the chat's day streak and the member's review card."""
    now = svc.clock()
    chat = await svc.store.chat_state(ask.chat_id)
    today = local_date(now, chat.timezone or svc.settings.default_timezone)
    # Thinking time only means something when the learner answered alone, at once.
    rating = rating_for(result.correct, now - ask.asked_at if timed else None)
    return await svc.store.record_answer(
        ask, user_id, result.choice, result.correct, now, advance_streak,
        day=(today, advance_day_streak),
        review=lambda previous: svc.reviewer.review(previous, rating, now, ask.id),
    )


async def on_next(
    update: Update, context: ContextTypes.DEFAULT_TYPE, tap: keyboards.NextTap
) -> None:
    """Drop the Next button that was tapped and ask a new question of the same topic."""
    svc = services(context)
    query = update.callback_query
    await query.answer()
    # Only the tap that removes the button asks: a quick second tap gets nothing new.
    if query.message is None or not await drop_keyboard(query.message):
        return
    topic = svc.bank.topic(tap.topic) if tap.topic else None
    chat = await svc.store.chat_state(query.message.chat.id)
    await ask_question(context.bot, svc, chat, topic)


async def on_forget(
    update: Update, context: ContextTypes.DEFAULT_TYPE, tap: keyboards.ForgetTap
) -> None:
    """Carry out (or cancel) /forget for the member who asked for it."""
    svc = services(context)
    query = update.callback_query
    if query.from_user.id != tap.user_id:
        await query.answer(NOT_YOURS)
        return
    await query.answer()
    chat = query.message.chat if query.message else None
    if not tap.confirmed:
        text = "Cancelled: nothing was deleted."
    elif chat is None or chat.type == chat.PRIVATE:
        await svc.store.forget_user(tap.user_id)
        text = ("Done: your answers, streaks, review cards, exams and daily schedule here "
                "are deleted.")
    else:
        await svc.store.forget_member(chat.id, tap.user_id)
        text = "Done: your answers, streak and exams in this group are deleted."
    if isinstance(query.message, Message):
        await edit_text(query.message, text)
