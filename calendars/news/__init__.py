"""The pure news core: articles, reading RSS/Atom, matching articles to events, OPML."""
