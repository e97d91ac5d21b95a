"""Stage 3, store: the index on disk, one folder per build, swapped in atomically.

Modules: layout (file names, build folders, publish/swap with fsync, prefetch), lock (one writer at a time),
manifest (what a build holds and how it was made), vectors (FAISS: the one place that decides the index type),
lexical (BM25 segments), table (the SQLite articles/sentences/speakers table), writer (write a build's files),
reader (IndexStore: a loaded build, read-only, returning typed records).
"""
