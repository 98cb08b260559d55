# The division import runs as a job: its files go where the jobs tests put theirs.
from liangze.jobs.tests.conftest import _private_files, restore_signals  # noqa: F401
