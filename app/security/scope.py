"""Which requests a user may see: a borrower only their own, staff all.

Every view, action, download and API endpoint asks this module, so the rule
lives in one place.
"""
from flask import g
from flask_appbuilder.models.filters import BaseFilter

from app.security.roles import PEMINJAM, STAFF_ROLES


def role_names(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return {role.name for role in user.roles}


def is_staff(user):
    return bool(role_names(user) & set(STAFF_ROLES))


def is_borrower(user):
    return PEMINJAM in role_names(user)


def restrict_loans(query, model, user):
    """Limit a query on LoanRequest to what ``user`` may see."""
    if is_staff(user):
        return query
    if is_borrower(user):
        return query.filter(model.borrower_id == user.id)
    return query.filter(False)


def can_see_loan(loan, user):
    return sees_loan(user)(loan)


def sees_loan(user):
    """:func:`can_see_loan` of ``user`` for many requests (a month of the
    agenda): the user's roles are read once."""
    if is_staff(user):
        return lambda loan: loan is not None
    if is_borrower(user):
        user_id = user.id
        return lambda loan: loan is not None and loan.borrower_id == user_id
    return lambda loan: False


class LoanScopeFilter(BaseFilter):
    """FAB base filter applying :func:`restrict_loans` for the current user."""

    name = "scope"
    arg_name = "scope"

    def apply(self, query, value):
        return restrict_loans(query, self.model, getattr(g, "user", None))
