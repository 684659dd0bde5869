"""Email sent exactly once: the store's delivery ledger, the mail's parts and SMTP failures as one-line errors,
against real aiosmtpd servers on 127.0.0.1 (with a login, refusing recipients, or not there at all), a real Prefect
Secret block, and the real flow run twice, with the server down, and with --resend."""

from __future__ import annotations

import re
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import Mailbox, free_port
from typer.testing import CliRunner

from newsbrief.cli import app
from newsbrief.config import Config, EmailConfig
from newsbrief.deliver import Delivery, DeliveryError, brief_hash, deliver_brief, recipient_key, write_files
from newsbrief.records import Article, ArticleDigest, Brief, Facts, Story, Summary, SummarySentence
from newsbrief.render import MAIL_HTML_BYTES, render_all
from newsbrief.store import DeliveryKey, open_store

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")  # 127.0.0.1
REPO = Path(__file__).resolve().parent.parent
DAY = date(2026, 11, 28)
PASSWORD = "s3cret-Pa55"
# Markdown-special characters on purpose: the text part must show them as they are, unescaped.
SENTENCE = "Dock workers at Calderhaven_{n} walked out over *pay* [again], the union said on Friday"


def make_brief(stories: int = 2, words: int = 0, generated: datetime | None = None) -> Brief:
    """A brief of `stories` one-article stories, each summary sentence padded with `words` more words."""
    told = []
    for n in range(stories):
        text = SENTENCE.format(n=n) + " and more" * (words // 2) + "."
        source = f"Outlet {n % 3}"
        article = Article(
            id=f"a{n}",
            url=f"https://outlet{n % 3}.example/strike-{n}",
            source=source,
            title=f"Strike {n} at the docks",
            text=text,
            published=datetime(2026, 11, 28, 8, 0, tzinfo=UTC),
        )
        sentence = SummarySentence(text=text, start=0, end=len(text), article_id=article.id, source=source)
        digest = ArticleDigest(article, Summary(article.id, "lead", [sentence]), Facts(article.id))
        told.append(Story(id=f"s-{n:04d}", headline=article.title, articles=[digest], summary=[sentence]))
    generated = generated or datetime(2026, 11, 28, 6, 0, tzinfo=UTC)
    return Brief(date=DAY, generated_at=generated, stories=told, skipped=[], max_words=None)


def settings_for(tmp_path: Path, server: Mailbox | None = None, **email: object) -> Config:
    host, port = (server.host, server.port) if server else ("127.0.0.1", free_port())  # free: nobody listens
    options = {"sender": "Newsbrief <brief@newsbrief.test>", "recipients": ["desk@newsbrief.test"], "timeout": 5.0}
    return Config(out=tmp_path / "out", email=EmailConfig(enabled=True, host=host, port=port, **options | email))


def deliver(settings: Config, brief: Brief, **options: bool) -> Delivery:
    """Render and write the brief as the flow does, then email it."""
    rendered = render_all(brief)
    files = write_files(rendered, settings.out / DAY.isoformat())
    return deliver_brief(settings, brief, rendered, files, **options)


def ledger(settings: Config) -> list:
    store = open_store(settings.store_path)
    try:
        return store.deliveries(DAY)
    finally:
        store.close()


class Refusing(Mailbox):
    """A mailbox whose server refuses every recipient at `nobody@`."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # aiosmtpd's hook, by name
        if address.startswith("nobody@"):
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def serve(mailbox: Mailbox, **options: object) -> Iterator[Mailbox]:
    from aiosmtpd.controller import Controller

    controller = Controller(mailbox, hostname=mailbox.host, port=mailbox.port, **options)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def refusing_server() -> Iterator[Mailbox]:
    yield from serve(Refusing(host="127.0.0.1", port=free_port()))


@pytest.fixture
def login_server() -> Iterator[Mailbox]:
    """A server that takes mail only after a login as `newsbrief` with PASSWORD (AUTH over plain SMTP: local)."""
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def authenticate(server, session, envelope, mechanism, auth_data):
        good = isinstance(auth_data, LoginPassword) and auth_data.login == b"newsbrief"
        return AuthResult(success=good and auth_data.password == PASSWORD.encode(), handled=False)  # aiosmtpd replies

    options = {"authenticator": authenticate, "auth_required": True, "auth_require_tls": False}
    yield from serve(Mailbox(host="127.0.0.1", port=free_port()), **options)


def test_a_brief_is_sent_once_a_changed_one_again_and_resend_is_explicit(smtp_server, tmp_path) -> None:
    settings = settings_for(tmp_path, smtp_server)
    first = deliver(settings, make_brief())
    assert first.outcome == "sent" and first.describe() == "emailed the brief for 2026-11-28 to 1 recipient(s)"
    later = make_brief(generated=datetime(2026, 11, 28, 9, 30, tzinfo=UTC))  # a re-run: same stories, new time
    again = deliver(settings, later)
    assert again.outcome == "already sent" and "(--resend sends it again)" in again.describe()
    assert len(smtp_server.messages) == 1
    resent = deliver(settings, later, resend=True)
    assert resent.outcome == "sent" and len(smtp_server.messages) == 2
    ids = [message["Message-ID"] for _, _, message in smtp_server.messages]
    assert ids[0] != ids[1] and ids == [first.message_id, resent.message_id]
    changed = deliver(settings, make_brief(stories=3))  # the day's stories changed: a different brief
    assert changed.outcome == "sent" and len(smtp_server.messages) == 3
    rows = ledger(settings)
    assert [(r.status, r.sends, r.attempts) for r in rows] == [("sent", 2, 2), ("sent", 1, 1)]
    assert rows[0].message_id == resent.message_id and rows[0].claim is None and rows[0].last_error is None


def test_concurrent_runs_on_one_store_send_once(smtp_server, tmp_path) -> None:
    settings = settings_for(tmp_path, smtp_server)
    brief = make_brief()
    rendered = render_all(brief)
    files = write_files(rendered, settings.out / DAY.isoformat())
    start = threading.Barrier(6)
    outcomes: list[str] = []

    def run() -> None:
        start.wait()
        outcomes.append(deliver_brief(settings, brief, rendered, files).outcome)

    threads = [threading.Thread(target=run) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(smtp_server.messages) == 1
    assert outcomes.count("sent") == 1 and set(outcomes) <= {"sent", "sending", "already sent"}


def test_a_claim_left_by_a_killed_run(smtp_server, tmp_path) -> None:
    """Still `sending` after its lease: the message never reached the server, so it is taken over; `submitting`: it
    may have gone, so only --resend sends it, and a run says so in one line."""
    settings = settings_for(tmp_path, smtp_server)
    store = open_store(settings.store_path)
    key, lease, start = DeliveryKey(DAY, "a@x.test", "hash"), timedelta(minutes=5), datetime(2026, 11, 28, tzinfo=UTC)
    try:
        assert store.claim_delivery(key, start, lease, resend=False).token
        assert store.claim_delivery(key, start + timedelta(minutes=1), lease, resend=False).token is None  # live
        token = store.claim_delivery(key, start + timedelta(minutes=6), lease, resend=False).token  # taken over
        assert token and store.delivery_submitting(key, token, start + timedelta(minutes=6), "<id@x>")
        later = start + timedelta(hours=1)
        assert store.claim_delivery(key, later, lease, resend=False).token is None
        assert store.claim_delivery(key, later, lease, resend=True).token
        assert not store.delivery_submitting(key, token, later, "<id@x>")  # the dead run's claim is gone
    finally:
        store.close()
    brief = make_brief()
    real = DeliveryKey(DAY, recipient_key(settings.email), brief_hash(brief))
    store = open_store(settings.store_path)
    try:  # a run that died yesterday while handing this brief to the server
        claim = store.claim_delivery(real, start - timedelta(days=1), lease, resend=False)
        assert claim.token and store.delivery_submitting(real, claim.token, start - timedelta(days=1), "<id@x>")
    finally:
        store.close()
    with pytest.raises(DeliveryError, match=r"may already have been emailed.*--resend") as error:
        deliver(settings, brief)
    assert "\n" not in str(error.value) and smtp_server.messages == []
    assert deliver(settings, brief, resend=True).outcome == "sent" and len(smtp_server.messages) == 1


def test_bcc_recipients_get_it_without_being_named(smtp_server, tmp_path) -> None:
    settings = settings_for(
        tmp_path,
        smtp_server,
        recipients=["Desk <desk@newsbrief.test>", "editor@newsbrief.test"],
        bcc=["chief@newsbrief.test", "DESK@newsbrief.test"],  # the desk once, whatever the case
    )
    assert deliver(settings, make_brief()).describe() == "emailed the brief for 2026-11-28 to 3 recipient(s)"
    [(_, envelope, message)] = smtp_server.messages
    assert envelope == ["desk@newsbrief.test", "editor@newsbrief.test", "chief@newsbrief.test"]
    headers = "\n".join(f"{name}: {value}" for name, value in message.items())
    assert "chief@" not in headers and "Bcc" not in headers
    assert message["To"] == "Desk <desk@newsbrief.test>, editor@newsbrief.test"
    [row] = ledger(settings)
    assert row.key.recipients == "chief@newsbrief.test,desk@newsbrief.test,editor@newsbrief.test"


def test_the_mail_has_inlined_html_plain_text_and_a_dated_zone(smtp_server, tmp_path) -> None:
    settings = replace(settings_for(tmp_path, smtp_server), timezone="Europe/Berlin")
    deliver(settings, make_brief())
    [(_, _, message)] = smtp_server.messages
    assert message["Date"].endswith("+0100")  # Berlin in November: a real zone, not -0000
    assert message["Subject"] == "Daily brief 2026-11-28"
    assert message["Message-ID"].endswith("@newsbrief.test>")
    html = message.get_body(("html",)).get_content()
    assert len(html.encode()) < MAIL_HTML_BYTES and "var(" not in html
    assert re.search(r'<h1 style="[^"]*font-size', html)  # the rules moved into style attributes
    left = re.findall(r"<style[^>]*>(.*?)</style>", html, re.S)
    assert all(block.strip().startswith("@media") for block in left)  # only what cannot be inlined stays
    text = message.get_body(("plain",)).get_content()
    assert "Dock workers at Calderhaven_0 walked out over *pay* [again], the union said on Friday." in text
    assert "`" not in text and "\\" not in text and not re.search(r"\[\d+(, \d+)*\]", text)
    assert "Outlet 0: https://outlet0.example/strike-0" in text
    assert not [part for part in message.walk() if part.get_filename()]  # nothing attached to a small brief


def test_a_big_brief_sends_the_compact_part_and_attaches_the_full_one(smtp_server, tmp_path) -> None:
    """1,000 stories: as many headlines as fit, each with its short first sentence, the rest counted."""
    settings = settings_for(tmp_path, smtp_server, brief_url="https://briefs.newsbrief.test/{date}/brief.html")
    brief = make_brief(stories=1000)
    deliver(settings, brief)
    [(_, _, message)] = smtp_server.messages
    html = message.get_body(("html",)).get_content()
    full = (settings.out / DAY.isoformat() / "brief.html").read_text()
    assert len(full.encode()) > MAIL_HTML_BYTES > len(html.encode())
    assert "All 1000 stories" in html and "var(" not in html
    assert re.search(r'<a href="https://briefs.newsbrief.test/2026-11-28/brief.html#s-0000"[^>]*>Strike 0 at', html)
    listed = html.count("the union said on Friday")  # each listed story's one-line summary
    assert 0 < listed < 1000 and f"and {1000 - listed} more in the full brief" in html
    [attachment] = [part for part in message.walk() if part.get_filename()]
    assert attachment.get_filename() == "brief.html" and attachment.get_content() == full


def test_a_server_nobody_answers_is_recorded_and_a_later_attempt_sends_once(smtp_server, tmp_path) -> None:
    down = settings_for(tmp_path)
    with pytest.raises(DeliveryError) as error:
        deliver(down, make_brief())
    line = str(error.value)
    assert error.value.transient and "\n" not in line
    assert f"cannot connect to 127.0.0.1:{down.email.port}: connection refused" in line
    assert f"{down.out / DAY.isoformat() / 'brief.md'}" in line and "brief.json" in line
    [row] = ledger(down)
    assert (row.status, row.attempts, row.sends, row.claim) == ("failed", 1, 0, None)
    assert "connection refused" in row.last_error
    up = replace(down, email=replace(down.email, port=smtp_server.port))
    assert deliver(up, make_brief()).outcome == "sent"
    assert deliver(up, make_brief()).outcome == "already sent" and len(smtp_server.messages) == 1
    [row] = ledger(up)
    assert (row.status, row.attempts, row.sends) == ("sent", 2, 1)


def test_a_server_that_never_answers_times_out_in_one_line(tmp_path) -> None:
    with socket.socket() as silent:  # accepts connections (the kernel does) but never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings = settings_for(tmp_path, timeout=0.2)
        settings = replace(settings, email=replace(settings.email, port=silent.getsockname()[1]))
        with pytest.raises(DeliveryError, match=r"127\.0\.0\.1:\d+ did not answer within 0\.2 s \(timeout\)") as error:
            deliver(settings, make_brief())
    assert error.value.transient


def test_a_wrong_password_is_one_clear_line_and_never_written(login_server, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("NB_TEST_SMTP_PASSWORD", "wrong-Pa55")
    settings = settings_for(tmp_path, login_server, username="newsbrief", password_env="NB_TEST_SMTP_PASSWORD")
    with pytest.raises(DeliveryError) as error:
        deliver(settings, make_brief())
    line = str(error.value)
    assert f"127.0.0.1:{login_server.port} refused the login of 'newsbrief' (wrong user name or password): 535" in line
    assert not error.value.transient and "wrong-Pa55" not in line and login_server.messages == []
    [row] = ledger(settings)
    assert row.status == "failed" and "535" in row.last_error
    assert b"wrong-Pa55" not in settings.store_path.read_bytes()
    monkeypatch.setenv("NB_TEST_SMTP_PASSWORD", PASSWORD)
    assert deliver(settings, make_brief()).outcome == "sent" and len(login_server.messages) == 1
    assert PASSWORD.encode() not in settings.store_path.read_bytes()
    for path in (settings.out / DAY.isoformat()).iterdir():
        assert PASSWORD not in path.read_text()


def test_an_unset_password_variable_is_an_error_not_an_empty_password(login_server, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("NB_TEST_SMTP_PASSWORD", raising=False)
    settings = settings_for(tmp_path, login_server, username="newsbrief", password_env="NB_TEST_SMTP_PASSWORD")
    with pytest.raises(DeliveryError, match=r"the environment variable NB_TEST_SMTP_PASSWORD .* is not set"):
        deliver(settings, make_brief())
    assert login_server.messages == []


def test_the_password_from_a_prefect_secret_block(prefect_harness, login_server, tmp_path) -> None:
    from prefect.blocks.system import Secret

    Secret(value=PASSWORD).save("newsbrief-test-smtp", overwrite=True)
    settings = settings_for(tmp_path, login_server, username="newsbrief", password_secret="newsbrief-test-smtp")
    assert deliver(settings, make_brief()).outcome == "sent" and len(login_server.messages) == 1
    missing = settings_for(tmp_path / "b", login_server, username="newsbrief", password_secret="no-such-block")
    with pytest.raises(DeliveryError, match=r"the Prefect Secret block 'no-such-block' .* cannot be read"):
        deliver(missing, make_brief())


def test_refused_recipients_are_named(refusing_server, tmp_path) -> None:
    everyone_refused = settings_for(tmp_path, refusing_server, recipients=["nobody@newsbrief.test"])
    with pytest.raises(DeliveryError) as error:
        deliver(everyone_refused, make_brief())
    assert f"127.0.0.1:{refusing_server.port} refused the recipient(s) nobody@newsbrief.test (550 5.1.1" in str(
        error.value
    )
    assert not error.value.transient and refusing_server.messages == []
    some = settings_for(tmp_path / "b", refusing_server, recipients=["desk@newsbrief.test", "nobody@newsbrief.test"])
    with pytest.raises(DeliveryError, match=r"to 1 of 2 recipients: .* refused nobody@newsbrief.test \(550"):
        deliver(some, make_brief())
    [(_, envelope, _)] = refusing_server.messages
    assert envelope == ["desk@newsbrief.test"]
    [row] = ledger(some)
    assert row.status == "sent" and "nobody@" in row.last_error  # sent to the others: a re-run sends nothing
    assert deliver(some, make_brief()).outcome == "already sent"


@pytest.mark.slow
def test_the_flow_sends_once_fails_clearly_when_the_server_is_down_and_resends(
    prefect_harness, smtp_server, tmp_path
) -> None:
    """Through `newsbrief run`: the server down (files written, the failure recorded after a retry, one line naming
    host:port and the files), then up (sent), the same day again (nothing sent), and --resend (sent again)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for path in (REPO / "seeds" / "articles").glob("valdoria-*.md"):
        shutil.copy(path, inbox / path.name)
    config = tmp_path / "nb.toml"

    def run(port: int, *flags: str):
        config.write_text(
            'sources = ["inbox"]\nout = "out"\nwindow = "72h"\n'
            f'[email]\nenabled = true\nhost = "127.0.0.1"\nport = {port}\nrecipients = ["desk@newsbrief.test"]\n'
            'bcc = ["chief@newsbrief.test"]\nretries = 1\nretry_delay = 0.1\n'
        )
        return CliRunner().invoke(app, ["run", "--config", str(config), "--date", DAY.isoformat(), *flags])

    down = free_port()
    failed = run(down)
    folder = tmp_path / "out" / DAY.isoformat()
    assert failed.exit_code == 1, failed.output
    [line] = [text for text in failed.output.splitlines() if text.startswith("error:")]
    assert f"127.0.0.1:{down}: connection refused" in line and str(folder / "brief.html") in line
    assert "Traceback" not in failed.output
    assert sorted(p.name for p in folder.iterdir()) == ["brief.html", "brief.json", "brief.md"]
    settings = Config(out=tmp_path / "out")
    [row] = ledger(settings)
    assert (row.status, row.attempts) == ("failed", 2)  # the task retried once, consulting the ledger each time

    sent = run(smtp_server.port)
    assert sent.exit_code == 0, sent.output
    assert "emailed the brief for 2026-11-28 to 2 recipient(s)" in sent.output
    again = run(smtp_server.port)
    assert again.exit_code == 0 and "already sent the brief for 2026-11-28" in again.output
    assert len(smtp_server.messages) == 1
    [(_, envelope, message)] = smtp_server.messages
    assert envelope == ["desk@newsbrief.test", "chief@newsbrief.test"] and "chief@" not in str(message["To"])
    text = message.get_body(("plain",)).get_content()
    assert "Bank of Valdoria" in text and "Sources:" in text and "https://" in text
    assert "`" not in text and "\\" not in text and not re.search(r"\[\d+(, \d+)*\]", text)
    assert len(message.get_body(("html",)).get_content().encode()) < MAIL_HTML_BYTES

    resent = run(smtp_server.port, "--resend")
    assert resent.exit_code == 0 and "emailed the brief" in resent.output and len(smtp_server.messages) == 2
    [row] = ledger(settings)
    assert (row.status, row.sends) == ("sent", 2)


@pytest.mark.slow
def test_a_failed_run_tells_the_operators_by_email(prefect_harness, smtp_server, tmp_path) -> None:
    """The flow's on_failure hook: a run that fails (here: no source can be read) mails `notify_failures` once,
    naming the run and why, whether or not the brief itself is emailed."""
    from flows.daily_brief import NothingToBrief, daily_brief

    (tmp_path / "empty").mkdir()
    config = tmp_path / "nb.toml"
    config.write_text(
        'sources = ["empty"]\nout = "out"\n'
        f'[email]\nhost = "127.0.0.1"\nport = {smtp_server.port}\nnotify_failures = ["ops@newsbrief.test"]\n'
    )
    with pytest.raises(NothingToBrief):
        daily_brief(config=str(config), day=DAY.isoformat())
    [(_, envelope, message)] = smtp_server.messages
    assert envelope == ["ops@newsbrief.test"] and "failed" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "no article could be read from any source" in body and "Flow run id:" in body
