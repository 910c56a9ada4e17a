"""The borrower account form: the staff's "add" page uses it as it is, the
public registration page adds its spam guards (app/security/registration_guard.py).

Each field is checked by the same function :func:`app.domain.accounts.create_borrower`
uses, so errors show at the field with the input kept.
"""
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo
from wtforms.widgets import HiddenInput

from app.domain import accounts, phone_numbers
from app.fab.forms import PanelForm
from app.models import BorrowerProfile, Institution, InstitutionKind, User
from app.security.passwords import MIN_LENGTH
from app.security.registration_guard import form_stamp
from app.web.forms import checked_by, shown_as_field_error

CHOOSE = ("", _l("— choose —"))
# Fieldsets in Flask-AppBuilder's form: (legend, {"fields": [...]}).
FIELDSETS = [
    (_l("Personal data"), {"fields": ["first_name", "last_name", "position", "phone",
                                      "email"]}),
    (_l("Institution"), {"fields": ["institution", "new_institution_name",
                                    "new_institution_kind"]}),
    (_l("Account"), {"fields": ["username", "password", "password_repeat"]}),
]


def when_new_institution(check):
    """Check a field only when the borrower adds a new institution."""
    def validator(form, field):
        if form.institution.data == accounts.NEW_INSTITUTION:
            checked_by(check)(form, field)
    return validator


def text_of(column):
    return checked_by(lambda value: accounts.text_error(value, column))


class BorrowerForm(PanelForm):
    first_name = StringField(_l("First Name"), [text_of(User.first_name)])
    last_name = StringField(_l("Last Name"), [text_of(User.last_name)])
    position = StringField(_l("Position (jabatan)"), [text_of(BorrowerProfile.position)])
    phone = StringField(_l("Phone"), [checked_by(phone_numbers.phone_error)],
                        description=_l("e.g. 0812-3456-7890 or (0561) 712345"))
    email = StringField(_l("Email"), [checked_by(accounts.email_error)],
                        description=_l("Notifications about the account and its "
                                       "requests are sent to this address."))
    institution = SelectField(
        _l("Institution"), [checked_by(accounts.institution_choice_error)],
        validate_choice=False,
        description=_l("Not in the list? Choose “Other institution” and fill "
                       "in its name and kind below."))
    new_institution_name = StringField(
        _l("Name of the new institution"),
        [when_new_institution(accounts.new_institution_name_error)],
        description=_l("Only for “Other institution”, e.g. “SMP Negeri 1 "
                       "Pontianak”."))
    new_institution_kind = SelectField(
        _l("Kind of the new institution"),
        [when_new_institution(accounts.new_institution_kind_error)],
        choices=[CHOOSE] + InstitutionKind.choices(), validate_choice=False,
        description=_l("Only for “Other institution”."))
    username = StringField(_l("User Name"), [checked_by(accounts.username_error)],
                           description=_l("For logging in: 3 to 64 letters, digits, "
                                          "dots, hyphens or underscores."))
    password = PasswordField(_l("Password"), [checked_by(accounts.password_error)],
                             description=_l("At least %(length)d characters, with "
                                            "upper-case and lower-case letters and "
                                            "a digit.", length=MIN_LENGTH))
    password_repeat = PasswordField(_l("Repeat the password"), [
        DataRequired(), EqualTo("password", message=_l("The passwords do not match."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.institution.choices = (
            [CHOOSE] + Institution.options()
            + [(accounts.NEW_INSTITUTION, _l("Other institution (not in the list)"))])

    def borrower_input(self):
        new = self.institution.data == accounts.NEW_INSTITUTION
        return accounts.BorrowerInput(
            first_name=self.first_name.data or "", last_name=self.last_name.data or "",
            username=self.username.data or "", email=self.email.data or "",
            password=self.password.data or "", position=self.position.data or "",
            phone=self.phone.data or "",
            institution_id=None if new else int(self.institution.data),
            new_institution_name=(self.new_institution_name.data or "") if new else "",
            new_institution_kind=(self.new_institution_kind.data or "") if new else "",
        )

    def show_errors(self, errors):
        """Put :class:`accounts.AccountInputError` messages at their fields;
        returns those that belong to no field."""
        others = []
        for name, messages in errors.items():
            if name in self:
                self[name].errors = list(self[name].errors) + [
                    shown_as_field_error(m) for m in messages]
            else:
                others.extend(messages)
        return others


class HoneypotInput(HiddenInput):
    """A text input moved off screen: people never fill it in, bots do.

    A HiddenInput subclass, so that ``form.hidden_tag()`` renders it.
    """

    input_type = "text"

    def __call__(self, field, **kwargs):
        kwargs.update(autocomplete="off", tabindex="-1")
        return (Markup('<div aria-hidden="true" style="position:absolute;'
                       'left:-10000px;width:1px;height:1px;overflow:hidden">')
                + super().__call__(field, **kwargs) + Markup("</div>"))


class RegistrationForm(BorrowerForm):
    website = StringField(widget=HoneypotInput())
    form_stamp = HiddenField(default=form_stamp)

    def fresh_stamp(self):
        """Time the form anew when it is shown again."""
        self.form_stamp.data = form_stamp()
