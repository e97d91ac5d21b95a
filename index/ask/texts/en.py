"""English texts."""

LANGUAGES = {"en": "English", "ru": "Russian", "uk": "Ukrainian"}
NOUNS = {
    "statement": ("statement", "statements"),
    "sentence": ("sentence", "sentences"),
    "article": ("news article", "news articles"),
    "second": ("second", "seconds"),
}


def plural(number: int, forms: tuple[str, ...]) -> str:
    """Return the singular for 1, else the plural."""
    return forms[0] if number == 1 else forms[1]


TEXTS = {
    "and_list": "{first} and {last}",
    # answers (index side: the CLI and the bot)
    "nothing_found": "I found nothing in the corpus about “{question}”.",
    "nothing_said_by": "I found nothing in the corpus said by {phrase}.",
    "mentioned_not_quoted": "The corpus mentions {who} but quotes no statement by them.",
    "no_statements_about": "I found statements by {who}, but none about “{topic}”.",
    "unsupported_language": "Sorry, I understand questions in {languages} only.",
    "or": " or ",
    # answer pages (bot)
    "header_speaker": "What {who} said — {span}:",
    "header_topic": "From the news corpus — {span}:",
    "span_all": "{count}",
    "span_range": "{first}–{last} of {count}",
    "span_one": "{first} of {count}",
    "others": "{number} others",
    "more": "More ({remaining} left)",
    "no_more": "There are no further sentences for that question.",
    "slow_down": "You're asking faster than I can answer. Please wait {wait} and ask again.",
    "hello_name": "Hello, {name}!",
    "hello": "Hello!",
    "welcome": (
        "{hello} I answer questions about the news by quoting sentences word for word from {articles}, each with "
        "its source. I never write an answer myself.\n\nAsk me something, for example:\n{examples}\n\n"
        "/help explains more; /sources lists the articles."
    ),
    "help": (
        "<b>How I answer</b>\nI search {articles} ({sentences}) and reply with the sentences that answer your "
        "question, quoted exactly, each with its article, publisher and date when known, and who said it when it "
        "is a statement. When the articles say nothing about your question, I tell you so instead of guessing.\n\n"
        "<b>How to ask</b>\nSend a question as a message, in {languages}. Ask what someone said, or about a "
        "topic:\n{examples}\nPress <b>More</b> under an answer for further sentences.\n\n<b>In groups</b>\n"
        "Mention {mention} in your question, reply to one of my messages, or use /ask followed by the question.\n\n"
        "<b>Commands</b>\n/ask &lt;question&gt; — ask a question\n/sources — the articles I know\n/help — this message"
    ),
    "example_speaker": "What did {name} say?",
    "example_topic": "What is the news about {topic}?",
    "example_fallback_speaker": "What did the minister say?",
    "example_fallback_topic": "What is the news about the elections?",
    "me": "me",
}
