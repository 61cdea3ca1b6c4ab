"""The Telegram side of the app: delivery, the python-telegram-bot Application, webhooks."""
