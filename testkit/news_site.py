"""An invented news site (every article, name and quote here is made up) with the clutter real pages carry.

news_site(base_url) returns the routes for testkit.news_server.NewsServer:

    /news/harbour-reopens   page: nav, cookie banner, share bar, newsletter box, "Most read", footer, scripts, JSON-LD
    /news/bridge-vote       page: metadata in Open Graph tags, a relative canonical link
    /news/ferry-timetable   page without a date or site name (the feed supplies them)
    /news/library-fire      page served as windows-1252 with the charset only in the HTTP header
    /ru/zavod               page in windows-1251 that declares its charset in a meta tag
    /feed.xml               RSS 2.0, summary-only entries linking to the pages above, one full-content entry;
                            answers ETag / Last-Modified with 304
    /atom.xml               Atom feed with full content
    /broken-feed.xml        RSS with a malformed entry (no title, no link, no text) and one good entry
    /missing-page           404 (not in the routes)
    /loop                   redirects to itself
    /huge                   a page larger than any sensible cap, streamed without Content-Length
    /report.pdf             not a page or a feed
"""

from __future__ import annotations

import html

from .news_server import Route

PUBLISHER = "Coast Gazette"
FEED_ETAG = '"feed-v1"'
FEED_LAST_MODIFIED = "Tue, 06 May 2025 08:00:00 GMT"

BOILERPLATE = (
    "We use cookies to improve your experience",
    "Accept all cookies",
    "Sign up for our morning briefing",
    "Most read",
    "Mayor cuts ribbon at new skate park",
    "All rights reserved",
    "Share on social media",
    "trackPageView",
    "Home",
)

HARBOUR = [
    "The harbour of Eastwick reopened on Tuesday after six weeks of repairs to the storm-damaged sea wall.",
    "“We are relieved that the boats can come home before the herring season,” harbour master Tobias Wren said.",
    "The repairs cost 2.4 million crowns, according to the town council.",
    "Wren added that the fishing fleet of 31 boats would return by the end of the week.",
    "Council leader Ada Morrow said the town had learned its lesson about maintenance and would inspect the wall "
    "every spring.",
    "Local fishmonger Pieter Lind told reporters that the closure had cost him a third of his spring trade.",
]
BRIDGE = [
    "The town council of Eastwick voted 9 to 4 on Monday to replace the old Mill Street bridge.",
    "“A bridge that closes every winter is not a bridge, it is a rumour,” councillor Imke Varga said during the "
    "debate.",
    "Varga argued that the replacement would pay for itself within twenty years through lower repair bills.",
    "Opponents warned that the building work would block the road to the market for eight months.",
]
FERRY = [
    "The island ferry will run every forty minutes from June, the operator Northlight Ferries announced.",
    "“More sailings mean fewer people left standing on the quay,” operations chief Sunniva Dahl said.",
    "The first ferry will leave Eastwick at 6:10 and the last will return at 23:30.",
]
LIBRARY = [
    "A small fire damaged the reading room of the Eastwick café-library on Sunday night.",
    "“Nobody was hurt, and the rare maps were in the fireproof cabinet,” librarian Renée Falk said.",
    "The fire brigade said the cause was a faulty heater near the façade.",
]
ZAVOD = [
    "Завод в Истомине возобновил работу после трёхнедельного простоя.",
    "«Мы вернули на смену всех двести рабочих», — сказал директор завода Павел Гречко.",
    "По словам Гречко, новые станки окупятся за четыре года.",
]
FULL_ENTRY = [
    "The Eastwick lighthouse will be painted red and white again after a vote of the heritage board.",
    "“The lighthouse belongs to the sailors as much as to the town,” board chair Lorna Beck said.",
    "Beck said the painting would begin in July and take three weeks.",
]
ATOM_ENTRY = [
    "Eastwick school will add a second language class for adults from September.",
    "“Evening classes were full within a day,” head teacher Oskar Brandt said.",
]


def _paragraphs(lines: list[str]) -> str:
    return "\n".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines)


