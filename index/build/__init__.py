"""Stage 4, build: run ingest -> embed -> store for a corpus (a full build) or for a few articles (add, remove).

Modules: full (load a corpus and build it whole; rewrite an index without its dead rows), incremental (add,
replace and remove articles, writing only what changed), freshness (is the index still the corpus's?).
Every write holds the index's write lock (index/store/lock.py) and ends in one atomic publish.
"""
