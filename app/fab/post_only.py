"""State-changing endpoints answer POST only, never GET.

Flask-AppBuilder exposes every model view's ``/delete/<pk>`` and
``/action/<name>/<pk>`` for GET as well as POST (kept for old links; with
CSRFProtect it refuses the GET with a flash, but a redirect looks like
success to a script). Here those routes lose GET and HEAD, so a GET is a
plain 405 and the only way in is a POST, which CSRFProtect checks. FAB's
pages already send both as POST forms with the token.
"""
# The view methods that change data whatever the request's method.
STATE_CHANGING = frozenset({"delete", "action"})


def post_only_rules(app):
    """The rules whose endpoint is one of STATE_CHANGING of some view."""
    return [rule for rule in app.url_map.iter_rules()
            if rule.endpoint.rpartition(".")[2] in STATE_CHANGING
            and "POST" in rule.methods]


def register(app):
    """Call once every view is registered."""
    for rule in post_only_rules(app):
        # The matcher reads rule.methods on each request.
        rule.methods.discard("GET")
        rule.methods.discard("HEAD")
