"""The Telegram layer: handlers, keyboards and rendering (the only package importing telegram)."""
