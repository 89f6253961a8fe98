"""One-click unsubscribe (RFC 8058, EMAIL.md U3-U4) against the real endpoint on 127.0.0.1:
POST unsubscribes with 200 and no redirect, GET never changes anything, forged tokens fail."""

from __future__ import annotations

import httpx
import pytest

from digest.mail import unsubscribe
from digest.mail.endpoint import Endpoint, make_app
from digest.mail.subscribers import SubscriberBook
from issues import NOW, SETTINGS

SECRET = b"0123456789abcdef-test-secret"
LIST = unsubscribe.list_id(SETTINGS)


@pytest.fixture
def endpoint(tmp_path):
    store = tmp_path / "store.sqlite"
    with SubscriberBook(store) as book:
        ada, cy = book.add("ada@example.org", NOW), book.add("cy@example.org", NOW)
    with Endpoint(make_app(SETTINGS, store, SECRET, clock=lambda: NOW), SETTINGS, "127.0.0.1", 0) as server:
        base = f"http://127.0.0.1:{server.address[1]}/unsubscribe"
        with httpx.Client(base_url=base, follow_redirects=False, timeout=5) as client:
            yield client, store, ada, cy


def status(store, address: str) -> str:
    with SubscriberBook(store) as book:
        return book.get(address).status


def test_post_unsubscribes_once_and_never_redirects(endpoint):
    client, store, ada, cy = endpoint
    token = unsubscribe.sign(ada.key, SECRET, LIST)
    for _ in range(2):  # a repeated POST (mail providers retry) is harmless
        reply = client.post(f"/{token}", data={"List-Unsubscribe": "One-Click"})
        assert reply.status_code == 200 and "location" not in reply.headers
        assert "You will not receive AI in Entertainment Weekly any more." in reply.text
    assert (status(store, "ada@example.org"), status(store, "cy@example.org")) == ("unsubscribed", "active")
    multipart = client.post(f"/{unsubscribe.sign(cy.key, SECRET, LIST)}",
                            files={"List-Unsubscribe": (None, "One-Click")})
    assert multipart.status_code == 200 and status(store, "cy@example.org") == "unsubscribed"


def test_get_and_head_change_nothing(endpoint):
    client, store, ada, _ = endpoint
    token = unsubscribe.sign(ada.key, SECRET, LIST)
    page = client.get(f"/{token}")
    assert page.status_code == 200 and '<form method="post">' in page.text and "ada@" not in page.text
    assert client.head(f"/{token}").status_code == 200
    assert status(store, "ada@example.org") == "active" and page.headers["cache-control"] == "no-store"


def test_forged_tampered_and_foreign_tokens_fail(endpoint):
    client, store, ada, _ = endpoint
    good = unsubscribe.sign(ada.key, SECRET, LIST)
    tampered = good[:-1] + ("A" if good[-1] != "A" else "B")
    forged = unsubscribe.sign(ada.key, b"another secret, not ours!", LIST)
    other_list = unsubscribe.sign(ada.key, SECRET, "list.other.example")
    unknown = unsubscribe.sign("no-such-key", SECRET, LIST)
    for token in (tampered, forged, other_list, ada.key, "", "a.b"):
        assert client.post(f"/{token}", data={"List-Unsubscribe": "One-Click"}).status_code in (400, 404)
    assert client.post(f"/{unknown}").status_code == 400
    assert client.post(f"/{good}/extra").status_code == 404
    assert raw_post(client, f"/unsubscribe/../unsubscribe/{good}") in (400, 404)  # sent as written, not normalised
    assert status(store, "ada@example.org") == "active"


def test_the_general_link_of_the_web_page_explains_and_changes_nothing(endpoint):
    """The archive's web page carries the general link (never anyone's own): it answers with a page, not 404."""
    client, store, _, _ = endpoint
    for path in ("", "/"):
        page = client.get(path)
        assert page.status_code == 200 and "use the unsubscribe link at the bottom of an issue" in page.text
        assert client.head(path).status_code == 200
        assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 400
    assert status(store, "ada@example.org") == "active" and status(store, "cy@example.org") == "active"


def raw_post(client, path: str) -> int:
    """POST a path exactly as written (httpx would resolve "..") and return the status code."""
    import http.client

    url = client.base_url
    connection = http.client.HTTPConnection(url.host, url.port, timeout=10)
    try:
        connection.request("POST", path, body="List-Unsubscribe=One-Click",
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
        return connection.getresponse().status
    finally:
        connection.close()


def test_tokens_are_opaque_and_the_secret_is_required():  # U3
    token = unsubscribe.sign("k3y", SECRET, LIST)
    assert unsubscribe.verify(token, SECRET, LIST) == "k3y" and len(token.split(".")[1]) == 22  # 128 bits
    link = unsubscribe.link(SETTINGS, "k3y", SECRET)
    assert link == f"https://news.example.com/unsubscribe/{token}"
    with pytest.raises(unsubscribe.UnsubscribeError, match="DIGEST_UNSUBSCRIBE_SECRET .* 16 or more characters"):
        unsubscribe.secret_from(SETTINGS, {"DIGEST_UNSUBSCRIBE_SECRET": "short"})
    assert unsubscribe.secret_from(SETTINGS, {"DIGEST_UNSUBSCRIBE_SECRET": "x" * 16}) == b"x" * 16
