"""Pure quiz rules: choosing, shuffling, grading, streaks. No Telegram, no SQL."""
