"""Akun Peminjam: staff list borrower accounts, add one (active at once) and
activate or deactivate accounts (e.g. a registration when no mail server is
configured). The accounts themselves are made by app/domain/accounts.py."""
from flask import flash, redirect, url_for
from flask_appbuilder.actions import action
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.domain import accounts
from app.fab.interface import EagerInterface
from app.fab.model_view import OfferedActions, ScopedModelView
from app.models import BorrowerProfile
from app.platform.extensions import db
from app.platform.formatting import format_datetime, yes_no
from app.web.views.borrower_form import FIELDSETS, BorrowerForm


def verified_at(value):
    return format_datetime(value) if value else gettext("Not yet")


class BorrowerAccountView(ScopedModelView):
    datamodel = EagerInterface(
        BorrowerProfile,
        list_loads=[joinedload(BorrowerProfile.user), joinedload(BorrowerProfile.institution)],
        show_loads=[joinedload(BorrowerProfile.user), joinedload(BorrowerProfile.institution)],
    )
    route_base = "/borrower-accounts"
    base_permissions = ["can_list", "can_show", "can_add"]
    base_order = ("id", "desc")  # new registrations first

    list_title = _l("Borrower accounts")
    show_title = _l("Borrower account details")
    add_title = _l("Add borrower account")
    label_columns = {
        "user.first_name": _l("First Name"),
        "user.last_name": _l("Last Name"),
        "user.username": _l("User Name"),
        "user.email": _l("Email"),
        "user.active": _l("Active"),
        "user.last_login": _l("Last login"),
        "institution": _l("Institution"),
        "institution.kind_label": _l("Kind of institution"),
        "position": _l("Position (jabatan)"),
        "phone": _l("Phone"),
        "email_verified_at": _l("Email verified"),
    }
    list_columns = ["user.first_name", "user.last_name", "user.username", "user.email",
                    "institution", "user.active", "email_verified_at"]
    show_columns = ["user.first_name", "user.last_name", "user.username", "user.email",
                    "institution", "institution.kind_label", "position", "phone",
                    "user.active", "email_verified_at", "user.last_login"]
    order_columns = ["user.first_name", "user.last_name", "user.username", "user.email",
                     "email_verified_at"]
    search_columns = ["institution", "position", "phone"]
    formatters_columns = {
        "user.active": yes_no,
        "email_verified_at": verified_at,
        "user.last_login": lambda value: format_datetime(value) if value else "—",
    }
    add_form = BorrowerForm
    add_fieldsets = FIELDSETS

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        form = BorrowerForm()
        if form.validate_on_submit():
            try:
                user = accounts.create_borrower(form.borrower_input(), active=True)
                db.session.commit()
            except accounts.AccountInputError as error:
                db.session.rollback()
                for message in form.show_errors(error.errors):
                    flash(str(message), "danger")
            else:
                flash(gettext("The borrower account %(username)s has been created and "
                              "is active.", username=user.username), "success")
                return redirect(url_for(".show", pk=accounts.profile_of(user).id))
        return self.render_template(self.add_template, title=self.add_title,
                                    widgets=self.add_page_widgets(form))

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        profile = self.scoped_get(pk)
        # Offer the one change the account can take.
        offered = "deactivate" if profile.user.active else "activate"
        actions = OfferedActions(
            (name, a) for name, a in self.actions.items() if name == offered)
        return self.render_template(
            self.show_template, pk=profile.id, title=self.show_title,
            widgets=self.show_page_widgets(profile, actions=actions),
            related_views=[],
        )

    def _set_active(self, items, active):
        profiles = items if isinstance(items, list) else [items]
        changed = [p.user.username for p in profiles if accounts.set_active(p, active)]
        db.session.commit()
        if not changed:
            flash(gettext("No account changed: each was so already."), "info")
        elif active:
            flash(gettext("Activated: %(names)s.", names=", ".join(changed)), "success")
        else:
            flash(gettext("Deactivated: %(names)s.", names=", ".join(changed)),
                  "success")
        if isinstance(items, list):
            return redirect(url_for(".list"))
        return redirect(url_for(".show", pk=items.id))

    @action("activate", _l("Activate"), _l("Activate the selected accounts?"),
            "fa-check")
    def activate(self, items):
        return self._set_active(items, True)

    @action("deactivate", _l("Deactivate"), _l("Deactivate the selected accounts? "
                                               "They can no longer log in."), "fa-ban")
    def deactivate(self, items):
        return self._set_active(items, False)
