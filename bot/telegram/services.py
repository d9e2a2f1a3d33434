"""What handlers depend on, built once at start-up and handed to them through bot_data."""

from __future__ import annotations

import random
from dataclasses import dataclass

from telegram.ext import CallbackContext

from bot.bank import Bank
from bot.config import Settings
from bot.models import Clock
from bot.quiz.review import Reviewer
from bot.store import Store

SERVICES_KEY = "services"


@dataclass(frozen=True)
class Services:
    """The bank, the store, the settings, and the clock and random source rules use."""

    settings: Settings
    bank: Bank
    store: Store
    clock: Clock
    rng: random.Random
    reviewer: Reviewer


def services(context: CallbackContext) -> Services:
    """The Services of the running application."""
    return context.application.bot_data[SERVICES_KEY]
