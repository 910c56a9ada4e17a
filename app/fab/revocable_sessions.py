"""Sessions and JWTs that end when their user's session version changes
(app/security/sessions.py), mixed into the app's Flask-AppBuilder
SecurityManager.

FAB behaviour relied on (tests/test_fab_seam_accounts.py):

- ``create_login_manager(app)`` makes the Flask-Login manager and registers
  ``load_user`` as its user loader; here the loader is replaced by
  :meth:`load_session_user`, which also checks the session's version and
  lifetimes, so the session cookie alone no longer proves a login. A refused
  session forgets its user: Flask-Login keeps the user's id under ``_user_id``
  (with ``_fresh`` and ``_id``), which ``logout_user`` pops; the loader runs
  inside Flask-Login's user loading, so it pops them itself.
- Flask-Login sends ``user_logged_in`` from ``login_user``, which FAB's login
  view calls: the session is stamped then.
- ``create_jwt_manager(app)`` makes flask-jwt-extended's manager; every token
  FAB makes (``create_access_token``/``create_refresh_token`` with the user's
  id as the identity) gets the version through the manager's
  ``additional_claims_loader``. FAB registers ``load_user_jwt`` as the
  manager's user lookup, run on every request with a token, the refresh
  included: here it also compares the version (a refused lookup is a 401).
- FAB's logout view calls ``on_user_logout(user)``; its password views call
  ``reset_password(user_id, password)``, which commits.
"""
from flask import g, session
from flask_login import user_logged_in

from app.notifications import notices
from app.security import sessions

# What Flask-Login's logout_user pops from the session.
FLASK_LOGIN_KEYS = ("_user_id", "_fresh", "_id")


def _session_opened(_app, user, **_extra):
    sessions.open_web_session(user)


class RevocableSessionsMixin:
    """For the app's SecurityManager (an SQLAlchemy Flask-AppBuilder one with
    app/fab/permission_cache.py's ``user_with_roles``)."""

    def create_login_manager(self, app):
        manager = super().create_login_manager(app)
        manager.user_loader(self.load_session_user)
        # For every app (FAB hands in current_app, a proxy, as the sender to
        # expect); connecting the same function again changes nothing.
        user_logged_in.connect(_session_opened)
        return manager

    def load_session_user(self, pk):
        """The session's user while the session is current, else None. The
        same statement counts the user's unread notices for the navbar's bell
        (app/fab/navbar.py), which so costs a page no statement of its own."""
        row = self.user_with_roles(pk, sessions.version_column(self.user_model),
                                   notices.unread_column(self.user_model))
        if row is not None and row[0].is_active and sessions.web_session_current(row[1]):
            g.unread_notices = row[2]
            return row[0]
        for key in FLASK_LOGIN_KEYS:
            session.pop(key, None)
        sessions.close_web_session()
        return None

    def create_jwt_manager(self, app):
        manager = super().create_jwt_manager(app)
        manager.additional_claims_loader(sessions.token_claims)
        return manager

    def load_user_jwt(self, _jwt_header, jwt_data):
        row = self.user_with_roles(jwt_data["sub"], sessions.version_column(self.user_model))
        if row is None or not row[0].is_active or not sessions.token_current(jwt_data,
                                                                              row[1]):
            return None
        g.user = row[0]  # as FAB's own lookup does
        return row[0]

    def on_user_logout(self, user):
        """Logging out ends every session and token of the user, on every
        device: a copy of the session cookie taken before is worth nothing."""
        super().on_user_logout(user)
        sessions.close_web_session()
        sessions.end_all(user.id)
        self.session.commit()

    def reset_password(self, userid, password):
        """A new password (one's own, set by an administrator or by the
        emailed link) ends every session and token of the user."""
        sessions.end_all(int(userid))
        super().reset_password(userid, password)  # commits both
