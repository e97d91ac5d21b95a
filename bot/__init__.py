"""Telegram bot answering news questions with verbatim, cited sentences from the index (see bot.app)."""
