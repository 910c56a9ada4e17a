"""Indonesian telephone numbers: the one rule for every number people type
(a request's contact, a borrower account's phone), and the form they are
kept in.

Accepted as people write them: mobiles ``0812-3456-7890``, ``+62 812 3456
7890``, ``62812...``; landlines with their area code ``(0561) 712345``,
``0561-712345``, ``+62 561 712345``. Kept in one form, so that staff read
and dial them alike: ``0812-3456-7890`` and ``(0561) 712345``.
"""
import re

from flask_babel import lazy_gettext as _l

# Characters people put between digits.
WRITTEN = re.compile(r"\+?[0-9 ().-]+")
WITH_AREA_CODE = re.compile(r"\s*\(\s*0([1-9][0-9]{1,2})\s*\)\s*(.+)")
# Area codes of two digits after the 0 (Jakarta, Bandung, Semarang, Surabaya,
# Medan); every other one has three (Pontianak: 0561).
TWO_DIGIT_AREA_CODES = frozenset({"21", "22", "24", "31", "61"})
MOBILE_DIGITS = (10, 13)  # 08xx and the rest, national form
SUBSCRIBER_DIGITS = (5, 8)  # a landline after its area code


def normalise(text):
    """``text`` in the kept form, or None when it is no Indonesian number."""
    text = (text or "").strip()
    if not WRITTEN.fullmatch(text) or "+" in text[1:]:
        return None
    bracketed = WITH_AREA_CODE.fullmatch(text)
    if bracketed:
        area, rest = bracketed.groups()
        if not WRITTEN.fullmatch(rest) or "+" in rest or area[0] == "8":
            return None
        return _landline(area, re.sub(r"\D", "", rest))
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") or digits.startswith("62"):
        if not digits.startswith("62"):
            return None  # another country's
        digits = "0" + digits[2:]
    if not digits.startswith("0") or len(digits) < 2:
        return None
    if digits[1] == "8":
        return _mobile(digits)
    area = digits[1:3] if digits[1:3] in TWO_DIGIT_AREA_CODES else digits[1:4]
    return _landline(area, digits[1 + len(area):])


def _mobile(digits):
    # 080x are toll-free lines, not mobiles.
    if digits[2] == "0" or not MOBILE_DIGITS[0] <= len(digits) <= MOBILE_DIGITS[1]:
        return None
    return "-".join((digits[:4], digits[4:8], digits[8:]))


def _landline(area, subscriber):
    if area[0] == "0" or not SUBSCRIBER_DIGITS[0] <= len(subscriber) <= SUBSCRIBER_DIGITS[1]:
        return None
    return f"(0{area}) {subscriber}"


def phone_error(text):
    """The message for a phone number, or None when it is one."""
    if not (text or "").strip():
        return _l("This field is required.")
    if normalise(text) is None:
        return _l("Write an Indonesian phone number, e.g. 0812-3456-7890, "
                  "+62 812-3456-7890 or (0561) 712345.")
    return None
