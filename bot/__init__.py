"""Application wiring: store, scheduler, delivery, web server and their lifecycle."""
