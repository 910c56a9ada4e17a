"""What the browser tests share: logging in through the real form, and
telling the test server's own addresses from anything outside."""
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
