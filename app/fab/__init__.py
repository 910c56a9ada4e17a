"""The one seam to Flask-AppBuilder's (and Flask's, WTForms' and SQLAlchemy's)
internals. Each module names the behaviour it relies on; tests/test_fab_seam.py
fails if an upgrade changes it."""
