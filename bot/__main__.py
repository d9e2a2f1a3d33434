"""`python -m bot` does what the `quiz-tutor` command does."""

from bot.cli import main

raise SystemExit(main())
