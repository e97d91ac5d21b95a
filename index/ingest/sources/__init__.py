"""Where news comes from besides prepared files: web pages, RSS/Atom feeds and the http(s) fetching of both.

Modules: fetch (http client with limits and retries), decode (page bytes -> text), html (page -> Article, by
trafilatura), feed (feed -> entries -> Articles, by feedparser), inputs (command-line inputs -> articles),
state (what each feed last said, for conditional requests and skipping known entries), saved (an article as a
Markdown file in the corpus folder).
"""
