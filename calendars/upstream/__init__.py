"""Upstream calendars (issue 12): the pure core of keeping events in step with an .ics URL.

``source`` is the record of one polled calendar and what polling it has learnt; ``plan``
decides, from the events a source gave us before and what it serves now, what to add,
change and cancel, and whether the change is too large to apply without an admin.
"""
