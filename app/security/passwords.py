"""The password rule for every form that sets a password."""
import re

from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_babel import gettext

MIN_LENGTH = 10


def password_complexity(password):
    if (
        len(password) < MIN_LENGTH
        or not re.search(r"[A-Z]", password)
        or not re.search(r"[a-z]", password)
        or not re.search(r"[0-9]", password)
    ):
        raise PasswordComplexityValidationError(
            gettext(
                "The password must be at least %(length)d characters long and "
                "contain upper-case and lower-case letters and a digit.",
                length=MIN_LENGTH,
            )
        )
