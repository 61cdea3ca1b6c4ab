"""Fetching untrusted URLs: every outbound request of the app goes through here."""
