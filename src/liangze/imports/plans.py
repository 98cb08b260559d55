"""An import's plan on disk: what the check decided to write, kept until the write job runs.

The plan holds every row of the file (100,000 for a large one), so its format is chosen for
speed: marshal writes it about six times and reads it twice as fast as JSON. marshal is not
meant for bytes from elsewhere, so the plan is signed with an HMAC of the project's secret key
and read only when the signature holds: the write job unmarshals nothing but what a check of
this site wrote. The signature also names marshal's format version, so a plan from another
Python reads as outdated instead of wrongly.
"""

import hmac
import marshal

from django.utils.crypto import salted_hmac

_SALT = f"liangze.imports.plan.marshal{marshal.version}"
_DIGEST_SIZE = 32  # SHA-256


class PlanRefused(ValueError):
    """The bytes are not a plan this site wrote (altered, cut short, or from another version)."""


def _signature(payload: bytes) -> bytes:
    return salted_hmac(_SALT, payload, algorithm="sha256").digest()


def plan_dumps(plan: dict) -> bytes:
    """The plan (dicts, lists, str, int, bool, None only) as signed bytes."""
    payload = marshal.dumps(plan)
    return _signature(payload) + payload


def plan_loads(data: bytes) -> dict:
    """The plan plan_dumps wrote; PlanRefused for anything else."""
    signature, payload = data[:_DIGEST_SIZE], data[_DIGEST_SIZE:]
    if not hmac.compare_digest(signature, _signature(payload)):
        raise PlanRefused("the plan's signature does not hold")
    plan = marshal.loads(payload)  # noqa: S302 (signed above: only bytes this site wrote)
    if not isinstance(plan, dict):
        raise PlanRefused("the plan is not a mapping")
    return plan
