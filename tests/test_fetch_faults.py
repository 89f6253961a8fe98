"""Issue 17 cases 4 and 5 against real HTTP servers on 127.0.0.1 (and 127.0.0.2, the "internal"
one): a feed trickled a byte at a time ends at the deadline; links inside a feed that point at a
non-public address (directly, by a name that resolves to one, or through a redirect) are never
fetched, while the feed the editor configured and links on its own host are."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from digest.cli import main
from digest.config import FetchSettings
from digest.errors import FetchError
from digest.sources.feed import read_feed
from digest.sources.fetch import Fetcher, make_client
from digest.sources.guard import is_public
from digest.sources.pages import PageReader
from feed_server import FeedServer

SETTINGS = FetchSettings(timeout_seconds=1, retries=0, backoff_seconds=0, teaser_words=40)
ADMIN = b"<html><body><article><h1>Internal admin</h1><p>" + b"INTERNAL ADMIN secret token 1234. " * 30 + \
        b"</p></article></body></html>"
PAGE = b"<html><body><article><h1>Studio AI</h1><p>" + b"The studio said its AI dubbing tool ships in May. " * 20 + \
       b"</p></article></body></html>"


def item(n: int, link: str) -> str:
    return (f"<item><title>Story {n} on AI dubbing</title><link>{link}</link><guid>s{n}</guid>"
            f"<pubDate>Fri, 18 Jul 2025 10:0{n}:00 GMT</pubDate><description>A teaser.</description></item>")


@pytest.fixture
def servers():
    with FeedServer() as public, FeedServer("127.0.0.2") as internal:
        internal.extra["/admin"] = (200, ADMIN, "text/html; charset=utf-8", {})
        port = internal.base.rsplit(":", 1)[1]
        public.extra["/page"] = (200, PAGE, "text/html; charset=utf-8", {})
        public.extra["/to-internal"] = (302, b"", None, {"Location": f"{internal.base}/admin"})
        links = [f"{internal.base}/admin", f"http://localhost:{port}/admin", "{base}/to-internal", "{base}/page"]
        feed = "<rss version='2.0'><channel><title>Teasers</title>" + "".join(
            item(n, link) for n, link in enumerate(links)) + "</channel></rss>"
        public.extra["/feeds/internal.xml"] = (200, feed.encode(), "application/rss+xml", {})
        yield public, internal


def test_links_to_non_public_addresses_are_never_fetched(servers):  # case 5
    public, internal = servers
    with make_client(SETTINGS) as client:
        fetcher = Fetcher(client, SETTINGS)
        now = datetime(2025, 7, 20, tzinfo=timezone.utc)
        report = read_feed(public.url("/feeds/internal.xml"), fetcher, pages=PageReader(fetcher, None, lambda: now),
                           teaser_words=SETTINGS.teaser_words)
    assert internal.log == []  # not one request reached the internal server
    problems = [p.what for p in report.problems]
    assert len(problems) == 3 and all("non-public address (127.0.0." in p for p in problems), problems
    assert ("/to-internal", 302) in public.requests()  # the redirect on the feed's host was followed, then refused
    texts = " ".join(a.text for a in report.articles)
    assert "INTERNAL ADMIN" not in texts and "ships in May" in texts  # the own-host page was read


def test_a_feed_the_editor_configured_may_be_internal(servers):
    _, internal = servers
    internal.extra["/feeds/intranet.xml"] = (200, b"<rss version='2.0'><channel><title>Intranet</title>"
                                             + item(1, "{base}/admin").encode() + b"</channel></rss>",
                                             "application/rss+xml", {})
    with make_client(SETTINGS) as client:
        fetcher = Fetcher(client, SETTINGS)
        now = datetime(2025, 7, 20, tzinfo=timezone.utc)
        report = read_feed(internal.url("/feeds/intranet.xml"), fetcher, pages=PageReader(fetcher, None, lambda: now),
                           teaser_words=SETTINGS.teaser_words)
    assert report.problems == () and "INTERNAL ADMIN" in report.articles[0].text  # its own host: allowed
    assert [path for path, _ in internal.requests()] == ["/feeds/intranet.xml", "/admin"]


def test_a_run_with_the_internal_page_feed_mails_nothing_internal(servers, tmp_path):  # case 5, end to end
    public, internal = servers
    config = tmp_path / "config.yaml"
    config.write_text(f"sources:\n  feeds:\n    - url: {public.url('/feeds/internal.xml')}\nfetch:\n  teaser_words: 40\n"
                      "  retries: 0\ntopic:\n  include: [dubbing]\n", encoding="utf-8")
    assert main(["run", "--config", str(config), "--now", "2025-07-20T08:00:00+00:00"]) == 0
    folder = tmp_path / "out" / "2025-W29"
    written = b"".join((folder / name).read_bytes() for name in ("digest.html", "digest.txt", "digest.eml"))
    assert internal.log == [] and b"INTERNAL ADMIN" not in written and b"INTERNAL ADMIN" not in (
        tmp_path / "digest.sqlite").read_bytes()
    assert "non-public address" in (folder / "notes.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("route", ["/trickle-body", "/trickle-head"])
def test_a_trickled_feed_ends_at_the_deadline(route):  # case 4 (feed)
    with FeedServer() as server, make_client(SETTINGS) as client:
        with pytest.raises(FetchError) as caught:
            Fetcher(client, SETTINGS).get(server.url(route))
    assert caught.value.what == "timed out" and "1 s deadline" in caught.value.hint
    assert server.trickled < 60  # cut off after about 1 s of 0.1 s bytes, not left to run on


@pytest.mark.parametrize("address, public", [
    ("93.184.216.34", True), ("2606:2800:220:1::1", True), ("127.0.0.1", False), ("10.1.2.3", False),
    ("172.16.0.1", False), ("192.168.1.1", False), ("169.254.169.254", False), ("100.64.0.1", False),
    ("224.0.0.251", False), ("0.0.0.0", False), ("::1", False), ("fe80::1", False), ("fd00::1", False),
    ("::ffff:127.0.0.1", False), ("ff02::1", False)])
def test_public_addresses(address, public):
    assert is_public(address) is public
