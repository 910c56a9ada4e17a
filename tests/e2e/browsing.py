"""What the browser tests share: logging in through the real form, a page
that records what it fetches and its script errors, and telling the test
server's own addresses from anything outside."""
from urllib.parse import urlsplit

from helpers import PASSWORD


def is_local(url, base_url):
    """True for what the browser got from the test server or from the page itself."""
    if url.startswith(("data:", "blob:")):  # in-page, nothing is fetched
        return True
    parts, base = urlsplit(url), urlsplit(base_url)
    return (parts.scheme, parts.hostname, parts.port) == ("http", "127.0.0.1", base.port)


def log_in(page, base_url, username, password=PASSWORD):
    """Sign in on the login page; returns once the dashboard has loaded."""
    page.goto(f"{base_url}/login/")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form[name=login] [type=submit]")
    page.wait_for_url(f"{base_url}/")


def watched_page(browser, requested, errors, width=1280, height=900):
    """A new page in Indonesian that records each URL it requests in
    ``requested`` and each script error in ``errors``; returns its context
    (for the test to close) and the page."""
    context = browser.new_context(locale="id-ID", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("request", lambda request: requested.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page
