"""News index: corpus loading, sentence splitting, attribution, embeddings, FAISS store, search and answers."""
