"""The loopback Bot API server (Telegram's side of the wire) and a terminal chat on top."""

from bot.sandbox.server import SANDBOX_TOKEN, ApiError, SandboxServer
from bot.sandbox.world import Chat, Fault, Message, User

__all__ = ["SANDBOX_TOKEN", "ApiError", "Chat", "Fault", "Message", "SandboxServer", "User"]
