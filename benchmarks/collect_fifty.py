"""Fifty feeds on 127.0.0.1, twice: how long collection takes and what the second run costs.

    python3 benchmarks/collect_fifty.py [--feeds 50] [--items 20] [--teaser-feeds 10] [--delay 0.05]

Each feed has ``--items`` items of ~200 words; ``--teaser-feeds`` of them carry one-sentence
teasers whose article pages (generated HTML with navigation and footer) must be fetched. Every
answer is delayed by ``--delay`` seconds to stand in for a remote host. The first run fetches
everything; the second, on unchanged feeds, should cost one 304 per feed and no page.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest.config import FeedSource, FetchSettings, Sources  # noqa: E402
from digest.sources import flatten, gather  # noqa: E402
from digest.sources.fetch import Fetcher, make_client  # noqa: E402
from digest.sources.pages import PageReader  # noqa: E402
from digest.store import Store  # noqa: E402

NOW = datetime(2025, 7, 20, 8, tzinfo=timezone.utc)
WORDS = ("studio actors model voice dubbing release audience trailer union contract streaming scene "
         "festival camera editor budget screen animation music label").split()


def sentence(feed: int, item: int, n: int) -> str:
    words = [WORDS[(feed * 7 + item * 3 + n + k) % len(WORDS)] for k in range(18)]
    return f"Item {item} of feed {feed} says the " + " ".join(words) + f" changed in week {n}."


def feed_xml(base: str, feed: int, items: int, teaser: bool) -> bytes:
    entries = []
    for item in range(items):
        body = sentence(feed, item, 0) if teaser else "".join(f"<p>{sentence(feed, item, n)}</p>" for n in range(9))
        date = (NOW - timedelta(hours=feed + item * 5)).strftime("%a, %d %b %Y %H:%M:%S GMT")
        entries.append(f"<item><title>Story {item} from feed {feed}</title><link>{base}/page/{feed}/{item}</link>"
                       f"<pubDate>{date}</pubDate><description><![CDATA[{body}]]></description></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed {feed}</title>'
            + "".join(entries) + "</channel></rss>").encode()


def page_html(feed: int, item: int) -> bytes:
    paragraphs = "".join(f"<p>{sentence(feed, item, n)}</p>" for n in range(10))
    return (f"<html><head><title>Story {item}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>Story {item} from feed {feed}</h1>{paragraphs}</article>"
            "<footer>Subscribe to our newsletter</footer></body></html>").encode()


def serve(args) -> tuple[ThreadingHTTPServer, list[int]]:
    statuses: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            time.sleep(args.delay)
            parts = self.path.strip("/").split("/")
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if parts[0] == "feed":
                feed = int(parts[1])
                body, kind = feed_xml(base, feed, args.items, feed < args.teaser_feeds), "application/rss+xml"
            else:
                body, kind = page_html(int(parts[1]), int(parts[2])), "text/html; charset=utf-8"
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            status = 304 if self.headers.get("If-None-Match") == etag else 200
            statuses.append(status)
            self.send_response(status)
            self.send_header("ETag", etag)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", "0" if status == 304 else str(len(body)))
            self.end_headers()
            if status == 200:
                self.wfile.write(body)

        def log_message(self, *a):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, statuses


def run(sources: Sources, store: Store, settings: FetchSettings) -> tuple[float, int]:
    started = time.perf_counter()
    with make_client(settings) as http:
        fetcher = Fetcher(http, settings, cache=store)
        reports = gather(sources, fetcher, PageReader(fetcher, store, lambda: NOW), settings.concurrency,
                         settings.teaser_words)
    return time.perf_counter() - started, len(flatten(reports)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--teaser-feeds", type=int, default=10)
    parser.add_argument("--delay", type=float, default=0.05)
    args = parser.parse_args()
    httpd, statuses = serve(args)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    sources = Sources(feeds=[FeedSource(url=f"{base}/feed/{n}") for n in range(args.feeds)])
    settings = FetchSettings()
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "store.sqlite") as store:
        for label in ("first run", "second run (unchanged)"):
            before = len(statuses)
            seconds, articles = run(sources, store, settings)
            answers = statuses[before:]
            print(f"{label}: {seconds:.2f} s, {articles} articles, {len(answers)} requests "
                  f"({answers.count(200)} × 200, {answers.count(304)} × 304)")
    httpd.shutdown()


if __name__ == "__main__":
    main()
