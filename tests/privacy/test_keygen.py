"""bin/run's first start writes fresh secrets to .env, once, and never prints them."""

from privacy import crypto
from privacy.keygen import add_missing, main


def read_env(path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def test_a_missing_env_file_gets_a_secret_key_and_well_formed_field_keys(tmp_path):
    env = tmp_path / ".env"

    assert add_missing(env) == ["DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"]

    values = read_env(env)
    assert (
        crypto.key_problems([values["FIELD_ENCRYPTION_KEYS"]], values["BLIND_INDEX_KEY"], values["DJANGO_SECRET_KEY"])
        == []
    )
    assert len(values["DJANGO_SECRET_KEY"]) >= 50
    assert env.stat().st_mode & 0o077 == 0  # readable by its owner only


def test_existing_values_are_kept_and_only_the_missing_ones_added(tmp_path):
    env = tmp_path / ".env"
    env.write_text("DJANGO_SECRET_KEY=mine\nexport REDIS_URL=redis://x")

    assert add_missing(env) == ["FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"]
    assert add_missing(env) == []
    values = read_env(env)
    assert values["DJANGO_SECRET_KEY"] == "mine" and values["export REDIS_URL"] == "redis://x"


def test_two_runs_generate_different_keys_and_print_none(tmp_path, capsys):
    first, second = tmp_path / "a.env", tmp_path / "b.env"

    main([str(first)])
    main([str(second)])
    output = capsys.readouterr().out

    assert read_env(first)["FIELD_ENCRYPTION_KEYS"] != read_env(second)["FIELD_ENCRYPTION_KEYS"]
    assert not any(value in output for value in [*read_env(first).values(), *read_env(second).values()])
