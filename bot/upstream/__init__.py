"""Upstream calendars (issue 12): polling .ics URLs and keeping their events in step.

Its own package, beside ``bot/news``: news polling turns articles into notices, this turns
calendars into events; they share the fetch client, the polling schedule
(``calendars.polling``) and the parser worker pool (``bot.news.reading.SourceReader``),
and nothing else. The pure decisions are in ``calendars.upstream``.
"""
