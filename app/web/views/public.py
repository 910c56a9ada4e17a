"""Layanan Peminjaman Ruang Rapat: the public service page, without login.

Visitors who are not logged in get it at the site root (the dashboard's
index, app/web/views/dashboard.py, hands it over); everyone reaches it at
/layanan/. The schedule's busy and free blocks are rendered once per
language and kind of visitor and kept PUBLIC_SCHEDULE_CACHE_SECONDS (per
process), so the page costs a dictionary look-up most of the time; a
booking shows on it at the latest that many seconds later.
"""
import time

from flask import current_app, g, render_template, url_for
from flask_appbuilder import BaseView, expose
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.domain import public_service, survey
from app.platform.timeutil import to_local, utcnow
from app.web.views.availability import can_request as can_request_form
from app.web.views.availability import request_form_url
from app.web.views.complaints import LAPOR_URL

CACHE_KEY = "pontive_public_schedule"


def _request_link(room_id, slot):
    """Where a free block leads: the loan form filled with it, or the
    registration page for a visitor without an account."""
    if g.user is None or not g.user.is_authenticated:
        return url_for("RegistrationView.form")
    return request_form_url(room_id, slot.starts_at, slot.ends_at)


def _schedule_html(rooms, now):
    """The rendered busy/free blocks, from the process's cache when fresh."""
    seconds = current_app.config["PUBLIC_SCHEDULE_CACHE_SECONDS"]
    signed_in = g.user is not None and g.user.is_authenticated
    can_request = signed_in and can_request_form()
    key = (str(get_locale()), signed_in, can_request, to_local(now).date())
    cache = current_app.extensions.setdefault(CACHE_KEY, {})
    found = cache.get(key) if seconds > 0 else None
    if found is not None and found[0] > time.monotonic():
        return found[1]
    html = Markup(render_template(
        "public/schedule.html",
        schedules=[(room, public_service.schedule(room, now)) for room in rooms],
        link=_request_link if (can_request or not signed_in) else None))
    if seconds > 0:
        moment = time.monotonic()
        for stale in [k for k, (expires, _html) in list(cache.items())
                      if expires <= moment or k[3] != key[3]]:
            cache.pop(stale, None)
        cache[key] = (moment + seconds, html)
    return html


def render_public_page(view):
    now = utcnow()
    rooms = public_service.rooms()
    return view.render_template(
        "public/index.html", title=_l("Meeting Room Loan Service"),
        standard=public_service.standard(), rooms=rooms,
        schedule_html=_schedule_html(rooms, now),
        published=survey.latest_published(now), lapor_url=LAPOR_URL,
        contact=current_app.config.get("SERVICE_CONTACT", ""),
        days=current_app.config["PUBLIC_SCHEDULE_DAYS"])


class PublicServiceView(BaseView):
    """Public: no permission is needed (nor checked) for this page."""

    route_base = "/layanan"
    default_view = "index"

    @expose("/")
    def index(self):
        return render_public_page(self)
