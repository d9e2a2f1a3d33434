"""Command handlers: /start, /help, /topics, /quiz, /stats, and a reply to anything else."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import ContextTypes

from bot.quiz.topics import resolve_topic
from bot.telegram import render
from bot.telegram.asking import ask_question
from bot.telegram.services import services


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
    await ask_question(context.bot, svc, update.effective_chat.id, topic)


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the caller's totals and streak in this chat."""
    svc = services(context)
    user = update.effective_user
    member = await svc.store.member_stats(update.effective_chat.id, user.id)
    await update.effective_message.reply_html(render.stats(user.first_name, member))


async def unknown(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a private chat, answer an unknown command or plain text with a pointer to /help."""
    if update.effective_chat.type != ChatType.PRIVATE:
        return  # in groups, other messages are not for us
    text = update.effective_message.text or ""
    if text.startswith("/"):
        reply = "Sorry, I don't know that command. /help lists what I can do."
    else:
        reply = "Send /quiz for a question, or /help to see everything I can do."
    await update.effective_message.reply_text(reply, parse_mode=ParseMode.HTML)
