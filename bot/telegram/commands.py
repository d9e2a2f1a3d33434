"""Command handlers: /start, /help, /topics, /quiz, /stats, /forget, /leaderboard, /daily,
/window (/review and /exam live in their own modules)."""

from __future__ import annotations

from datetime import timedelta

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.quiz import progress
from bot.quiz.schedule import ScheduleError, next_push, parse_schedule
from bot.quiz.topics import resolve_topic
from bot.telegram import keyboards, render
from bot.telegram.admins import may_change_settings
from bot.telegram.asking import ask_question
from bot.telegram.pushes import schedule_of
from bot.telegram.services import services

NOT_ADMIN = "Sorry, only this group's admins can change that."
MIN_WINDOW, MAX_WINDOW = 10, 86_400


async def remember(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Record the chat and the user of every update before any handler uses them."""
    svc = services(context)
    chat, user = update.effective_chat, update.effective_user
    await svc.store.remember(
        svc.clock(),
        chat=(chat.id, chat.type, chat.title) if chat else None,
        user=(user.id, user.full_name) if user else None,
    )


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome the user and show how to begin."""
    user = update.effective_user
    await update.effective_message.reply_html(
        render.welcome(user.first_name if user else None, services(context).bank)
    )


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the commands."""
    await update.effective_message.reply_html(render.help_text())


async def topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the topics of the bank."""
    await update.effective_message.reply_html(render.topics_list(services(context).bank.topics))


async def quiz(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send a question, from the topic named in the arguments if any."""
    svc = services(context)
    query = " ".join(context.args or [])
    topic = None
    if query:
        match = resolve_topic(svc.bank.topics, query)
        if match.topic is None:
            await update.effective_message.reply_html(
                render.unknown_topic(query, match.candidates, svc.bank.topics)
            )
            return
        topic = match.topic
    chat = await svc.store.chat_state(update.effective_chat.id)
    if chat.is_group:
        # One question at a time keeps a group's chat readable and its answers fair.
        running = await svc.store.open_ask(chat.id, svc.clock())
        if running is not None:
            left = render.duration(running.closes_at - svc.clock())
            await update.effective_message.reply_text(
                f"A question is still open: answer it above. Answers close in {left}."
            )
            return
    await ask_question(context.bot, svc, chat, topic)


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the caller's totals and streak in this chat."""
    svc = services(context)
    user = update.effective_user
    chat = await svc.store.chat_state(update.effective_chat.id)
    member = await svc.store.member_stats(chat.id, user.id)
    due, _ = await svc.store.review_summary(user.id, svc.clock())
    topics = progress.by_topic(svc.bank, await svc.store.answers_by_question(chat.id, user.id))
    await update.effective_message.reply_html(render.stats(
        user.first_name, member, chat.day_streak, due, topics, progress.weakest(topics)
    ))


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask for confirmation before deleting the caller's data."""
    user = update.effective_user
    where = ("everything I store about you: answers, streaks, review cards, exams and this "
             "chat's daily schedule" if update.effective_chat.type == ChatType.PRIVATE
             else "your answers, streak and exams in this group")
    await update.effective_message.reply_text(
        f"Delete {where}? This cannot be undone.",
        reply_markup=keyboards.forget_keyboard(user.id),
    )


async def leaderboard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Rank this chat's members; `/leaderboard week` counts the last seven days."""
    svc = services(context)
    week = bool(context.args) and context.args[0].lower() in ("week", "w", "7d")
    chat = await svc.store.chat_state(update.effective_chat.id)
    since = svc.clock() - timedelta(days=7) if week else None
    rows = await svc.store.leaderboard(chat.id, since)
    await update.effective_message.reply_html(render.leaderboard(rows, week, chat))


async def daily(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/daily` shows the schedule, `/daily HH:MM [Zone]` sets it, `/daily off` stops it."""
    svc = services(context)
    message = update.effective_message
    chat = await svc.store.chat_state(update.effective_chat.id)
    args = context.args or []
    if not args:
        await message.reply_html(render.daily_status(chat, schedule_of(chat)))
        return
    if not await may_change_settings(context, update.effective_chat, update.effective_user,
                                     message):
        await message.reply_text(NOT_ADMIN)
        return
    if args[0].lower() in ("off", "stop", "none"):
        await svc.store.set_daily(chat.id, None, None, None)
        await message.reply_text("Daily question stopped. Start it again with /daily HH:MM.")
        return
    try:
        schedule = parse_schedule(args, chat.timezone or svc.settings.default_timezone)
    except ScheduleError as exc:
        await message.reply_text(str(exc))
        return
    first = next_push(svc.clock(), schedule)
    await svc.store.set_daily(chat.id, f"{schedule.at:%H:%M}", schedule.timezone, first)
    await message.reply_html(render.daily_set(schedule, first))


async def window(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/window` shows, `/window SECONDS` sets, how long a group has to answer."""
    svc = services(context)
    message = update.effective_message
    chat = await svc.store.chat_state(update.effective_chat.id)
    if not chat.is_group:
        await message.reply_text("The answer window applies to groups; here you get the "
                                 "explanation as soon as you answer.")
        return
    current = chat.answer_seconds or svc.settings.group_answer_seconds
    if not context.args:
        await message.reply_text(f"Members have {current} seconds to answer. "
                                 f"Admins can change it: /window 90")
        return
    if not await may_change_settings(context, update.effective_chat, update.effective_user,
                                     message):
        await message.reply_text(NOT_ADMIN)
        return
    try:
        seconds = int(context.args[0])
    except ValueError:
        seconds = 0
    if not MIN_WINDOW <= seconds <= MAX_WINDOW:
        await message.reply_text(
            f"Give the window in seconds, from {MIN_WINDOW} to {MAX_WINDOW}: /window 90"
        )
        return
    await svc.store.set_answer_seconds(chat.id, seconds)
    await message.reply_text(f"Done: members now have {seconds} seconds to answer.")


async def unknown(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a private chat, answer an unknown command or plain text with a pointer to /help."""
    if update.effective_chat.type != ChatType.PRIVATE:
        return  # in groups, other messages are not for us
    text = update.effective_message.text or ""
    if text.startswith("/"):
        reply = "Sorry, I don't know that command. /help lists what I can do."
    else:
        reply = "Send /quiz for a question, or /help to see everything I can do."
    await update.effective_message.reply_text(reply)
