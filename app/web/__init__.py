"""The panel's pages: Flask-AppBuilder views, forms, templates and static files."""
