"""News I/O: the watched news sources, polling them, taking articles in, and notices."""
