"""/exam: a timed mock exam in a private chat, marked only at the end."""

from __future__ import annotations

import logging

from telegram import Bot, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.bank import Question
from bot.models import Ask, Exam
from bot.quiz.choose import shuffled_order
from bot.quiz.exam import ExamUnavailable, blueprint_for, draw, score
from bot.quiz.grade import LETTERS, grade
from bot.quiz.review import rating_for
from bot.telegram import keyboards, render
from bot.telegram.editing import edit_text
from bot.telegram.services import Services, services

log = logging.getLogger(__name__)


async def exam_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start a mock exam, show the one in progress, or (`/exam stop`) abandon it."""
    svc = services(context)
    message = update.effective_message
    chat, user = update.effective_chat, update.effective_user
    if chat.type != chat.PRIVATE:
        await message.reply_text("Mock exams run in a private chat: send /exam to me directly.")
        return
    exam = await svc.store.open_exam(user.id)
    stop = bool(context.args) and context.args[0].lower() in ("stop", "abandon", "cancel")
    if stop:
        if exam is None:
            await message.reply_text("No mock exam is running. /exam starts one.")
        else:
            await svc.store.finish_exam(exam.id, svc.clock(), abandoned=True)
            await message.reply_text("Mock exam abandoned. /exam starts a new one.")
        return
    if exam is not None:
        if svc.clock() >= exam.ends_at:
            await finish(context.bot, svc, exam, timed_out=True)
            return
        answered, last = await svc.store.exam_progress(exam.id)
        await message.reply_text(
            f"Your mock exam is in progress: {len(answered)} of {len(exam.question_ids)} "
            f"answered, {render.duration(exam.ends_at - svc.clock())} left. "
            "Here is where you are (/exam stop abandons it)."
        )
        await send_question(context.bot, svc, exam, len(answered), resend=last)
        return
    try:
        blueprint = blueprint_for(svc.bank)
    except ExamUnavailable as exc:
        await message.reply_text(f"Sorry, no mock exam: {exc}.")
        return
    questions = draw(svc.bank, blueprint, svc.rng)
    now = svc.clock()
    exam = await svc.store.start_exam(user.id, chat.id, [q.id for q in questions], now,
                                      now + blueprint.duration)
    await message.reply_html(render.exam_intro(
        blueprint.size, int(blueprint.duration.total_seconds() // 60), blueprint.pass_mark))
    await send_question(context.bot, svc, exam, 0)


async def send_question(
    bot: Bot, svc: Services, exam: Exam, position: int, resend: Ask | None = None
) -> None:
    """Send question number `position` of an exam (re-send `resend` if it is that one)."""
    question = svc.bank.question(exam.question_ids[position])
    if resend is not None and resend.exam_position == position:
        ask = resend
    else:
        ask = await svc.store.create_ask(
            exam.chat_id, question.id, None, shuffled_order(len(question.options), svc.rng),
            "exam", svc.clock(), exam=(exam.id, position),
        )
    sent = await bot.send_message(
        exam.chat_id,
        render.exam_question(question, ask.option_order, position, len(exam.question_ids),
                             exam.ends_at - svc.clock()),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboards.answer_keyboard(ask.id, len(ask.option_order)),
    )
    await svc.store.set_ask_message(ask.id, sent.message_id)


async def on_exam_answer(
    update: Update, context: ContextTypes.DEFAULT_TYPE, ask: Ask, question: Question,
    choice: int,
) -> None:
    """Record an exam answer without marking it, then move to the next question."""
    svc = services(context)
    query = update.callback_query
    exam = await svc.store.get_exam(ask.exam_id)
    if exam is None or exam.finished_at is not None or exam.user_id != query.from_user.id:
        await query.answer("This mock exam is over, so this answer does not count.")
        return
    now = svc.clock()
    if now >= exam.ends_at:
        await query.answer("Time is up: this answer does not count.")
        await finish(context.bot, svc, exam, timed_out=True)
        return
    result = grade(question, choice)
    rating = rating_for(result.correct, None)
    outcome = await svc.store.record_answer(
        ask, query.from_user.id, choice, result.correct, now, None,
        review=lambda previous: svc.reviewer.review(previous, rating, now, ask.id),
    )
    if not outcome.recorded:
        await query.answer("You already answered this question.")
        return
    await query.answer(f"Answer {LETTERS[ask.option_order.index(choice)]} recorded.")
    size = len(exam.question_ids)
    await edit_text(query.message, render.exam_answered(
        question, ask.option_order, ask.exam_position, size, choice))
    if ask.exam_position + 1 < size:
        await send_question(context.bot, svc, exam, ask.exam_position + 1)
    else:
        await finish(context.bot, svc, exam, timed_out=False)


async def finish(bot: Bot, svc: Services, exam: Exam, timed_out: bool) -> None:
    """Close an exam (once) and send the score, breakdown and missed questions."""
    if not await svc.store.finish_exam(exam.id, svc.clock()):
        return
    blueprint = blueprint_for(svc.bank)
    correct, _ = await svc.store.exam_progress(exam.id)
    questions = [svc.bank.question(qid) for qid in exam.question_ids]
    kept = [(i, q) for i, q in enumerate(questions) if q is not None]
    area_of = {topic.slug: topic.area for topic in svc.bank.topics}
    result = score(blueprint, [q for _, q in kept],
                   {new: correct.get(old, False) for new, (old, _) in enumerate(kept)}, area_of)
    await bot.send_message(exam.chat_id,
                           render.exam_result(result, blueprint.pass_mark, timed_out),
                           parse_mode=ParseMode.HTML)
    for page in render.missed_pages(result.missed):
        await bot.send_message(exam.chat_id, page, parse_mode=ParseMode.HTML)


async def finish_timed_out_exams(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job: mark exams whose hour is over and send their results."""
    svc = services(context)
    for exam in await svc.store.exams_out_of_time(svc.clock()):
        try:
            await finish(context.bot, svc, exam, timed_out=True)
        except Exception:  # one learner's trouble must not stop the others
            log.exception("could not finish exam %s", exam.id)
