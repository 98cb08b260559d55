"""The registry's periodic task (registration in apps.py)."""

from django_tasks import task

from liangze.businesses import services


@task()
def business_tally_fold_run() -> dict:
    """Periodic: add the tally's pending changes to it (services.business_tally_fold)."""
    return {"moved": services.business_tally_fold()}
