"""`make run` serves the demo; `make run PORT=8001` serves it on another port."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def planned_commands(*args: str) -> str:
    """What `make run` would run, without running it (make -n)."""
    return subprocess.run(
        ["make", "-n", "run", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def test_make_run_serves_on_the_port_given():
    assert "manage.py serve --bind 127.0.0.1:8001" in planned_commands("PORT=8001")


def test_make_run_serves_on_8000_by_default():
    assert "manage.py serve --bind 127.0.0.1:8000" in planned_commands()


def test_readme_keeps_two_set_up_commands_and_names_the_port():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Two commands\s+```sh\n(.*?)```", readme, re.DOTALL).group(1)
    assert [line.split()[:2] for line in block.strip().splitlines()] == [
        ["make", "run"],
        ["make", "test"],
    ]
    assert "make run PORT=8001" in readme
