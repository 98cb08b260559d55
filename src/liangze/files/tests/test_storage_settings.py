"""The STORAGES block of settings.py, run afresh with a given environment."""

import runpy

import pytest
from django.core.exceptions import ImproperlyConfigured

import liangze.settings


@pytest.fixture
def load_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("LIANGZE_VAR_DIR", str(tmp_path / "var"))
    for name in (
        "LIANGZE_FILE_STORAGE",
        "LIANGZE_S3_BUCKET",
        "LIANGZE_S3_ENDPOINT_URL",
        "LIANGZE_S3_REGION",
        "LIANGZE_S3_ACCESS_KEY",
        "LIANGZE_S3_SECRET_KEY",
    ):
        monkeypatch.delenv(name, raising=False)

    def load(**env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(liangze.settings.__file__)

    return load


@pytest.mark.parametrize("value", [None, "", "local", "LOCAL"])
def test_files_stay_in_the_var_folder_by_default(load_settings, tmp_path, value):
    env = {} if value is None else {"LIANGZE_FILE_STORAGE": value}
    default = load_settings(**env)["STORAGES"]["default"]
    assert default["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert default["OPTIONS"] == {"location": tmp_path / "var" / "files", "base_url": None}


def test_s3_storage_is_private_and_configured_from_the_environment(load_settings, tmp_path):
    secret_file = tmp_path / "s3_secret"
    secret_file.write_text("from-a-file\n")

    default = load_settings(
        LIANGZE_FILE_STORAGE="s3",
        LIANGZE_S3_BUCKET="liangze-files",
        LIANGZE_S3_ENDPOINT_URL="https://minio.example.internal",
        LIANGZE_S3_REGION="cn-northwest-1",
        LIANGZE_S3_ACCESS_KEY="key-id",
        LIANGZE_S3_SECRET_KEY_FILE=str(secret_file),
    )["STORAGES"]["default"]

    assert default == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "liangze-files",
            "endpoint_url": "https://minio.example.internal",
            "region_name": "cn-northwest-1",
            "access_key": "key-id",
            "secret_key": "from-a-file",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


def test_s3_storage_leaves_unset_options_to_boto3(load_settings):
    options = load_settings(LIANGZE_FILE_STORAGE="s3", LIANGZE_S3_BUCKET="b")["STORAGES"][
        "default"
    ]["OPTIONS"]
    assert options["endpoint_url"] is None
    assert options["access_key"] is None
    assert options["secret_key"] is None


def test_s3_storage_needs_a_bucket(load_settings):
    with pytest.raises(ImproperlyConfigured, match="LIANGZE_S3_BUCKET"):
        load_settings(LIANGZE_FILE_STORAGE="s3")


def test_the_storage_choice_ignores_case_and_spaces(load_settings):
    default = load_settings(LIANGZE_FILE_STORAGE=" S3 ", LIANGZE_S3_BUCKET="b")["STORAGES"][
        "default"
    ]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"


@pytest.mark.parametrize("value", ["minio", "filesystem", "s4"])
def test_an_unknown_storage_stops_start_up(load_settings, value):
    with pytest.raises(ImproperlyConfigured, match="LIANGZE_FILE_STORAGE"):
        load_settings(LIANGZE_FILE_STORAGE=value)
