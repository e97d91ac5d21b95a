"""Pages, feeds and fetching, against the invented news site on a loopback server (no network)."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.ingest.corpus import load_file
from index.ingest.sources.decode import decode_html
from index.ingest.sources.feed import fragment_text, parse_feed
from index.ingest.sources.fetch import USER_AGENT, Fetcher, FetchError, FetchPolicy
from index.ingest.sources.html import page_article
from index.ingest.sources.inputs import gather, sniff
from index.ingest.sources.saved import save_article, saved_path
from index.ingest.sources.state import FeedStates
from testkit.news_server import NewsServer, Route
from testkit.news_site import BOILERPLATE, HARBOUR, LIBRARY, PUBLISHER, ZAVOD, news_site, page

POLICY = FetchPolicy(timeout=2.0, max_bytes=256 * 1024, max_redirects=4, retries=2, backoff=0.01)


@pytest.fixture
def site() -> Iterator[NewsServer]:
    with NewsServer(news_site) as server:
        yield server


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(POLICY) as client:
        yield client


def by_title(articles: list, title: str):  # type: ignore[no-untyped-def]
    return next(a for a in articles if a.title == title)


def test_page_keeps_the_story_and_drops_the_clutter(site: NewsServer, fetcher: Fetcher) -> None:
    got = gather([site.url("/news/harbour-reopens")], fetcher)
    assert not got.problems and len(got.articles) == 1
    article = got.articles[0]
    body = article.text[article.body_start :]
    for line in HARBOUR:
        assert line in body  # every sentence, verbatim
    for clutter in BOILERPLATE:
        assert clutter not in article.text
    assert article.title == "Harbour reopens after repairs"
    assert (article.source, article.published, article.author, article.language) == (
        PUBLISHER, "2025-05-06", "Mira Kellan", "en",
    )  # fmt: skip
    assert article.doc_id == article.url == site.url("/news/harbour-reopens")
    got_ua = dict(site.requests)["/news/harbour-reopens"]["user-agent"]
    assert got_ua == USER_AGENT and "newsbot/" in got_ua


def test_relative_canonical_link_is_resolved(site: NewsServer, fetcher: Fetcher) -> None:
    article = gather([site.url("/news/bridge-vote?ref=home#top")], fetcher).articles[0]
    assert article.doc_id == site.url("/news/bridge-vote?ref=home")  # the fetched URL, fragment dropped
    assert article.author == "Jonas Ekberg" and article.published == "2025-05-05"


def test_charset_from_the_http_header_and_from_a_meta_tag(site: NewsServer, fetcher: Fetcher) -> None:
    got = gather([site.url("/news/library-fire"), site.url("/ru/zavod")], fetcher)
    library = by_title(got.articles, "Fire damages café-library")
    assert all(line in library.text for line in LIBRARY)
    zavod = by_title(got.articles, "Завод в Истомине возобновил работу")
    assert all(line in zavod.text for line in ZAVOD) and zavod.language == "ru"
    assert zavod.source == "Истоминский вестник" and zavod.author == "Ольга Рябова"


def test_decode_html_without_declarations() -> None:
    text = "<html><body><p>Café crème brûlée – “quoted”</p></body></html>"
    assert decode_html(text.encode("utf-8")) == text
    assert decode_html(codecs.BOM_UTF16_LE + text.encode("utf-16-le")) == text
    assert decode_html(text.encode("utf-8"), header_charset="no-such-charset") == text
    assert decode_html(text.encode("cp1252"), header_charset="iso-8859-1") == text  # read as windows-1252


def test_feed_with_summary_only_entries_fetches_their_pages(site: NewsServer, fetcher: Fetcher) -> None:
    got = gather([site.url("/feed.xml")], fetcher)
    assert not got.problems
    titles = sorted(a.title for a in got.articles)
    assert titles == sorted(
        [
            "Harbour reopens after repairs",
            "Council votes to replace Mill Street bridge",
            "Ferry to run every forty minutes",
            "Lighthouse to be painted red and white again",
        ]
    )
    harbour = by_title(got.articles, "Harbour reopens after repairs")
    assert "We are relieved" in harbour.text and harbour.doc_id == site.url("/news/harbour-reopens")  # no utm_
    ferry = by_title(got.articles, "Ferry to run every forty minutes")
    assert (ferry.source, ferry.published) == (PUBLISHER, "2025-05-04")  # the page has neither: the feed's
    lighthouse = by_title(got.articles, "Lighthouse to be painted red and white again")
    assert site.hits["/news/lighthouse"] == 0  # full content in the feed: no fetch
    assert "board chair Lorna Beck said" in lighthouse.text and lighthouse.published == "2025-05-03"
    assert got.fetched == 4 and got.extracted == {a.doc_id for a in got.articles}


def test_atom_feed_entry_without_link_is_identified_by_its_guid(site: NewsServer, fetcher: Fetcher) -> None:
    [article] = gather([site.url("/atom.xml")], fetcher).articles
    assert article.doc_id == "urn:eastwick:schools:7" and article.url is None
    assert article.source == "Eastwick Schools" and "head teacher Oskar Brandt said" in article.text


def test_malformed_feed_entries_are_reported_and_the_rest_kept(site: NewsServer, fetcher: Fetcher) -> None:
    got = gather([site.url("/broken-feed.xml")], fetcher)
    assert [a.title for a in got.articles] == ["Adult language classes to double"]
    messages = [str(p) for p in got.problems]
    assert any("malformed" in m for m in messages)
    assert any("entry 1" in m and "no link" in m for m in messages)
    assert any("entry 3" in m and "javascript" in m for m in messages)
    assert got.failed == 2


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing-page", "not found (HTTP 404)"),
        ("/loop", "redirect loop"),
        ("/huge", "larger than the"),
        ("/report.pdf", "not an HTML page or a feed (application/pdf)"),
    ],
)
def test_bad_urls_are_one_line_problems_and_the_rest_is_read(
    site: NewsServer, fetcher: Fetcher, path: str, reason: str
) -> None:
    got = gather([site.url(path), site.url("/news/bridge-vote")], fetcher)
    assert [a.title for a in got.articles] == ["Council votes to replace Mill Street bridge"]
    [problem] = got.problems
    text = str(problem)
    assert text.startswith(site.url(path) + ": ") and reason in text and "\n" not in text


def test_declared_size_over_the_cap_is_refused_before_reading() -> None:
    big = Route(b"<html><body>" + b"x" * 300_000 + b"</body></html>")
    with (
        NewsServer({"/big": big}) as server,
        Fetcher(POLICY) as client,
        pytest.raises(FetchError, match="larger than the 256 kB limit"),
    ):
        client.get(server.url("/big"))


def test_retries_with_backoff_then_gives_up() -> None:
    waits: list[float] = []
    routes = {
        "/flaky": Route(b"<html><body><p>Up again.</p></body></html>", fail_first=2),
        "/down": Route(fail_first=99),
    }
    with NewsServer(routes) as server, Fetcher(POLICY, sleep=waits.append) as client:
        assert client.get(server.url("/flaky")).status == 200
        assert server.hits["/flaky"] == 3 and waits == [0.01, 0.02]
        with pytest.raises(FetchError, match="HTTP 503 after 3 tries"):
            client.get(server.url("/down"))


def test_timeout_and_dead_host_are_errors_naming_the_url() -> None:
    with NewsServer({"/slow": Route(b"late", delay=1.0)}) as server:
        with Fetcher(FetchPolicy(timeout=0.2, retries=0)) as client, pytest.raises(FetchError, match="timed out"):
            client.get(server.url("/slow"))
        dead = server.url("/gone")
    with Fetcher(FetchPolicy(timeout=1, retries=1, backoff=0.01)) as client:
        with pytest.raises(FetchError, match="cannot connect") as caught:
            client.get(dead)  # the server is stopped: nothing listens on its port
        assert str(caught.value).startswith(dead)


def test_conditional_requests_and_known_entries_skip_fetching(
    site: NewsServer, fetcher: Fetcher, tmp_path: Path
) -> None:
    states = FeedStates.load(tmp_path)
    first = gather([site.url("/feed.xml")], fetcher, states)
    for keep in first.pending:
        keep(states)
    states.save()
    held = {a.doc_id for a in first.articles}
    again = gather([site.url("/feed.xml")], fetcher, FeedStates.load(tmp_path), held)
    assert again.articles == [] and again.unchanged == 4
    assert site.requests[-1][1].get("if-none-match") == '"feed-v1"'  # answered 304
    # the index lost an article: the whole feed is asked for again, and only that entry's page fetched
    pages_before = site.hits["/news/bridge-vote"]
    lost = gather([site.url("/feed.xml")], fetcher, FeedStates.load(tmp_path), held - {site.url("/news/bridge-vote")})
    assert [a.title for a in lost.articles] == ["Council votes to replace Mill Street bridge"]
    assert "if-none-match" not in site.requests[-2][1] and site.hits["/news/bridge-vote"] == pages_before + 1


def test_local_files_folders_and_globs(tmp_path: Path) -> None:
    routes = news_site("https://gazette.example")
    (tmp_path / "site" / "news").mkdir(parents=True)
    (tmp_path / "site" / "news" / "harbour.html").write_bytes(routes["/news/harbour-reopens"].body)
    (tmp_path / "site" / "feed.rss").write_bytes(routes["/atom.xml"].body)
    (tmp_path / "site" / "_draft.html").write_bytes(routes["/news/bridge-vote"].body)  # skipped: starts with _
    (tmp_path / "site" / "notes.md").write_text("Quay notes\nThe quay was painted.\n", encoding="utf-8")
    (tmp_path / "local.htm").write_text(
        page("Quay painted", ["The quay was painted blue on Monday by a crew of eight volunteers."], canonical=None)
    )
    got = gather([str(tmp_path / "site"), str(tmp_path / "*.htm")])
    ids = sorted(a.doc_id for a in got.articles)
    assert ids == ["https://gazette.example/news/harbour-reopens", "local", "notes", "urn:eastwick:schools:7"]
    assert not got.problems
    assert gather([str(tmp_path / "*.nothing")]).problems[0].message == "no file matches this pattern"


def test_sniff() -> None:
    assert sniff(b'<?xml version="1.0"?><rss version="2.0">') == "feed"
    assert sniff(b"\n<feed xmlns='http://www.w3.org/2005/Atom'>") == "feed"
    assert sniff(b"<!DOCTYPE html><html><body><p>x</p>") == "page"
    assert sniff(b"%PDF-1.4", "application/pdf") is None
    assert sniff(b'{"a": 1}', "application/json") is None


def test_fragment_text_is_one_line_per_paragraph() -> None:
    html = "<p>First <b>bold</b>  words.</p><script>evil()</script><ul><li>One</li><li>Two</li></ul>Tail"
    assert fragment_text(html) == "First bold words.\nOne\nTwo\nTail"


def test_page_without_text_is_not_an_article() -> None:
    with pytest.raises(ValueError, match="no article text"):
        page_article("<html><head><title>Empty</title></head><body><nav>Home</nav></body></html>", None)


def test_parse_feed_refuses_what_is_not_a_feed() -> None:
    with pytest.raises(ValueError, match="not"):
        parse_feed(b"<html><body>hello</body></html>")


def test_saved_copy_loads_back_as_the_same_article(site: NewsServer, fetcher: Fetcher, tmp_path: Path) -> None:
    got = gather([site.url("/feed.xml"), site.url("/ru/zavod"), site.url("/atom.xml")], fetcher)
    assert len(got.articles) == 6
    for article in got.articles:
        path = save_article(article, tmp_path)
        assert path == saved_path(tmp_path, article.doc_id) and path.is_relative_to(tmp_path / "fetched")
        [loaded], problems = load_file(path)
        assert not problems
        assert loaded.fingerprint == article.fingerprint and loaded.text == article.text


def test_the_internet_cannot_send_us_to_private_addresses() -> None:
    """A public feed's link or a public page's redirect to loopback/private addresses is refused, never fetched."""
    import httpx

    from testkit.news_site import rss, rss_item

    public = "http://93.184.216.34"  # a global address; the mock transport never connects anywhere
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        if request.url.path == "/feed.xml":
            item = rss_item("Internal", "http://127.0.0.1:9/admin", "Tue, 06 May 2025 07:30:00 GMT", "x")
            return httpx.Response(200, content=rss(public, [item]), headers={"content-type": "application/rss+xml"})
        if request.url.path == "/go":
            return httpx.Response(302, headers={"location": "http://10.0.0.5/secret"})
        return httpx.Response(200, content=b"<html><body><p>secret</p></body></html>")

    with Fetcher(POLICY, transport=httpx.MockTransport(answer)) as client:
        got = gather([f"{public}/feed.xml", f"{public}/go"], client)
        assert got.articles == [] and got.failed == 2
        assert all("refused" in str(p) for p in got.problems)
        assert asked == [f"{public}/feed.xml", f"{public}/go"]
        assert client.get("http://127.0.0.1:9/page").status == 200  # an operator may name a local address
