"""News index: corpus loading, sentence splitting, attribution, embeddings, FAISS store, search and answers."""

__version__ = "0.2.0"
