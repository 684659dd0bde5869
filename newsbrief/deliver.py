"""Deliver a rendered brief: files written atomically, and optionally an email sent exactly once.

The email goes through a ledger in the store (`Store.claim_delivery`): each brief (its day, its recipients and a
hash of its content that leaves out when it was generated) is claimed before it is sent and recorded as sent or
failed after, so a retried task, a re-run of the day or two runs at once send it once; `resend` sends it again
and is recorded too. Retries with backoff are the flow's (a Prefect task): each attempt consults the ledger.
A connection lost while the message is being handed over counts as a failure and is retried under the same
Message-ID (whether the server kept it cannot be known; SMTP has no way to ask).
A failure is a `DeliveryError`: one line naming the server, what went wrong and the files that were written.
The password is read when sending, from the environment or a Prefect Secret block, and is never written anywhere.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid, parseaddr
from pathlib import Path

from newsbrief.config import Config, EmailConfig
from newsbrief.errors import RunError
from newsbrief.records import Brief, to_jsonable
from newsbrief.render import mail_html, render_text
from newsbrief.store import DeliveryKey, DeliveryRecord, Store, open_store
from newsbrief.window import time_zone

# A claim on the ledger older than this many SMTP timeouts belongs to a run that died: an attempt is about ten
# exchanges with the server (connect, EHLO, STARTTLS, EHLO, AUTH, MAIL, RCPT..., DATA, QUIT), each bounded by it.
CLAIM_LEASE_TIMEOUTS = 10


def write_atomic(path: Path, content: str) -> Path:
    """Write via a temporary file in the same folder and rename, so readers never see half a brief.

    The temporary file is created with mode 0666 less the umask, as any file would be (`tempfile.mkstemp` would make
    it 0600, which the rename keeps); O_EXCL on a random name keeps the creation safe in a shared folder.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def write_files(rendered: dict[str, str], folder: Path) -> list[Path]:
    return [write_atomic(folder / name, content) for name, content in rendered.items()]


