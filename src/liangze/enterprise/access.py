"""Who may do what with a business's duties (docs/domain.md §1.8, §1.13).

Reading follows the scoping function: the regions' roles read the businesses of their subtrees,
business staff their own business. Business staff keep the records; the director manages the
officers and the contact details; office staff manage people, accounts and enrolment codes
inside their subtrees and the starter lists of their province."""

from liangze.accounts.access import can_manage_division
from liangze.accounts.models import Role
from liangze.officials.access import can_set_province_rules


def staff_role(viewer, business) -> str | None:
    """The viewer's business role on `business` (director before officer), or None."""
    if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return None
    roles = {
        g.role
        for g in viewer.active_grants()
        if g.business_id == business.pk
        and g.role in (Role.BUSINESS_DIRECTOR, Role.BUSINESS_OFFICER)
    }
    if Role.BUSINESS_DIRECTOR in roles:
        return Role.BUSINESS_DIRECTOR
    if Role.BUSINESS_OFFICER in roles:
        return Role.BUSINESS_OFFICER
    return None


def staff_business_ids(viewer) -> list[int]:
    if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return []
    return sorted(
        {
            g.business_id
            for g in viewer.active_grants()
            if g.business_id and g.role in (Role.BUSINESS_DIRECTOR, Role.BUSINESS_OFFICER)
        }
    )


def can_keep_records(viewer, business) -> bool:
    """Daily checks, weekly reviews, monthly minutes, closed days, the risk list: the business's
    own director and officers."""
    return staff_role(viewer, business) is not None


def can_manage_officers(viewer, business) -> bool:
    """Add and remove officers, keep the contact details: the director, or the office."""
    return staff_role(viewer, business) == Role.BUSINESS_DIRECTOR or can_manage_division(
        viewer, business.division
    )


def can_manage_people(viewer, business) -> bool:
    """Appoint the director, create staff accounts, hand out enrolment codes: the office."""
    return can_manage_division(viewer, business.division)


def can_edit_risk_list(viewer, business) -> bool:
    return can_keep_records(viewer, business) or can_manage_division(viewer, business.division)


def can_edit_starter_lists(viewer, province) -> bool:
    """A province's starter risk lists are one of its settings: changed by whoever changes the
    province's settings (its own office staff, administrators; officials.access)."""
    return can_set_province_rules(viewer, province)
