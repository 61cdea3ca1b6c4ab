"""The calendar core: events, their validation, iCal rendering and reminder arithmetic.

Nothing here knows about Telegram or the database; ``routes`` is the one module that
touches HTTP (Starlette).
"""