class DeliveryError(RunError):
    """The email did not go (or not to everyone). `transient`: a later attempt may succeed (the server is down or
    slow, or answered 4xx), so the flow retries it; a refused login or recipient is not retried."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass
class Delivery:
    """What an email attempt did: `sent`, or nothing because it was `already sent` or another run is `sending` it."""

    day: date
    outcome: str
    recipients: int
    message_id: str | None
    at: datetime | None  # when it was sent, or claimed by the other run

    def describe(self) -> str:
        people = f"{self.recipients} recipient(s)"
        if self.outcome == "sent":
            return f"emailed the brief for {self.day} to {people}"
        when = f"{self.at:%Y-%m-%d %H:%M:%S %Z}" if self.at else "an unknown time"
        if self.outcome == "already sent":
            return f"already sent the brief for {self.day} to these {people} at {when} (--resend sends it again)"
        return f"another run has been emailing the brief for {self.day} to these {people} since {when}; not sending it"


def recipient_addresses(config: EmailConfig) -> list[str]:
    """Everyone the message goes to, To and Bcc, as bare addresses, each once (compared without case)."""
    found: dict[str, str] = {}
    for _, address in getaddresses(config.recipients + config.bcc):
        found.setdefault(address.lower(), address)
    return list(found.values())


def recipient_key(config: EmailConfig) -> str:
    """The recipients as the ledger keys them: sorted lower-case addresses, so reordering the list, moving someone
    from To to Bcc or adding a display name does not make the same brief "new" for the same people."""
    return ",".join(sorted(address.lower() for address in recipient_addresses(config)))


def brief_hash(brief: Brief) -> str:
    """The brief's content as the ledger compares it: all that brief.json holds except when it was made (the
    brief's `generated_at`, each article's `fetched_at`), so a re-run of the day over the same stories hashes the
    same and a day whose stories changed hashes differently."""
    data = to_jsonable(brief)
    del data["generated_at"]
    for story in data["stories"]:
        for digest in story["articles"]:
            digest["article"].pop("fetched_at", None)
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


def build_message(
    settings: Config, brief: Brief, rendered: dict[str, str], message_id: str, now: datetime
) -> EmailMessage:
    """The brief as a mail: a plain-text part (`brief.txt.j2`) and an HTML part with its CSS inlined, the compact
    one with brief.html attached when the full one would be clipped. Bcc recipients are in no header."""
    config = settings.email
    full_url = config.brief_url.format(date=brief.date.isoformat()) if config.brief_url else None
    html, compact = mail_html(brief, rendered["brief.html"], settings.templates, full_url)
    message = EmailMessage()
    message["Subject"] = config.subject.format(date=brief.date.isoformat())
    message["From"] = config.sender
    message["To"] = ", ".join(config.recipients) or "undisclosed-recipients:;"
    message["Date"] = format_datetime(now.astimezone(time_zone(settings.timezone)))
    message["Message-ID"] = message_id
    message.set_content(render_text(brief, settings.templates))
    message.add_alternative(html, subtype="html")
    if compact:
        full = rendered["brief.html"].encode()  # as bytes: the file as written, not re-encoded with CRLF lines
        message.add_attachment(full, "text", "html", filename="brief.html", params={"charset": "utf-8"})
    return message


def message_id(config: EmailConfig, key: DeliveryKey, send: int) -> str:
    """The same for every attempt at one send of one brief, so that a receiver which shows one message per
    Message-ID (Gmail does) hides a repeat sent after an unknown outcome; each `resend` makes a new one."""
    domain = _sender_domain(config)
    people = hashlib.sha256(key.recipients.encode()).hexdigest()[:8]
    return f"<newsbrief.{key.day}.{key.content_hash[:16]}.{people}.{send}@{domain}>"


def smtp_password(config: EmailConfig) -> str | None:
    """The login's password, from the environment variable `password_env` or the Prefect Secret block
    `password_secret` (None when neither is set). Unset or empty is an error: an empty password is never sent."""
    where = f"{config.host}:{config.port}"
    if config.password_env:
        value = os.environ.get(config.password_env)
        if not value:
            raise DeliveryError(
                f"no password for the login of {config.username!r} at {where}: the environment variable "
                f"{config.password_env} (email.password_env) is not set or empty"
            )
        return value
    if config.password_secret:
        from prefect.blocks.system import Secret

        try:
            return Secret.load(config.password_secret).get()
        except Exception as error:  # not found, the API down, not a Secret: each says why in its message
            raise DeliveryError(
                f"no password for the login of {config.username!r} at {where}: the Prefect Secret block "
                f"{config.password_secret!r} (email.password_secret) cannot be read ({error})"
            ) from error
    return None


def send_message(
    config: EmailConfig, message: EmailMessage, password: str | None, handing_over: Callable[[], bool] = lambda: True
) -> dict[str, tuple[int, bytes]]:
    """Send by SMTP (plain, STARTTLS or SSL, with a login when `username` is set) to To and Bcc; returns the
    recipients the server refused when it took the message for others. `handing_over` is called just before the
    message is handed to the server; False stops there. Any failure is a one-line DeliveryError."""
    where = f"{config.host}:{config.port}"
    if config.username and not password:
        raise DeliveryError(
            f"no password for the login of {config.username!r} at {where}: set email.password_env or password_secret"
        )
    context = ssl.create_default_context()
    smtp_class = smtplib.SMTP_SSL if config.ssl else smtplib.SMTP
    options = {"context": context} if config.ssl else {}
    try:
        with smtp_class(config.host, config.port, timeout=config.timeout, **options) as smtp:
            if config.starttls:
                smtp.starttls(context=context)
            if config.username:
                smtp.login(config.username, password)
            if not handing_over():
                raise DeliveryError(f"another run took over sending to {where} (this one outlived its claim)")
            return smtp.send_message(message, to_addrs=recipient_addresses(config))
    except DeliveryError:
        raise
    except (smtplib.SMTPException, OSError) as error:
        problem, transient = explain(error, config)
        raise DeliveryError(_without(password, problem), transient=transient) from None


def explain(error: Exception, config: EmailConfig) -> tuple[str, bool]:
    """An SMTP or network failure in words, naming the server, and whether a later attempt may succeed."""
    where = f"{config.host}:{config.port}"
    if isinstance(error, smtplib.SMTPServerDisconnected) and isinstance(error.__context__, TimeoutError):
        error = error.__context__  # smtplib reports a reply that never came as a closed connection
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"{where} refused the login of {config.username!r} (wrong user name or password): {_reply(error)}", False
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        later = all(400 <= code < 500 for code, _ in error.recipients.values())  # each refusal only for now
        return f"{where} refused the recipient(s) {_refusals(error.recipients)}", later
    if isinstance(error, smtplib.SMTPSenderRefused):
        return f"{where} refused the sender {config.sender!r}: {_reply(error)}", 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{where} answered {_reply(error)}", 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return f"{where} closed the connection ({error or 'without a reply'})", True
    if isinstance(error, smtplib.SMTPException):  # e.g. no STARTTLS or AUTH offered: a setting to change
        return f"{where}: {error}", False
    if isinstance(error, ssl.SSLError):
        return (
            f"TLS with {where} failed ({error.reason or error}); check email.ssl / email.starttls and the port",
            False,
        )
    if isinstance(error, ConnectionRefusedError):
        return f"cannot connect to {where}: connection refused (is the SMTP server running?)", True
    if isinstance(error, TimeoutError):
        return f"{where} did not answer within {config.timeout:g} s (timeout)", True
    if isinstance(error, socket.gaierror):
        return f"cannot find the host {config.host!r} for {where} ({error.strerror})", True
    return f"cannot talk to {where}: {error.strerror or error}", True


def _refusals(refused: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{address} ({_reply_of(*reply)})" for address, reply in refused.items())


def _reply(error: smtplib.SMTPResponseException) -> str:
    return _reply_of(error.smtp_code, error.smtp_error)


def _reply_of(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(words.split())}"


def _without(password: str | None, text: str) -> str:
    """`text` with the password masked, should a server's reply ever echo it."""
    return text.replace(password, "***") if password else text


