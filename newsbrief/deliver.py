"""Deliver a rendered brief: files written atomically, and optionally an email with HTML and plain-text parts."""

from __future__ import annotations

import os
import secrets
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from newsbrief.config import EmailConfig


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


def build_message(config: EmailConfig, subject: str, text: str, html: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config.sender
    message["To"] = ", ".join(config.recipients)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=config.sender.rpartition("@")[2] or "newsbrief")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def send_email(config: EmailConfig, subject: str, text: str, html: str) -> None:
    """Send the brief by SMTP (plain, STARTTLS or SSL, with optional login)."""
    if not config.recipients:
        raise ValueError("email is enabled but no recipients are configured")
    message = build_message(config, subject, text, html)
    context = ssl.create_default_context()
    smtp_class = smtplib.SMTP_SSL if config.ssl else smtplib.SMTP
    kwargs = {"context": context} if config.ssl else {}
    with smtp_class(config.host, config.port, timeout=config.timeout, **kwargs) as smtp:
        if config.starttls and not config.ssl:
            smtp.starttls(context=context)
        if config.username:
            smtp.login(config.username, config.password or "")
        smtp.send_message(message)
