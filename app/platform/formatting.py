"""Dates and times the Indonesian way, in the office's zone.

"Jumat, 27 November 2026 pukul 09.00 WIB" in Indonesian; the English UI
reads "Friday, 27 November 2026 at 09:00 WIB".
"""
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal
from flask_babel import get_locale, gettext

from app.platform.timeutil import to_local


def _locale():
    return str(get_locale() or "id")


@lru_cache(maxsize=256)
def _translated(locale, msgid):
    """``msgid`` in ``locale`` (the current one): once per language, as the
    catalogs do not change while the app runs and a list formats hundreds
    of times."""
    return gettext(msgid)


def _pattern(msgid, locale=None, **values):
    return _translated(locale or _locale(), msgid) % values


def zone_abbreviation(value):
    # Babel has no short Indonesian names for the zones; tzdata's are right.
    return to_local(value).tzname()


def _clock(local, locale=None):
    # "HH.mm" in Indonesian, "HH:mm" in English; written out, as Babel takes
    # 70 µs for it and a register prints thousands.
    separator = "." if (locale or _locale()) == "id" else ":"
    return f"{local.hour:02d}{separator}{local.minute:02d}"


def format_datetime(value):
    if value is None:
        return ""
    local, locale = to_local(value), _locale()
    return _pattern("%(day)s at %(time)s %(zone)s", locale,
                 day=_long_date(local.date(), locale), time=_clock(local, locale),
                 zone=local.tzname())


def format_date(value):
    if value is None:
        return ""
    return _long_date(value.date() if isinstance(value, datetime) else value, _locale())


@lru_cache(maxsize=4096)
def _long_date(day, locale):
    """"Jumat, 27 November 2026" (Babel's formatting, once per day and language)."""
    return babel_format_date(day, "EEEE, d MMMM y", locale=locale)


def format_letter_date(value):
    """"27 November 2026": a date as letters write it (a datetime's local date)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return babel_format_date(value, "d MMMM y", locale=_locale())


def format_day(value, pattern):
    """A date by a Babel pattern in the user's language ("LLLL y": "November 2026")."""
    return babel_format_date(value, pattern, locale=_locale())


def format_clock(value, locale=None):
    """The time of day in the office's zone: "09.00" (English "09:00").
    ``locale``: the language's code when the caller has it already."""
    return _clock(to_local(value), locale)


def format_session(starts_at, ends_at):
    """A session on one line: the day and its hours, or two full datetimes."""
    start, end = to_local(starts_at), to_local(ends_at)
    if start.date() == end.date():
        locale = _locale()
        return _pattern("%(day)s, %(start)s–%(end)s %(zone)s", locale,
                     day=_long_date(start.date(), locale), start=_clock(start, locale),
                     end=_clock(end, locale), zone=end.tzname())
    return f"{format_datetime(start)} – {format_datetime(end)}"


def format_time_range(starts_at, ends_at):
    """Hours on a day already named: "pukul 09.00–12.00 WIB"."""
    locale = _locale()
    return _pattern("%(start)s–%(end)s %(zone)s", locale,
                 start=_clock(to_local(starts_at), locale),
                 end=_clock(to_local(ends_at), locale), zone=zone_abbreviation(ends_at))


def format_month(value):
    """The month of a moment: "November 2026"."""
    return babel_format_date(to_local(value), "LLLL y", locale=_locale())


def format_minutes(minutes):
    """A duration of office time: "45 menit", "2 jam 5 menit"."""
    if minutes is None:
        return ""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return _pattern("%(minutes)d min", minutes=rest)
    return _pattern("%(hours)d h %(minutes)d min", hours=hours, minutes=rest)


def format_duration(delta):
    """A span of calendar time: "3 hari 4 jam", or "2 jam 5 menit" within a day."""
    if delta is None:
        return ""
    minutes = max(0, int(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    if not days:
        return format_minutes(rest)
    return _pattern("%(days)d d %(hours)d h", days=days, hours=rest // 60)


def format_number(value, places=None):
    """A number in the user's language, "88,31" in Indonesian: ``value``
    is rounded already (the figures decide how), this only writes it, with
    ``places`` decimals (by default a Decimal's own, else none)."""
    if places is None:
        places = max(0, -value.as_tuple().exponent) if isinstance(value, Decimal) else 0
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(value, format=pattern, locale=_locale())


def register_filters(app):
    app.jinja_env.filters["minutes"] = format_minutes
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["duration"] = format_duration
    app.jinja_env.filters["wib_hours"] = format_time_range
    app.jinja_env.filters["wib_month"] = format_month
    app.jinja_env.filters["wib"] = format_datetime
    app.jinja_env.filters["wib_date"] = format_date
    app.jinja_env.filters["wib_session"] = format_session


def yes_no(value):
    return _pattern("Yes") if value else _pattern("No")


def names(values):
    """A list of related rows on one line ("—" when empty)."""
    return ", ".join(str(value) for value in values) or "—"


def or_dash(value):
    return "—" if value in (None, "") else value
