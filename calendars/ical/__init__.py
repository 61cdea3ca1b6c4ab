"""iCalendar: rendering the calendar feeds, VTIMEZONEs, importing .ics files, feed routes."""
