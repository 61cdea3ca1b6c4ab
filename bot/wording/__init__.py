"""The words the bot sends, in Telegram's HTML subset: replies to commands and notices."""
