"""Stage 5, ask: answer a question from a built index.

Modules: question (what a question asks: a speaker's words or a topic), speakers (matching the speaker a question
names to the corpus's speakers), searcher (the one door into a loaded index: retrieval and records), answer
(composing the quoted sentences, or saying why there are none), messages (those sayings), render (plain text, for
the CLI and the terminal chat), evaluate (scoring question files against plain baselines).
"""
