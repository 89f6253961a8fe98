"""Issue 17 case 8 against the real endpoint (Starlette under uvicorn on 127.0.0.1): a thousand idle
connections and a trickled request do not stop genuine requests and are closed; Content-Length -1
and oversized bodies change nothing; a one-click POST waits for a locked store instead of dropping."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time

import httpx
import pytest

from digest.config import UnsubscribeSettings
from digest.mail import unsubscribe
from digest.mail.endpoint import MAX_BODY, Endpoint, make_app
from digest.mail.subscribers import SubscriberBook
from issues import NOW, SETTINGS

SECRET = b"0123456789abcdef-test-secret"
LIMITS = SETTINGS.model_copy(update={"unsubscribe": UnsubscribeSettings(idle_seconds=1, write_patience=30)})


@pytest.fixture
def endpoint(tmp_path):
    store = tmp_path / "store.sqlite"
    with SubscriberBook(store) as book:
        keys = [book.add(f"reader{n}@example.org", NOW).key for n in range(3)]
    app = make_app(LIMITS, store, SECRET, clock=lambda: NOW, busy_timeout=0.2)
    with Endpoint(app, LIMITS, "127.0.0.1", 0) as server:
        yield server.address, store, [unsubscribe.sign(k, SECRET, unsubscribe.list_id(LIMITS)) for k in keys]


def status(store, n: int) -> str:
    with SubscriberBook(store) as book:
        return book.get(f"reader{n}@example.org").status


def closed_by_server(connection: socket.socket, within: float = 10) -> bool:
    connection.settimeout(within)
    try:
        while connection.recv(4096):
            pass
        return True
    except (TimeoutError, socket.timeout):
        return False
    except ConnectionResetError:
        return True


def test_a_thousand_idle_connections_do_not_stop_genuine_requests(endpoint):
    (host, port), store, tokens = endpoint
    idle = [socket.create_connection((host, port)) for _ in range(1000)]
    slow = socket.create_connection((host, port))
    slow.sendall(b"POST /unsubscribe/")  # a request line that never ends
    try:
        with httpx.Client(base_url=f"http://{host}:{port}/unsubscribe", timeout=10) as client:
            assert client.get(f"/{tokens[0]}").status_code == 200
            assert client.post(f"/{tokens[0]}", data={"List-Unsubscribe": "One-Click"}).status_code == 200
        assert status(store, 0) == "unsubscribed"
        assert closed_by_server(slow) and closed_by_server(idle[0]) and closed_by_server(idle[-1])
    finally:
        for connection in (*idle, slow):
            connection.close()


def raw(address, head: bytes, body: bytes = b"") -> bytes:
    with socket.create_connection(address, timeout=10) as connection:
        connection.sendall(head + body)
        reply = b""
        while chunk := connection.recv(65536):
            reply += chunk
        return reply


def test_a_negative_or_oversized_content_length_changes_nothing(endpoint):
    address, store, tokens = endpoint
    head = (f"POST /unsubscribe/{tokens[1]} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n")
    assert raw(address, (head + "Content-Length: -1\r\n\r\n").encode(), b"List-Unsubscribe=One-Click").startswith(
        b"HTTP/1.1 400")
    big = b"x" * (MAX_BODY + 1)
    assert raw(address, (head + f"Content-Length: {len(big)}\r\n\r\n").encode(), big).startswith(b"HTTP/1.1 413")
    chunked = (head + "Transfer-Encoding: chunked\r\n\r\n").encode() + f"{len(big):x}\r\n".encode() + big + b"\r\n0\r\n\r\n"
    assert raw(address, chunked).startswith(b"HTTP/1.1 413")
    huge_head = (head.replace(tokens[1], tokens[0]) + "X-Filler: " + "y" * 100_000 + "\r\nContent-Length: 0\r\n\r\n").encode()
    assert raw(address, huge_head).startswith(b"HTTP/1.1 4")
    assert status(store, 1) == "active"


def test_a_one_click_post_waits_for_a_locked_store(endpoint):
    (host, port), store, tokens = endpoint
    locked = threading.Event()

    def hold() -> None:
        db = sqlite3.connect(store, isolation_level=None)
        db.execute("BEGIN EXCLUSIVE")
        locked.set()
        time.sleep(2)  # ten times the endpoint's busy timeout
        db.execute("COMMIT")
        db.close()

    holder = threading.Thread(target=hold)
    holder.start()
    locked.wait(5)
    reply = httpx.post(f"http://{host}:{port}/unsubscribe/{tokens[2]}", data={"List-Unsubscribe": "One-Click"},
                       timeout=30)
    holder.join()
    assert reply.status_code == 200 and status(store, 2) == "unsubscribed"
