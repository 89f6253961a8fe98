"""The editor's desk end to end: a real ``digest preview`` process (uvicorn on 127.0.0.1), real
headless Chromium (one for the module), a real relay (aiosmtpd) for the test send, real files.

The tests run in order on one desk: look, toggle, edit a template (and break it), exclude a story,
approve, change a source; the safety tests use plain HTTP against the same server.
"""

from __future__ import annotations

import http.client
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import time
from email import policy
from email.parser import BytesParser
from pathlib import Path

import httpx
import pytest

from digest.store import Store
from mailserver import Inbox, MailServer, make_certificate
from tests.conftest import ROOT, SEEDS
from tests.test_email_browser import ARGS, BACKGROUNDS, CHROMIUM, light_backgrounds

WEEK = "2025-W29"
NOW = "2025-07-20T08:00:00+00:00"
SECRET = "a-long-enough-secret-for-tests"
SPOTIFY = """Spotify tests AI playlists for music fans

Spotify said its generative AI playlist tool reached 10 million music listeners in July, the streaming company said.

The company will expand the AI DJ feature to 50 markets, which signals a shift in music discovery for listeners.

Revenue from the music feature grew in the quarter, Spotify told investors on its earnings call.
"""
EVIL = """---
title: <script>document.title='pwned'</script><img src=x onerror="document.title='pwned'">Hospital budgets
---
The hospital board approved a new budget for radiology. Nurses will get new schedules next month.
"""
FOOTER = """() => [...document.querySelectorAll('.foot [class*=mj-column-per]')].map(e => {
  const r = e.getBoundingClientRect(); return {left: r.left, top: r.top, bottom: r.bottom, width: r.width}; })"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    folder = tmp_path_factory.mktemp("desk")
    shutil.copytree(SEEDS, folder / "seeds")
    (folder / "seeds" / "spotify.txt").write_text(SPOTIFY, encoding="utf-8")
    (folder / "seeds" / "evil.md").write_text(EVIL, encoding="utf-8")  # off topic: shown in the why panel
    (folder / "templates").mkdir()
    cert = make_certificate(folder)
    inbox = Inbox()
    with MailServer(inbox, cert) as relay:
        (folder / "config.yaml").write_text(
            "# SECRET-MARKER: this file must not be readable through the desk\n"
            "sources:\n  folders:\n    - path: seeds\n"
            "email:\n  templates: templates\n  editor_address: ed@example.org\n"
            f"  smtp:\n    host: 127.0.0.1\n    port: {relay.port}\n    ca_file: {cert[0]}\n    retry_delay: 0\n"
            "schedule:\n  send_policy: approve\n", encoding="utf-8")
        yield folder, inbox


@pytest.fixture(scope="module")
def desk(project):
    folder, _ = project
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DIGEST_UNSUBSCRIBE_SECRET": SECRET}
    process = subprocess.Popen([sys.executable, "-m", "digest", "preview", "--config", str(folder / "config.yaml"),
                                "--port", "0", "--no-open", "--now", NOW], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        ready, _, _ = select.select([process.stdout], [], [], 60)
        line = process.stdout.readline() if ready else ""
        url = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert url, f"no URL from digest preview: {line!r}"
        _wait_up(url.group())
        yield url.group().rstrip("/")
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="module")
def page(desk):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); the desk's browser tests need it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        tab = browser.new_page(viewport={"width": 1200, "height": 900})
        tab.set_default_timeout(30_000)
        tab.goto(desk + "/")
        yield tab
        browser.close()


def _wait_up(url: str) -> None:
    for _ in range(300):
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} never answered")


def _idle(desk: str) -> None:
    for _ in range(600):
        if not httpx.get(desk + "/version").json()["building"]:
            return
        time.sleep(0.1)
    raise AssertionError("the desk kept building")


def _frame(page):
    return page.frame_locator("#email")


def _reloaded(page, before: str) -> None:
    page.wait_for_function(f"() => document.body && document.body.dataset.version !== {before!r}")
    page.wait_for_load_state()


def _version(page) -> str:
    return page.evaluate("() => document.body.dataset.version")


def _dry_run(folder: Path, desk: str) -> str:
    _idle(desk)  # a send (dry or not) during a desk build is refused as busy (exit 75), by design
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DIGEST_UNSUBSCRIBE_SECRET": SECRET}
    done = subprocess.run([sys.executable, "-m", "digest", "send", "--config", str(folder / "config.yaml"), "--dry-run"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_page_shows_the_issue_as_it_will_be_sent(page, desk, project):
    from playwright.sync_api import expect

    folder, _ = project
    expect(page.locator("#subject")).to_contain_text("AI in Entertainment Weekly")
    assert "of Gmail's 102 KB clip (104,448 bytes)" in page.locator("#size").inner_text()
    assert re.search(r"\d+ min", page.locator("#read-time").inner_text())
    expect(_frame(page).locator("body")).to_contain_text("Spotify")
    served = httpx.get(f"{desk}/issue/{WEEK}/email.html").content
    assert served == (folder / "out" / WEEK / "digest.html").read_bytes()  # the bytes `send` sends
    assert "allow-scripts" not in page.locator("#email").get_attribute("sandbox")
    assert "script-src 'self'" in httpx.get(desk + "/").headers["content-security-policy"]
    assert "sandbox" in httpx.get(f"{desk}/issue/{WEEK}/email.html").headers["content-security-policy"]


def test_feed_content_cannot_run_script_in_the_desk(page):
    off_topic = page.locator("#why li", has_text="Hospital budgets").first
    assert "<script>document.title='pwned'</script>" in off_topic.inner_text()  # shown as text
    assert page.title() != "pwned" and "Feature it" in off_topic.inner_text()


def test_the_preview_for_a_subscriber_is_the_message_send_writes(desk, project):
    folder, _ = project
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DIGEST_UNSUBSCRIBE_SECRET": SECRET}
    config = ("--config", str(folder / "config.yaml"))
    subprocess.run([sys.executable, "-m", "digest", "subscribers", "add", "bea@example.org", *config], env=env,
                   check=True, capture_output=True, timeout=60)
    _dry_run(folder, desk)
    eml = next((folder / "out" / WEEK / "outbox").glob("*bea@example.org.eml"))
    message = BytesParser(policy=policy.default).parsebytes(eml.read_bytes())
    sent = message.get_body(("html",)).get_content().replace("\r\n", "\n").rstrip("\n")
    shown = httpx.get(f"{desk}/issue/{WEEK}/email.html", params={"to": "bea@example.org"}).text
    assert shown.rstrip("\n") == sent and "/unsubscribe/" in sent  # byte for byte, bar the wire's CRLF
    assert httpx.get(f"{desk}/issue/{WEEK}/email.html", params={"to": "nobody@example.org"}).status_code == 404


def test_phone_width_stacks_the_layout(page):
    desktop = _frame(page).locator("body").evaluate(f"() => ({FOOTER})()")
    page.click("#toggles button[data-width=phone]")
    page.wait_for_function("() => document.getElementById('email').getBoundingClientRect().width <= 380")
    phone = _frame(page).locator("body").evaluate(f"() => ({FOOTER})()")
    (left, right), (top, bottom) = desktop, phone
    assert left["top"] == right["top"] and right["left"] > left["left"]  # side by side at 800 px
    assert bottom["top"] >= top["bottom"] and top["width"] == bottom["width"]  # stacked at 375 px
    page.click("#toggles button[data-part=text]")
    assert page.locator("#text").is_visible() and "Spotify" in page.locator("#text").inner_text()
    page.click("#toggles button[data-part=text]")
    page.click("#toggles button[data-width=desktop]")
    page.click("#toggles button[data-scheme=dark]")
    page.wait_for_function("() => document.getElementById('email').src.endsWith('?scheme=dark')")
    colors = _frame(page).locator("body").evaluate(f"() => ({BACKGROUNDS})()")
    assert len(colors) >= 3 and light_backgrounds(colors) == []  # every surface repainted dark
    page.click("#toggles button[data-scheme=light]")


def test_editing_a_template_reloads_the_page_and_a_broken_one_is_shown(page, project):
    from playwright.sync_api import expect

    folder, _ = project
    template = folder / "templates" / "digest.mjml.j2"
    original = (ROOT / "templates" / "digest.mjml.j2").read_text(encoding="utf-8")
    before = _version(page)
    template.write_text(original.replace("<mj-text>", "<mj-text><p>DESK EDIT MARKER</p>", 1), encoding="utf-8")
    _reloaded(page, before)
    expect(_frame(page).locator("body")).to_contain_text("DESK EDIT MARKER")
    before = _version(page)
    lines = original.splitlines()
    template.write_text("\n".join([*lines[:9], "{% if %}", *lines[9:]]), encoding="utf-8")
    _reloaded(page, before)
    expect(page.locator("#build-error")).to_be_visible()
    assert page.locator("#error-file").inner_text().endswith("templates/digest.mjml.j2")
    assert page.locator("#error-line").inner_text() == "10"
    expect(_frame(page).locator("body")).to_contain_text("DESK EDIT MARKER")  # the last good issue stays
    page.click("#approval button[type=submit]")
    expect(page.locator("#notice")).to_contain_text("Not done: the last build failed")
    before = _version(page)
    template.unlink()
    _reloaded(page, before)
    expect(page.locator("#build-error")).to_have_count(0)


def test_excluding_a_story_removes_it_from_html_and_text(page, desk, project):
    from playwright.sync_api import expect

    folder, _ = project
    story = page.locator(".story", has_text="Spotify tests AI playlists")
    story.locator("button.exclude-story").click()
    expect(page.locator("#corrections")).to_contain_text("exclude stories: Spotify tests AI playlists")
    expect(_frame(page).locator("body")).not_to_contain_text("Spotify")
    assert "Spotify" not in httpx.get(f"{desk}/issue/{WEEK}/email.txt").text
    html = (folder / "out" / WEEK / "digest.html").read_text(encoding="utf-8")
    assert "Netflix" in html and "Spotify" not in html
    assert "exclude_stories:" in (folder / "corrections.yaml").read_text(encoding="utf-8")


def test_approve_then_send_dry_run_accepts_it(page, desk, project):
    from playwright.sync_api import expect

    folder, _ = project
    assert "NOT acceptable for sending" in _dry_run(folder, desk)
    page.click("#approval button[type=submit]")
    expect(page.locator("#approval")).to_contain_text("approved on")
    out = _dry_run(folder, desk)
    assert "Approval: acceptable for sending: approved on" in out


def test_a_test_send_mails_the_exact_issue_to_the_editor(page, project):
    from playwright.sync_api import expect

    folder, inbox = project
    page.click("text=Test send to ed@example.org")
    expect(page.locator("#notice")).to_contain_text(f"Test issue {WEEK} sent to ed@example.org")
    recipient, message, _ = inbox.messages[-1]
    assert recipient == "ed@example.org" and message["To"] == "ed@example.org" and len(inbox.messages) == 1
    html = message.get_body(("html",)).get_content().replace("\r\n", "\n")  # CRLF on the wire
    assert html.rstrip("\n") == (folder / "out" / WEEK / "digest.html").read_text(encoding="utf-8").rstrip("\n")


def test_changing_a_source_voids_the_approval(page, desk, project):
    from playwright.sync_api import expect

    folder, _ = project
    seed = sorted((folder / "seeds").glob("00*.txt"))[1]
    before = _version(page)
    seed.write_text(seed.read_text(encoding="utf-8") + "\nNetflix added that the AI tools cut VFX costs by a third.\n",
                    encoding="utf-8")
    _reloaded(page, before)
    expect(page.locator("#approval")).to_contain_text("is void")
    with Store(folder / "digest.sqlite") as store:
        assert store.approval(WEEK)["valid"] is False
    assert "NOT acceptable for sending: issue 2025-W29 changed after it was approved" in _dry_run(folder, desk)


def _rebuilt(desk: str, before: int) -> None:
    for _ in range(300):
        if httpx.get(desk + "/version").json()["version"] != before:
            return
        time.sleep(0.1)
    raise AssertionError("the desk did not rebuild")


def test_a_broken_corrections_file_is_shown_not_fatal(desk, project):
    folder, _ = project
    path = folder / "corrections.yaml"
    good = path.read_text(encoding="utf-8")
    before = httpx.get(desk + "/version").json()["version"]
    path.write_text(good + "2025-W29x:\n  subject: [oops\n", encoding="utf-8")
    _rebuilt(desk, before)
    page = httpx.get(desk + "/").text
    assert 'id="build-error"' in page and "corrections.yaml" in page and "not valid YAML" in page
    before = httpx.get(desk + "/version").json()["version"]
    path.write_text(good, encoding="utf-8")
    _rebuilt(desk, before)
    assert 'id="build-error"' not in httpx.get(desk + "/").text


def _raw(desk: str, method: str, path: str, headers: dict | None = None, body: str = "") -> tuple[int, str]:
    """A request sent byte for byte (httpx would normalise the dots and escapes away)."""
    host, port = desk.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for name, value in {"Host": f"{host}:{port}", **(headers or {})}.items():
        connection.putheader(name, value)
    connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body.encode())
    answer = connection.getresponse()
    return answer.status, answer.read().decode("utf-8", "replace")


@pytest.mark.parametrize("path", ["/out/../config.yaml", "/out/..%2fconfig.yaml", "/out/%2e%2e/config.yaml",
                                  "/out/%2E%2E%2Fconfig.yaml", "/out/2025-W29/..%2f..%2fconfig.yaml",
                                  "/static/..%2f..%2f..%2f..%2fetc%2fpasswd", "/out/%252e%252e/config.yaml"])
def test_path_traversal_is_refused(desk, path):
    status, body = _raw(desk, "GET", path)
    assert status in (400, 403, 404) and "SECRET-MARKER" not in body and "root:" not in body
    assert _raw(desk, "GET", f"/out/{WEEK}/notes.txt")[0] == 200  # the output folder itself is served


def test_state_changes_need_the_token_and_the_desk_origin(desk, project):
    folder, _ = project
    token = re.search(r'name="token" value="([^"]+)"', httpx.get(desk + "/").text).group(1)
    corrections = (folder / "corrections.yaml").read_text(encoding="utf-8")
    form = "action=subject&text=Hacked"
    own = {"Origin": desk, "Content-Type": "application/x-www-form-urlencoded"}
    assert _raw(desk, "POST", "/do/correct", own, form)[0] == 403  # no token
    assert _raw(desk, "POST", "/do/correct", own, form + "&token=wrong")[0] == 403
    foreign = {**own, "Origin": "https://evil.example"}
    assert _raw(desk, "POST", "/do/correct", foreign, f"{form}&token={token}")[0] == 403
    assert _raw(desk, "POST", "/do/approve", {"Content-Type": own["Content-Type"]}, f"token={token}")[0] == 403
    assert _raw(desk, "GET", "/", {"Host": "evil.example"})[0] == 400  # DNS rebinding: a foreign Host
    assert (folder / "corrections.yaml").read_text(encoding="utf-8") == corrections
    status, _ = _raw(desk, "POST", "/do/correct", own, f"action=undo&key=subject&token={token}")
    assert status == 303  # the same request from the desk's own page is accepted


def test_past_issues_are_browsable(desk, project):
    folder, _ = project
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "digest", "run", "--config", str(folder / "config.yaml"), "--now",
                    "2025-07-27T08:00:00+00:00"], env=env, check=True, capture_output=True, timeout=120)
    assert 'href="/past/2025-W30"' in httpx.get(desk + "/").text
    past = httpx.get(desk + "/past/2025-W30")
    assert past.status_code == 200 and "Issue 2025-W30" in past.text and "Editor notes" in past.text
    assert httpx.get(desk + "/past/2025-W52").status_code == 404


def test_preview_with_a_broken_config_says_what_and_where(tmp_path):
    (tmp_path / "config.yaml").write_text("window_days: lots\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "digest", "preview", "--config", str(tmp_path / "config.yaml"),
                           "--no-open", "--port", "0"], env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "config.yaml: window_days:" in done.stderr


def test_preview_on_a_port_in_use_says_so(project):
    folder, _ = project
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = subprocess.run([sys.executable, "-m", "digest", "preview", "--config", str(folder / "config.yaml"),
                               "--no-open", "--port", str(taken.getsockname()[1])],
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "cannot listen on 127.0.0.1:" in done.stderr and "--port 0" in done.stderr