def deliver_brief(
    settings: Config,
    brief: Brief,
    rendered: dict[str, str],
    files: list[Path],
    *,
    resend: bool = False,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Delivery:
    """Email the brief unless the ledger says this brief already went to these recipients (or another run is
    sending it); `resend` sends it anyway. A failure is recorded and raised as a DeliveryError whose one line names
    the server, the problem and the `files` that were written; `transient` says whether retrying may help."""
    config = settings.email
    key = DeliveryKey(brief.date, recipient_key(config), brief_hash(brief))
    lease = timedelta(seconds=CLAIM_LEASE_TIMEOUTS * config.timeout)
    people = len(recipient_addresses(config))
    store = open_store(settings.store_path)
    try:
        claim = store.claim_delivery(key, clock(), lease, resend=resend)
        if claim.token is None:
            return _unclaimed(claim.record, config, people, clock(), lease)
        return _send_claimed(store, claim.token, claim.record, settings, brief, rendered, files, clock, people)
    finally:
        store.close()


def _unclaimed(record: DeliveryRecord, config: EmailConfig, people: int, now: datetime, lease: timedelta) -> Delivery:
    """Nothing to send: sent before, or held by another attempt; an unknown outcome is an error a person resolves."""
    day = record.key.day
    if record.status == "sent":
        return Delivery(day, "already sent", people, record.message_id, record.sent_at)
    if record.status == "submitting" and record.stale(now, lease):
        raise DeliveryError(
            f"the brief for {day} may already have been emailed: a run stopped at {record.claimed_at:%Y-%m-%d %H:%M} "
            f"UTC while handing it to {config.host}:{config.port}, so whether it went is unknown; check the inbox, "
            "then `newsbrief run --resend` sends it again"
        )
    return Delivery(day, "sending", people, record.message_id, record.claimed_at)


def _send_claimed(
    store: Store,
    token: str,
    record: DeliveryRecord,
    settings: Config,
    brief: Brief,
    rendered: dict[str, str],
    files: list[Path],
    clock: Callable[[], datetime],
    people: int,
) -> Delivery:
    """Send under the claim `token` and record the outcome; the claim is released whatever happens, except when the
    run dies while handing the message over (then `claim_delivery` judges the row once its lease is over)."""
    config, key = settings.email, record.key
    identity = message_id(config, key, record.sends + 1)
    handed_over = False

    def handing_over() -> bool:
        nonlocal handed_over
        handed_over = store.delivery_submitting(key, token, clock(), identity)
        return handed_over

    try:
        password = smtp_password(config)
        message = build_message(settings, brief, rendered, identity, clock())
        refused = send_message(config, message, password, handing_over)
    except DeliveryError as error:
        store.delivery_failed(key, token, clock(), str(error))
        written = ", ".join(str(path) for path in files) or "none"
        raise DeliveryError(
            f"the brief for {key.day} was not emailed (attempt {record.attempts} at this brief, counting earlier "
            f"runs): {error}; files written: {written}",
            transient=error.transient,
        ) from None
    except BaseException as error:
        if not handed_over:  # interrupted before the server had it: the next attempt may send
            store.delivery_failed(key, token, clock(), f"interrupted: {type(error).__name__}")
        raise
    note = None
    if refused:
        note = f"{config.host}:{config.port} refused {_refusals(refused)}"
    store.delivery_sent(key, token, clock(), identity, note)
    if note:
        raise DeliveryError(
            f"emailed the brief for {key.day} to {people - len(refused)} of {people} recipients: {note}"
        )
    return Delivery(key.day, "sent", people, identity, clock())


def notify_failure(settings: Config, subject: str, body: str) -> None:
    """Tell the operators (`[email] notify_failures`) that a run failed, by a short plain-text mail through the
    brief's SMTP server and login; not through the ledger (each failure is news). Raises DeliveryError."""
    config = replace(settings.email, recipients=settings.email.notify_failures, bcc=[])
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config.sender
    message["To"] = ", ".join(config.recipients)
    message["Date"] = format_datetime(datetime.now(time_zone(settings.timezone)))
    message["Message-ID"] = make_msgid(domain=_sender_domain(config))
    message.set_content(body)
    send_message(config, message, smtp_password(config))


def _sender_domain(config: EmailConfig) -> str:
    """The domain of Message-IDs: the sender's own, as RFC 5322 advises."""
    return parseaddr(config.sender)[1].rpartition("@")[2] or "newsbrief"
