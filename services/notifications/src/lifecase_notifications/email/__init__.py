"""E-mail notifications over SMTP.

A notification recorded in the app (``service.notify``) is mailed to its recipient at once,
collected for a daily digest, or not mailed, as they chose for its kind (``kinds``); mails
are written in the recipient's language (``texts``), queued in the notification's
transaction (``queue``), and sent by a background loop with retries (``sender``), which
keeps the record of what was sent. Addresses come from the people's tokens
(``recipients``). See docs/adr/0026-e-mail-notifications.md.
"""

from lifecase_notifications.email.config import EmailConfig, configure
from lifecase_notifications.email.queue import erase_case, queue_for, send_digests

__all__ = ["EmailConfig", "configure", "erase_case", "queue_for", "send_digests"]
