"""The HTTP server: a FastAPI application over the store."""
