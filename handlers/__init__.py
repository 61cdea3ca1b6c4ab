"""Telegram handlers: turn updates into calls on the core and replies (issue 3)."""
