"""Test doubles shared by tests/ and scripts/: a fake Telegram Bot API server on loopback and a hashing encoder.

Nothing in index/ or bot/ imports this package; it is not part of what `pip install .` installs.
"""
