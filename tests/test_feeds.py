"""Feeds, HTTP and article pages against a real HTTP server on 127.0.0.1 serving the fixture corpus."""

from datetime import datetime, timezone

import pytest

from digest.config import FetchSettings
from digest.sources import gather_paths, read_feed
from digest.sources.fetch import Fetcher, make_client
from digest.sources.pages import PageReader
from digest.store import Store
from tests.feed_server import FIXTURES, FeedServer

NOW = datetime(2025, 7, 20, 8, tzinfo=timezone.utc)
SETTINGS = FetchSettings(timeout_seconds=0.5, retries=2, backoff_seconds=0.01, max_bytes=128 * 1024,
                         teaser_words=25, user_agent="digest-test/1.0 (+https://news.example.com/about)")


@pytest.fixture(scope="module")
def server():
    with FeedServer() as running:
        yield running


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "store.sqlite") as opened:
        yield opened


@pytest.fixture(scope="module")
def http():
    with make_client(SETTINGS) as client:
        yield client


@pytest.fixture
def fetcher(http, store):
    return Fetcher(http, SETTINGS, cache=store, sleep=lambda seconds: None)


def read(server, fetcher, store, path):
    pages = PageReader(fetcher, store, lambda: NOW)
    return read_feed(server.url(path), fetcher, pages=pages, teaser_words=SETTINGS.teaser_words)


@pytest.mark.parametrize("path, outlet, title, published, author", [
    ("/feeds/rss091.xml", "Old Reel", "Voice actors test an AI dubbing tool for a studio", None, None),
    ("/feeds/rss10.rdf", "RDF Screen News", "A record label signs a licence for an AI music model",
     datetime(2025, 7, 16, 7, 30, tzinfo=timezone.utc), "Ana Ruiz"),
    ("/feeds/atom.xml", "Frame Rate", "Game studio uses AI to voice background characters",
     datetime(2025, 7, 18, 16, tzinfo=timezone.utc), "Sam Lee"),
    ("/feeds/jsonfeed.json", "Pixel Post", "An animation studio adds AI in-betweening to its pipeline",
     datetime(2025, 7, 17, 8, tzinfo=timezone.utc), "Kim Park"),
])
def test_every_feed_format(server, fetcher, store, path, outlet, title, published, author):
    report = read(server, fetcher, store, path)
    assert report.problems == () and report.status == "ok"
    (article,) = report.articles
    assert (article.outlet, article.title, article.published, article.author) == (outlet, title, published, author)
    assert article.url and article.url.startswith("https://") and article.source == server.url(path)
    assert article.published is None or article.published.tzinfo is not None
    assert len(article.text.split()) >= 60 and "<" not in article.text


def test_teaser_items_get_their_page_text_once(server, fetcher, store):
    first = read(server, fetcher, store, "/feeds/teaser.xml")
    trailers, scripts, gone = first.articles
    assert trailers.url == "https://trade.example/2025/07/ai-trailers"  # the page's canonical URL
    assert "based on what that viewer has watched before" in trailers.text
    assert trailers.author == "Jo Martin" and trailers.outlet == "Trade Brief"
    assert not any(junk in trailers.text for junk in ("Share this article", "All rights reserved", "Home", "Sign up"))
    assert "no decision about a script is made by the software alone" in scripts.text
    assert "trackPageView" not in scripts.text
    # a page that is gone: the teaser is kept and the problem says so
    assert gone.text == "This teaser is all that is left of a removed page."
    assert [str(p) for p in first.problems] == [f"{server.url('/feeds/teaser.xml')} item 3: article page "
                                                f"{server.url('/status/404')}: HTTP 404 (the feed's teaser is kept)"]
    before = len(server.requests("/pages/")), len(server.requests("/status/404"))
    again = read(server, fetcher, store, "/feeds/teaser.xml")
    # extracted once and kept in the store; a gone page is remembered too
    assert (len(server.requests("/pages/")), len(server.requests("/status/404"))) == before
    assert again.articles == first.articles and again.problems == first.problems and store.page_count() == 3


def test_outlet_comes_from_the_feed_else_the_page_else_the_host(server, fetcher, store):
    report = read(server, fetcher, store, "/feeds/untitled.xml")
    page, long = report.articles
    assert (page.outlet, "outlet" in page.inferred) == ("Trade Brief", False)
    assert (long.outlet, "outlet" in long.inferred) == ("nohost.example", True)
    assert report.inferred == "outlet from the article page or host name"


def test_conditional_get_costs_one_304_and_gives_the_same_articles(server, fetcher, store):
    first = read(server, fetcher, store, "/feeds/atom.xml")
    second = read(server, fetcher, store, "/feeds/atom.xml")
    assert [status for _, status in server.requests("/feeds/atom.xml")][-2:] == [200, 304]
    assert (first.status, second.status) == ("ok", "not modified (304)")
    assert second.articles == first.articles


def test_script_tags_and_javascript_links_never_reach_the_text(server, fetcher, store):
    (article,) = read(server, fetcher, store, "/feeds/active.xml").articles
    text = article.title + article.text
    for active in ("script", "document.cookie", "javascript", "alert", "steal", "evil.example", "display:none"):
        assert active not in text
    assert "The director said the tools cut the budget to a tenth of a normal short." in text


