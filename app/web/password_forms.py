"""The forms about passwords: asking for a reset link, setting a new password
by that link, and changing one's own (the current password first).

A new password follows the one rule (app/security/passwords.py); errors show
at their field, and nothing changes until every field is right.
"""
from flask import g
from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget, BS3TextFieldWidget
from flask_appbuilder.forms import DynamicForm
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo

from app.domain import accounts
from app.security.passwords import MIN_LENGTH
from app.web.forms import checked_by


# Fields are made by functions: a form lists its fields in the order they
# were made, and the current password must come first.
def _new_password():
    return PasswordField(
        _l("New password"), [checked_by(accounts.password_error)],
        description=_l("At least %(length)d characters, with upper-case and "
                       "lower-case letters and a digit.", length=MIN_LENGTH),
        widget=BS3PasswordFieldWidget())


def _new_password_again():
    return PasswordField(
        _l("Repeat the new password"),
        [DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
        widget=BS3PasswordFieldWidget())


class ResetLinkForm(DynamicForm):
    email = StringField(_l("Email"), [checked_by(accounts.email_format_error)],
                        description=_l("The email address of your account."),
                        widget=BS3TextFieldWidget())


class NewPasswordForm(DynamicForm):
    password = _new_password()
    conf_password = _new_password_again()


class OwnPasswordForm(DynamicForm):
    """For the signed-in user (``g.user``)."""

    current_password = PasswordField(
        _l("Current password"),
        [checked_by(lambda password: accounts.current_password_error(g.user, password))],
        widget=BS3PasswordFieldWidget())
    password = _new_password()
    conf_password = _new_password_again()
