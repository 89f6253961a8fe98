"""``digest preview``: the editor's desk, a local web page over this week's issue (``digest.desk``).

Serves on loopback unless ``--host`` says otherwise (then it warns: anyone who can reach that
address sees the issue; changes still need the page's session token). Stops with Ctrl-C.
"""

from __future__ import annotations

import argparse

from digest.commands import config_option, console, moment, week
from digest.errors import DigestError

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def add_commands(commands) -> None:
    preview = commands.add_parser("preview", help="the editor's desk: preview, correct and approve the issue")
    config_option(preview)
    preview.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    preview.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    preview.add_argument("--no-open", action="store_true", help="do not open the page in a browser")
    preview.add_argument("--week", type=week, help="a stored week, e.g. 2025-W30 (default: this week's issue)")
    preview.add_argument("--now", type=moment, help="the desk's clock, ISO 8601 (for reproducible builds)")
    preview.set_defaults(command=_preview)


def _preview(args: argparse.Namespace) -> int:
    import secrets
    import socket
    import threading
    import webbrowser

    import uvicorn

    from digest.desk.app import LOOPBACK as HOSTS, create_app
    from digest.desk.state import Desk

    err = console()
    desk = Desk(args.config, week=args.week, now=args.now)
    hosts = HOSTS if args.host in LOOPBACK else (*HOSTS, args.host)
    if args.host in ("0.0.0.0", "::"):  # every interface: answer to this machine's names, nothing else
        hosts = (*HOSTS, socket.gethostname(), socket.getfqdn())
    if args.host not in LOOPBACK:
        err.print(f"[yellow]warning[/yellow] listening on {args.host}, not loopback: anyone who can reach it can "
                  "read the issue (changes still need this session's token)", markup=True)
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as error:
        sock.close()
        raise DigestError(f"cannot listen on {args.host}:{args.port}: {error.strerror or error} "
                          "(another program uses it? pass --port N, or --port 0 for any free one)") from None
    port = sock.getsockname()[1]
    shown = f"[{args.host}]" if family == socket.AF_INET6 else args.host
    url = f"http://{'127.0.0.1' if args.host == '0.0.0.0' else shown}:{port}/"
    app = create_app(desk, secrets.token_urlsafe(32), hosts)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2, lifespan="on"))
    print(f"Editor's desk for {desk.week} on {url} (Ctrl-C stops it)", flush=True)
    if not args.no_open:
        threading.Timer(1.0, webbrowser.open, [url]).start()
    server.run(sockets=[sock])
    return 0
