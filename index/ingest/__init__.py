"""Stage 1, ingest: load articles, split them into sentences with offsets, and attribute statements to speakers.

Modules: corpus (article files -> Article), segment (text -> sentence spans), attribution/ (who said what),
records (the SentenceRecord rows the later stages store), analyse (articles -> records and speakers).
"""
