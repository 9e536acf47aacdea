"""Leian's web service: the FastAPI application (:func:`api.app.create_app`), its security (users, roles,
tokens, the hash-chained audit log, rate limits) and the Chinese web page in ``api/static/``."""
