"""Extension objects shared by the whole app (bound in create_app)."""
from flask_appbuilder import Model
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

# One metadata with Flask-AppBuilder's security tables, so migrations and
# foreign keys to ab_user see both.
db = SQLAlchemy(model_class=Model)
# Batch mode lets SQLite alter tables in later migrations.
migrate = Migrate(render_as_batch=True)
csrf = CSRFProtect()
