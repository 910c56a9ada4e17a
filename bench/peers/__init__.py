"""The panels a user would pick instead of this one, over the same
database: Django admin (django_admin/), Flask-Admin (flask_admin/) and
stock Flask-AppBuilder (stock_fab/), each a minimal app with a signed-in
superuser or staff account showing the request list (the same columns,
search and order, 25 a page) and a request's page. ``run.py`` seeds a
database and measures every panel's pages in one process, interleaved.
Their packages are in bench/requirements-peers.txt, not the app's."""
