"""Borrower accounts: creating one, verifying its email address, activating
and deactivating it.

The public registration page and the staff's "Akun Peminjam" page both build
a :class:`BorrowerInput` and call :func:`create_borrower`; the forms call the
same per-field checks so that errors show inline. A self-registered account
starts inactive and becomes active when its owner follows the link mailed by
:func:`send_verification` (:func:`verify_email`), or when staff activate it.

A verification link is signed with SECRET_KEY, expires after
REGISTRATION_LINK_HOURS and names the account's state when it was sent (its
email address and FAB's "changed on" time). Activating or deactivating an
account records the change time, as FAB's own user page does, so a link sent
earlier can no longer undo what staff decided.
"""
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, g
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from werkzeug.security import check_password_hash

from app.domain import phone_numbers
from app.models import BorrowerProfile, Institution, InstitutionKind
from app.notifications import mail
from app.platform.extensions import db
from app.platform.links import external_url
from app.platform.timeutil import utcnow
from app.security import login_limit, signed_links
from app.security.passwords import password_complexity
from app.security.roles import PEMINJAM
from app.security.signed_links import SignedLink

NEW_INSTITUTION = "new"  # the institution choice that adds one
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{2,63}")
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
VERIFICATION_SALT = "pontive-borrower-email-verification"
VERIFICATION_LINK = SignedLink(VERIFICATION_SALT)
VERIFY_ENDPOINT = "RegistrationView.verify"  # the page the mailed link opens
FORM = "_form"  # key of errors that belong to no single field

# Outcomes of following a verification link.
VERIFIED = "verified"
USED = "used"
STALE = "stale"
EXPIRED = signed_links.EXPIRED
INVALID = signed_links.INVALID


class AccountInputError(Exception):
    """Input a user must fix: ``errors`` maps a field name to its messages."""

    def __init__(self, errors):
        super().__init__("; ".join(str(m) for ms in errors.values() for m in ms))
        self.errors = errors


@dataclass
class BorrowerInput:
    first_name: str
    last_name: str
    username: str
    email: str
    password: str
    position: str
    phone: str
    institution_id: int | None = None  # an existing institution, or
    new_institution_name: str = ""  # a new one with its kind
    new_institution_kind: str = ""


def _limit(column):
    return column.type.length


def _clean(text):
    return (text or "").strip()


def text_error(text, column):
    text = _clean(text)
    if not text:
        return _l("This field is required.")
    if len(text) > _limit(column):
        return _l("At most %(count)d characters.", count=_limit(column))
    return None


def username_error(username):
    username = _clean(username)
    if not username:
        return _l("This field is required.")
    if not USERNAME_PATTERN.fullmatch(username):
        return _l("3 to 64 characters: letters, digits, dot, hyphen or underscore, "
                  "starting with a letter or digit.")
    taken = db.session.query(User.id).filter(
        func.lower(User.username) == username.lower()).first()
    if taken:
        return _l("This username is already taken; choose another.")
    return None


def email_format_error(email):
    email = _clean(email)
    if not email:
        return _l("This field is required.")
    if not EMAIL_PATTERN.fullmatch(email) or len(email) > _limit(User.email):
        return _l("Invalid email address.")
    return None


def email_error(email):
    message = email_format_error(email)
    if message:
        return message
    email = _clean(email).lower()
    taken = db.session.query(User.id).filter(func.lower(User.email) == email).first()
    if taken:
        return _l("An account with this email address exists already. Log in, or "
                  "contact the Pontive Center staff if you cannot.")
    return None


def password_error(password):
    try:
        password_complexity(password or "")
    except PasswordComplexityValidationError as error:
        return str(error)
    return None


def institution_choice_error(choice):
    """``choice`` is an institution's id (as text) or :data:`NEW_INSTITUTION`."""
    if choice == NEW_INSTITUTION:
        return None
    if not str(choice or "").isdigit() or db.session.get(Institution, int(choice)) is None:
        return _l("Choose your institution from the list, or “Other institution” "
                  "to add it.")
    return None


def existing_institution(name):
    return (db.session.query(Institution)
            .filter(func.lower(Institution.name) == _clean(name).lower())
            .one_or_none())


def new_institution_name_error(name):
    message = text_error(name, Institution.name)
    if message:
        return message
    existing = existing_institution(name)
    if existing is not None:
        return gettext("%(name)s is already in the list: choose it there.",
                       name=existing.name)
    return None


def new_institution_kind_error(kind):
    if kind not in InstitutionKind.codes():
        return _l("Choose the kind of institution.")
    return None


def input_errors(data):
    """Every problem with ``data``, as {field: [messages]}."""
    errors = {}

    def add(name, message):
        if message:
            errors.setdefault(name, []).append(message)

    add("first_name", text_error(data.first_name, User.first_name))
    add("last_name", text_error(data.last_name, User.last_name))
    add("username", username_error(data.username))
    add("email", email_error(data.email))
    add("password", password_error(data.password))
    add("position", text_error(data.position, BorrowerProfile.position))
    add("phone", phone_numbers.phone_error(data.phone))
    if data.institution_id is None:
        add("new_institution_name", new_institution_name_error(data.new_institution_name))
        add("new_institution_kind", new_institution_kind_error(data.new_institution_kind))
    else:
        add("institution", institution_choice_error(str(data.institution_id)))
    return errors


