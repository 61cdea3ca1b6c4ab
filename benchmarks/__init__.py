"""Scripts that print performance numbers (run them directly; see README)."""