def page(
    title: str,
    lines: list[str],
    *,
    canonical: str | None,
    site_name: str | None = PUBLISHER,
    published: str | None = "2025-05-06T07:30:00Z",
    author: str | None = "Mira Kellan",
    charset: str | None = "utf-8",
    lang: str = "en",
) -> str:
    """Return a news page with its article between the clutter a real site wraps around it."""
    meta = [f'<meta charset="{charset}">' if charset else ""]
    if canonical:
        meta.append(f'<link rel="canonical" href="{canonical}">')
    if site_name:
        meta.append(f'<meta property="og:site_name" content="{site_name}">')
    meta.append(f'<meta property="og:title" content="{html.escape(title)}">')
    if author:
        meta.append(f'<meta name="author" content="{author}">')
    if published:
        meta.append(f'<meta property="article:published_time" content="{published}">')
    related = "".join(
        f'<li><a href="/news/{n}">{t}</a></li>'
        for n, t in [("skate", "Mayor cuts ribbon at new skate park"), ("storm", "Storm warning for the weekend")]
    )
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head>
{"".join(meta)}
<title>{html.escape(title)} | {site_name or "News"}</title>
<script>window.dataLayer = []; function trackPageView() {{ dataLayer.push("view"); }} trackPageView();</script>
<style>.cookie-banner {{ position: fixed; }}</style>
</head><body>
<div class="cookie-banner" id="cookie-consent"><p>We use cookies to improve your experience on our site.</p>
<button>Accept all cookies</button><button>Manage settings</button></div>
<header class="site-header"><a href="/">{site_name or "News"}</a>
<nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav></header>
<main><article class="story">
<h1>{html.escape(title)}</h1>
<div class="byline">By {author or "Staff"}</div>
<div class="share-bar"><a href="#">Share on social media</a> <a href="#">Email</a></div>
{_paragraphs(lines[:2])}
<aside class="newsletter-signup"><h3>Sign up for our morning briefing</h3>
<form><input type="email" placeholder="Your email"><button>Subscribe</button></form></aside>
{_paragraphs(lines[2:])}
</article>
<aside class="most-read"><h2>Most read</h2><ol>{related}</ol></aside>
</main>
<footer class="site-footer"><p>© 2025 {site_name or "News"}. All rights reserved.</p>
<p><a href="/privacy">Privacy policy</a> · <a href="/contact">Contact us</a></p></footer>
<script>trackPageView();</script>
</body></html>
"""


def rss(base: str, items: list[str], title: str = PUBLISHER) -> bytes:
    """Return an RSS 2.0 document holding the given <item> elements."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>{title}</title><link>{base}/</link><description>News from Eastwick</description>
{"".join(items)}
</channel></rss>
""".encode()


def rss_item(title: str, link: str | None, date: str, summary: str, guid: str | None = None, content: str = "") -> str:
    """Return one RSS <item>; content (HTML) goes into content:encoded when given."""
    parts = [f"<title>{html.escape(title)}</title>"]
    if link is not None:
        parts.append(f"<link>{html.escape(link)}</link>")
    if guid:
        parts.append(f'<guid isPermaLink="false">{guid}</guid>')
    parts.append(f"<pubDate>{date}</pubDate><description>{html.escape(summary)}</description>")
    if content:
        parts.append(f"<content:encoded><![CDATA[{content}]]></content:encoded>")
    return "<item>" + "".join(parts) + "</item>\n"


def news_site(base: str) -> dict[str, Route]:
    """Return every route of the invented site, its links pointing at base (http://127.0.0.1:<port>)."""
    html_type = "text/html; charset=utf-8"
    harbour = page("Harbour reopens after repairs", HARBOUR, canonical=f"{base}/news/harbour-reopens")
    harbour = harbour.replace(
        "</head>",
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
        '"headline": "Harbour reopens after repairs", "datePublished": "2025-05-06T07:30:00Z", '
        f'"publisher": {{"@type": "Organization", "name": "{PUBLISHER}"}}}}</script></head>',
    )
    bridge = page(
        "Council votes to replace Mill Street bridge", BRIDGE, canonical="/news/bridge-vote",
        published="2025-05-05T18:00:00Z", author="Jonas Ekberg",
    )  # fmt: skip
    ferry = page("Ferry to run every forty minutes", FERRY, canonical=None, site_name=None, published=None, author=None)
    library = page("Fire damages café-library", LIBRARY, canonical=f"{base}/news/library-fire", charset=None)
    zavod = page(
        "Завод в Истомине возобновил работу", ZAVOD, canonical=f"{base}/ru/zavod", charset="windows-1251",
        site_name="Истоминский вестник", author="Ольга Рябова", lang="ru",
    )  # fmt: skip
    feed = rss(
        base,
        [
            rss_item("Harbour reopens after repairs", f"{base}/news/harbour-reopens?utm_source=rss",
                     "Tue, 06 May 2025 07:30:00 GMT", "The harbour reopened after repairs.", guid="gazette-101"),
            rss_item("Council votes to replace Mill Street bridge", f"{base}/news/bridge-vote",
                     "Mon, 05 May 2025 18:00:00 GMT", "The council voted for a new bridge.", guid="gazette-102"),
            rss_item("Ferry to run every forty minutes", f"{base}/news/ferry-timetable",
                     "Sun, 04 May 2025 12:00:00 GMT", "More ferries from June.", guid="gazette-103"),
            rss_item("Lighthouse to be painted red and white again", f"{base}/news/lighthouse",
                     "Sat, 03 May 2025 09:00:00 GMT", "The lighthouse gets its colours back.", guid="gazette-104",
                     content=_paragraphs(FULL_ENTRY)),
        ],
    )  # fmt: skip
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Eastwick Schools</title><id>urn:eastwick:schools</id>
<updated>2025-05-02T10:00:00Z</updated><link href="{base}/"/>
<entry><title>Adult language classes to double</title><id>urn:eastwick:schools:7</id>
<updated>2025-05-02T10:00:00Z</updated><content type="html">{html.escape(_paragraphs(ATOM_ENTRY))}</content></entry>
</feed>""".encode()
    broken = rss(
        base,
        [
            "<item><description></description></item>\n",
            rss_item("Adult language classes to double", None, "Fri, 02 May 2025 10:00:00 GMT", "x",
                     guid="urn:eastwick:schools:7", content=_paragraphs(ATOM_ENTRY)),
            "<item><title>Unclosed <b>entry</title><link>javascript:alert(1)</link></item>\n",
        ],
    )  # fmt: skip
    return {
        "/news/harbour-reopens": Route(harbour.encode(), html_type),
        "/news/bridge-vote": Route(bridge.encode(), html_type),
        "/news/ferry-timetable": Route(ferry.encode(), html_type),
        "/news/library-fire": Route(library.encode("cp1252"), "text/html; charset=windows-1252"),
        "/ru/zavod": Route(zavod.encode("cp1251"), "text/html"),
        "/feed.xml": Route(feed, "application/rss+xml", etag=FEED_ETAG, last_modified=FEED_LAST_MODIFIED),
        "/atom.xml": Route(atom, "application/atom+xml"),
        "/broken-feed.xml": Route(broken, "application/rss+xml"),
        "/loop": Route(redirect="/loop"),
        "/huge": Route(page("Huge", ["A page that never ends."], canonical=None).encode(), html_type,
                       stream_bytes=64 * 1024 * 1024),
        "/report.pdf": Route(b"%PDF-1.4 not a news page", "application/pdf"),
    }  # fmt: skip
