"""Links mailed to a user: a token signed with SECRET_KEY (a salt per kind of
link, so one kind is never taken for another) that expires, and names the
user and the state of their account when it was sent. The email
verification (app/domain/accounts.py) and the password reset
(app/domain/password_reset.py) compare that state with the account's now, so
a link stops working once what it was sent for has changed.
"""
from dataclasses import dataclass

from flask import current_app
from flask_appbuilder.security.sqla.models import User
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from app.platform.extensions import db

# Why a link names no user.
EXPIRED = "expired"
INVALID = "invalid"


@dataclass(frozen=True)
class SignedLink:
    salt: str

    def _serializer(self):
        return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=self.salt)

    def token(self, user, state):
        return self._serializer().dumps({"user": user.id, "state": state})

    def read(self, token, max_age_seconds):
        """(None, user, the state it was sent with), or (:data:`EXPIRED` or
        :data:`INVALID`, None, None)."""
        try:
            payload = self._serializer().loads(token, max_age=max_age_seconds)
        except SignatureExpired:
            return EXPIRED, None, None
        except BadData:
            return INVALID, None, None
        user_id = payload.get("user") if isinstance(payload, dict) else None
        user = db.session.get(User, user_id) if isinstance(user_id, int) else None
        if user is None:
            return INVALID, None, None
        return None, user, payload.get("state")
