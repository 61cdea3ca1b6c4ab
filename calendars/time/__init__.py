"""Time as people type and read it: zones, <when> expressions, reminder offsets, formatting."""
