"""core.env: typed settings from the environment; a malformed value names its variable."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from liangze.core.env import env_bool, env_int, env_list, env_secret, env_str

NAME = "LIANGZE_TEST_SETTING"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    for name in (NAME, f"{NAME}_FILE"):
        monkeypatch.delenv(name, raising=False)


class TestEnvBool:
    @pytest.mark.parametrize("raw", ["1", "true", "TRUE", "Yes", "on", " on "])
    def test_it_reads_true(self, monkeypatch, raw):
        monkeypatch.setenv(NAME, raw)
        assert env_bool(NAME, False) is True

    @pytest.mark.parametrize("raw", ["0", "false", "False", "no", "OFF", "", "  "])
    def test_it_reads_false(self, monkeypatch, raw):
        monkeypatch.setenv(NAME, raw)
        assert env_bool(NAME, True) is False

    @pytest.mark.parametrize("default", [True, False])
    def test_it_falls_back_to_the_default_when_unset(self, default):
        assert env_bool(NAME, default) is default

    @pytest.mark.parametrize("raw", ["2", "ture", "y", "enabled", "真"])
    def test_it_refuses_a_malformed_value_naming_the_variable(self, monkeypatch, raw):
        monkeypatch.setenv(NAME, raw)
        with pytest.raises(ImproperlyConfigured, match=NAME):
            env_bool(NAME, False)


class TestEnvInt:
    @pytest.mark.parametrize(("raw", "expected"), [("0", 0), ("42", 42), (" 7 ", 7), ("-3", -3)])
    def test_it_reads_an_integer(self, monkeypatch, raw, expected):
        monkeypatch.setenv(NAME, raw)
        assert env_int(NAME, 99) == expected

    @pytest.mark.parametrize("raw", [None, "", "   "])
    def test_it_falls_back_to_the_default_when_unset_or_blank(self, monkeypatch, raw):
        if raw is not None:
            monkeypatch.setenv(NAME, raw)
        assert env_int(NAME, 99) == 99

    @pytest.mark.parametrize("raw", ["ten", "1.5", "1e3", "15m", "0x10"])
    def test_it_refuses_a_malformed_value_naming_the_variable(self, monkeypatch, raw):
        monkeypatch.setenv(NAME, raw)
        with pytest.raises(ImproperlyConfigured, match=NAME):
            env_int(NAME, 99)


class TestEnvSecret:
    def test_it_reads_the_variable(self, monkeypatch):
        monkeypatch.setenv(NAME, "s3cret")
        assert env_secret(NAME, "default") == "s3cret"

    def test_it_reads_the_file_named_by_name_file_stripped(self, monkeypatch, tmp_path):
        secret_file = tmp_path / "secret"
        secret_file.write_text("from-file\n", encoding="utf-8")
        monkeypatch.setenv(f"{NAME}_FILE", str(secret_file))
        assert env_secret(NAME, "default") == "from-file"

    def test_it_prefers_the_variable_to_the_file(self, monkeypatch, tmp_path):
        secret_file = tmp_path / "secret"
        secret_file.write_text("from-file", encoding="utf-8")
        monkeypatch.setenv(NAME, "from-env")
        monkeypatch.setenv(f"{NAME}_FILE", str(secret_file))
        assert env_secret(NAME) == "from-env"

    def test_it_falls_back_to_the_default(self):
        assert env_secret(NAME, "default") == "default"

    def test_it_refuses_an_unreadable_file_naming_the_variable(self, monkeypatch, tmp_path):
        monkeypatch.setenv(f"{NAME}_FILE", str(tmp_path / "missing"))
        with pytest.raises(ImproperlyConfigured, match=f"{NAME}_FILE"):
            env_secret(NAME, "default")


def test_env_str_reads_the_variable_or_the_default(monkeypatch):
    assert env_str(NAME, "fallback") == "fallback"
    monkeypatch.setenv(NAME, "given")
    assert env_str(NAME, "fallback") == "given"


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    assert env_list(NAME, ["a"]) == ["a"]
    monkeypatch.setenv(NAME, " example.org, ,127.0.0.1 ,")
    assert env_list(NAME, ["a"]) == ["example.org", "127.0.0.1"]
