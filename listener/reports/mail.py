"""Send a report by e-mail through the SMTP server in ``reports.email``; the password comes from the environment."""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path

from listener.config import EmailConfig
from listener.errors import ConfigError, DeliveryError

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 30


def smtp_password(settings: EmailConfig) -> str | None:
    if not settings.password_env:
        return None
    password = os.environ.get(settings.password_env, "")
    if not password:
        raise ConfigError(
            [
                f"reports.email.password_env: the environment variable {settings.password_env} is not set: "
                "set it to the SMTP password (the password never goes in config.yaml)"
            ]
        )
    return password


def build_message(
    settings: EmailConfig, subject: str, text: str, html: str, attachment: Path
) -> EmailMessage:
    """A plain-text body (the Markdown), the HTML as the rich alternative, and the HTML file attached."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.from_address
    message["To"] = ", ".join(settings.to)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message.add_attachment(attachment.read_bytes(), maintype="text", subtype="html", filename=attachment.name)
    return message


def send(settings: EmailConfig, message: EmailMessage) -> None:
    """Deliver ``message``; raises DeliveryError naming the server and what went wrong."""
    password = smtp_password(settings)
    where = f"{settings.host}:{settings.port}"
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, password or "")
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(
            f"reports.email: could not send {message['Subject']!r} through {where}: {type(exc).__name__}: {exc}"
        ) from None
    log.info("sent %r to %d recipients through %s", message["Subject"], len(settings.to), where)
