"""The HTTP side: the Starlette app on uvicorn, the public page and JSON API, metrics."""
