"""REST API under /api/v1/ (Flask-AppBuilder's JWT login)."""