def _touch(user):
    """Record a change as FAB's own user page does (and stale older links)."""
    user.changed_on = datetime.now()
    user.changed_by_fk = getattr(getattr(g, "user", None), "id", None)


def create_borrower(data, *, active):
    """A borrower account (user with role Peminjam, profile and, when asked,
    a new institution), added to the session; the caller commits.

    Raises :class:`AccountInputError` when the input has problems.
    """
    errors = input_errors(data)
    if errors:
        raise AccountInputError(errors)
    if data.institution_id is None:
        institution = Institution(name=_clean(data.new_institution_name),
                                  kind=data.new_institution_kind)
        db.session.add(institution)
    else:
        institution = db.session.get(Institution, data.institution_id)
    sm = current_app.appbuilder.sm
    user = sm.add_user(
        username=_clean(data.username), first_name=_clean(data.first_name),
        last_name=_clean(data.last_name), email=_clean(data.email).lower(),
        role=sm.find_role(PEMINJAM), password=data.password, commit=False,
    )
    if not user:
        # FAB rolled back: someone took the name or address meanwhile.
        raise AccountInputError(input_errors(data) or {
            FORM: [_l("The account could not be created. Please try again.")]})
    user.active = active
    db.session.add(BorrowerProfile(
        user=user, institution=institution, position=_clean(data.position),
        phone=phone_numbers.normalise(data.phone),
    ))
    db.session.flush()
    return user


def profile_of(user):
    return db.session.query(BorrowerProfile).filter_by(user_id=user.id).one_or_none()


def set_active(profile, active):
    """Activate or deactivate a borrower's account; False if it already was."""
    if bool(profile.user.active) == active:
        return False
    profile.user.active = active
    _touch(profile.user)
    return True


# --- Email verification --------------------------------------------------------

def _state(user):
    changed = user.changed_on.isoformat() if user.changed_on else ""
    return hashlib.sha256(f"{user.email}|{changed}".encode()).hexdigest()[:20]


def link_hours():
    return current_app.config["REGISTRATION_LINK_HOURS"]


def verification_token(user):
    return VERIFICATION_LINK.token(user, _state(user))


def verification_mail(user, link):
    return mail.Mail(
        to=(user.email,),
        subject=gettext("Verify your email address (Pontive Center room loans)"),
        body=gettext(
            "Dear %(name)s,\n\n"
            "Thank you for registering for the Pontive Center meeting room loans "
            "with the username %(username)s.\n\n"
            "Open this link to verify your email address and activate your "
            "account:\n%(link)s\n\n"
            "The link is valid for %(hours)d hours and can be used once. If you "
            "did not register, ignore this email.\n\n"
            "Pontive Center\n"
            "Communication and Informatics Agency of Pontianak City",
            name=user.get_full_name(), username=user.username, link=link,
            hours=link_hours(),
        ),
    )


def send_verification(user):
    """Mail ``user`` the link (under APP_BASE_URL); True if sent."""
    if not mail.configured():
        return False
    link = external_url(VERIFY_ENDPOINT, token=verification_token(user))
    return mail.send([verification_mail(user, link)]) == 1


def verify_email(token, now=None):
    """Follow a verification link: (outcome, user or None); the caller commits.

    Only :data:`VERIFIED` changes anything: the account becomes active and
    its email address verified.
    """
    problem, user, state = VERIFICATION_LINK.read(token, link_hours() * 3600)
    if problem is not None:
        return problem, None
    profile = profile_of(user)
    if profile is None:
        return INVALID, None
    if profile.email_verified_at is not None:
        return USED, user
    if state != _state(user):
        return STALE, user
    profile.email_verified_at = now or utcnow()
    user.active = True
    _touch(user)
    return VERIFIED, user


# --- Logging in ------------------------------------------------------------------

def inactive_account(login, password):
    """The inactive account ``login`` (username or email) opens with
    ``password``, if any: the login page then says why it refuses."""
    if not login or not password:
        return None
    sm = current_app.appbuilder.sm
    user = sm.find_user(username=login) or sm.find_user(email=login)
    if user is None or user.active or not user.password:
        return None
    return user if check_password_hash(user.password, password) else None


def awaits_verification(user):
    """True for an account its owner registered that is waiting for the link
    (or for staff): nobody has changed it since, else staff would be recorded
    as having changed it (:func:`set_active`)."""
    profile = profile_of(user)
    return (profile is not None and profile.email_verified_at is None
            and user.changed_by_fk is None)


def current_password_error(user, password):
    """Why ``password`` does not prove to be ``user``'s own, or None.

    A wrong one counts for the login limit as a wrong password at the login
    does, so that an unattended session cannot be used to guess it."""
    if not password:
        return _l("This field is required.")
    refused = login_limit.refusal(user.username)
    if refused is not None:
        return refused.message
    if not check_password_hash(user.password or "", password):
        login_limit.failed(user.username)
        return _l("The current password is not right.")
    return None
