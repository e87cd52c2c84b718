"""The server-rendered web foundation every lifecase UI is built on (the reporter portal in
intake, the caseworker workspace in routing, the template admin in lifecycle).

- ``templating.WebUI``: Jinja2 pages in one shared layout (``templates/webui/base.html``:
  skip link, header with product name, language switch and signed-in person, landmarks),
  htmx and one small accessible stylesheet served from ``static/``, friendly error pages and
  security headers.
- ``i18n``: Danish by default, English one click away (``?lang=en``, remembered in a cookie);
  Babel catalogues in ``locale/``, compiled in memory at start.
- ``session`` and ``signin``: the session cookie holding the person's bearer token, and the
  ways to sign in (demo users in dev mode; OIDC with PKCE in production, ``oidc``).

See docs/adr/0011-server-rendered-ui-jinja-htmx.md for why.
"""

from lifecase_platform.webui.session import PageUser, SignInRequired, page_user
from lifecase_platform.webui.templating import NavLink, SignInMethod, WebUI

__all__ = ["NavLink", "PageUser", "SignInMethod", "SignInRequired", "WebUI", "page_user"]