@pytest.mark.parametrize("path, what", [
    ("/feeds/malformed.xml", "feed has errors, read what could be read: <unknown>:2:"),
    ("/feeds/html-page.xml", "an HTML page, not a feed"),
    ("/feeds/empty.xml", "feed has no items"),
    ("/feeds/entity-bomb.xml", "feed refused: entity lol1 refers to other entities (entity expansion)"),
    ("/feeds/external-entity.xml", "feed refused: entity secret is external (SYSTEM)"),
    ("/status/404", "HTTP 404"),
    ("/status/500", "HTTP 500 (after 3 attempts)"),
    ("/slow", "timed out (after 3 attempts)"),
    ("/loop", "too many redirects"),
    ("/big", "body is over the 128 KB limit"),
])
def test_bad_feeds_give_one_line_problems(server, fetcher, store, path, what):
    report = read(server, fetcher, store, path)
    assert report.articles == ()
    assert report.problems[0].what.startswith(what) and report.problems[0].where == server.url(path)
    assert report.problems[0].hint and "\n" not in str(report.problems[0])


def test_a_harmless_internal_entity_is_read(server, fetcher, store):
    report = read(server, fetcher, store, "/feeds/internal-entity.xml")
    (article,) = report.articles
    assert report.problems == ()
    assert article.title == "Northlight Pictures tests an AI tool for storyboards"
    assert "Text © Northlight Pictures 2025." in article.text


def test_an_entity_declaration_inside_cdata_is_content_not_a_declaration(server, fetcher, store):
    report = read(server, fetcher, store, "/feeds/cdata-entity.xml")
    (article,) = report.articles
    assert report.problems == ()
    assert '<!ENTITY lol "lol">' in article.text


@pytest.mark.parametrize("path, outlet", [("/feeds/latin1-no-charset.xml", "Café Cinéma"),
                                          ("/feeds/wrong-charset.xml", "Wrong Label")])
def test_wrong_or_missing_charset_is_read_and_reported(server, fetcher, store, path, outlet):
    report = read(server, fetcher, store, path)
    (article,) = report.articles
    assert article.outlet == outlet and article.text.startswith("Café cinemas in Paris")
    assert "naïve" in article.text and "Ã" not in article.text
    assert [p.what for p in report.problems] == [
        "feed has errors, read what could be read: document declared as utf-8, but parsed as Windows-1252"]


def test_5xx_is_retried_with_backoff_and_4xx_is_not(server, http, store):
    waits = []
    fetcher = Fetcher(http, SETTINGS, cache=store, sleep=waits.append)
    flaky = read_feed(server.url("/flaky"), fetcher)
    assert len(flaky.articles) == 1 and flaky.problems == ()
    assert waits == [0.01]
    read_feed(server.url("/status/500"), fetcher)
    assert waits == [0.01, 0.01, 0.02]
    read_feed(server.url("/status/404"), fetcher)
    assert waits == [0.01, 0.01, 0.02]


def test_every_request_names_the_client(server, fetcher, store):
    read(server, fetcher, store, "/moved")
    assert {agent for _, _, agent in server.log} == {SETTINGS.user_agent}


def test_feeds_are_read_concurrently_in_order(server, fetcher):
    paths = [server.url(p) for p in ("/slow", "/feeds/atom.xml", "/slow", "/feeds/rss10.rdf")]
    fast = SETTINGS.model_copy(update={"retries": 0})
    reports = gather_paths(paths, Fetcher(fetcher.client, fast), concurrency=4)
    assert [r.location for r in reports] == paths  # config order, whatever finishes first
    assert [len(r.articles) for r in reports] == [0, 1, 0, 1]


def test_feed_file_path():
    report = read_feed(str(FIXTURES / "feeds" / "atom.xml"), None)
    assert [a.title for a in report.articles] == ["Game studio uses AI to voice background characters"]


def test_a_feed_file_obeys_the_configured_size_cap(tmp_path, fetcher):
    path = tmp_path / "large.xml"
    path.write_bytes(b"<rss><channel>" + b" " * (SETTINGS.max_bytes + 1) + b"</channel></rss>")
    report = read_feed(str(path), fetcher)
    assert report.articles == () and report.problems[0].what == "feed file is 128 KB, over the 128 KB limit"


def test_a_feed_of_thousands_of_tiny_items_is_read_completely(tmp_path):
    """benchmarks/feed_items.py times such feeds; here every item must come out, in feed order."""
    import sys

    sys.path.insert(0, str(FIXTURES.parent.parent.parent / "benchmarks"))
    from feed_items import write_feed

    write_feed(tmp_path / "wire.xml", 3000, on_topic=0.05)
    report = read_feed(str(tmp_path / "wire.xml"), None, "wire")
    assert report.status == "ok" and not report.problems
    assert len(report.articles) == len({a.id for a in report.articles}) == 3000
    assert [a.url for a in report.articles] == [f"https://wire.example/{n}" for n in range(3000)]
    assert all(a.published and a.blocks for a in report.articles)
