"""Start-up configuration: the secret key rule and the database location."""
import os

import pytest

from app import InsecureSecretKey, create_app
from config import DEVELOPMENT_SECRET_KEY


def test_production_database_without_secret_key_refuses_to_start(tmp_path):
    with pytest.raises(InsecureSecretKey):
        create_app({
            "SECRET_KEY": DEVELOPMENT_SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/prod.db",
        })


def test_debug_may_use_the_development_key(tmp_path):
    app = create_app({
        "DEBUG": True,
        "SECRET_KEY": DEVELOPMENT_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/dev.db",
    })
    assert app.config["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY


def test_single_machine_install_keeps_a_generated_key(tmp_path, monkeypatch):
    import app as app_package

    instance = tmp_path / "instance"
    monkeypatch.setattr(app_package, "PROJECT_DIR", str(tmp_path))
    first = create_app({"SECRET_KEY": DEVELOPMENT_SECRET_KEY,
                        "SQLALCHEMY_DATABASE_URI": None})
    second = create_app({"SECRET_KEY": DEVELOPMENT_SECRET_KEY,
                         "SQLALCHEMY_DATABASE_URI": None})
    key = first.config["SECRET_KEY"]
    assert key != DEVELOPMENT_SECRET_KEY and len(key) >= 64
    assert second.config["SECRET_KEY"] == key  # sessions survive a restart
    assert first.config["SQLALCHEMY_DATABASE_URI"] == (
        f"sqlite:///{instance / 'pontive.db'}"
    )
    assert oct(os.stat(instance / "secret_key").st_mode & 0o777) == "0o600"
