"""What the app keeps about a user account beside Flask-AppBuilder's user."""
import sqlalchemy as sa

from app.platform.extensions import db


class SessionVersion(db.Model):
    """The generation of a user's sessions and tokens: each web session and
    JWT carries the version it was made in, and raising the version (logout,
    a new password) ends every one made before. No row: version 0."""

    __tablename__ = "session_version"

    user_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id", ondelete="CASCADE"),
                        primary_key=True, autoincrement=False)
    version = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")
