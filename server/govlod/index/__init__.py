"""The release's finding aid: every resource with its names, kinds, identifiers and the context that
tells it apart from its namesakes, in an SQLite file written beside the store at build time.

Search, reconciliation, sitemaps and lists read it instead of scanning the store: at ten million
triples a scan of every label costs seconds per request and a copy of them gigabytes per process,
while an SQLite full-text index answers in milliseconds from pages the system shares. SQLite's
FTS5 (in Python's standard library) does the full-text part: word and prefix matching, bm25
ranking, and the vocabulary of words that a misspelt word is matched against.
"""
