"""Flask-AppBuilder's date picker in the page's language, weeks from Monday.

FAB's date fields (``DatePickerWidget``: an input of class ``appbuilder_date``)
get bootstrap-datepicker from FAB's ``ab.js``, which knows only English month
and day names and starts the week on Sunday. The page passes the month and
day names of its language, from the CLDR data bundled with Babel (nothing is
fetched), and app/fab/static/fab_texts.js registers them as the picker's
default language before ``ab.js``'s ready handler makes the pickers. Weeks
start on Monday, as the office's week and the agenda's do.

Relies on: FAB bundling bootstrap-datepicker 1.x (``$.fn.datepicker.dates``
holding a language's names, ``$.fn.datepicker.defaults`` read when a picker
is made) and ``ab.js`` making the pickers in a jQuery ready handler without
naming a language or a first day.
"""
from babel.dates import get_day_names, get_month_names
from flask_babel import get_locale, gettext

MONDAY = 1  # bootstrap-datepicker counts days from Sunday = 0
# bootstrap-datepicker lists days from Sunday; Babel numbers them from Monday = 0.
_FROM_SUNDAY = (6, 0, 1, 2, 3, 4, 5)


def language():
    """The picker's texts for the page's language, as bootstrap-datepicker
    takes them in ``$.fn.datepicker.dates[code]``."""
    locale = get_locale()

    def days(width):
        names = get_day_names(width, locale=locale)
        return [names[day] for day in _FROM_SUNDAY]

    def months(width):
        names = get_month_names(width, locale=locale)
        return [names[month] for month in range(1, 13)]

    return {
        "code": str(locale),
        "dates": {
            "days": days("wide"),
            "daysShort": days("abbreviated"),
            "daysMin": days("short"),
            "months": months("wide"),
            "monthsShort": months("abbreviated"),
            "today": gettext("Today"),
            "clear": gettext("Clear"),
            "titleFormat": "MM yyyy",
            "weekStart": MONDAY,
        },
    }


def register(app):
    app.jinja_env.globals["date_picker_language"] = language
