"""`make test-fast` reuses a migrated template database; a changed migration must not reuse it."""

from tests import conftest


def test_a_new_or_edited_migration_makes_a_new_template(tmp_path, monkeypatch):
    migrations = tmp_path / "apps" / "shop" / "migrations"
    migrations.mkdir(parents=True)
    (migrations / "0001_initial.py").write_text("operations = []\n")
    monkeypatch.setattr(conftest, "ROOT", tmp_path)
    first = conftest._migrations_fingerprint()
    assert conftest._migrations_fingerprint() == first  # same migrations: the template is reused

    (migrations / "0002_price.py").write_text("operations = ['add price']\n")
    second = conftest._migrations_fingerprint()
    assert second != first

    (migrations / "0002_price.py").write_text("operations = ['add price in cents']\n")
    assert conftest._migrations_fingerprint() not in {first, second}
