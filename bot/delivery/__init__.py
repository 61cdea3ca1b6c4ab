"""Delivery: the Notifier interface, the console notifier, and the broadcaster.

Every message the app sends leaves through here.
"""
