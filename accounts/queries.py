"""What the user administration and the coordinators' approval pages list."""

from django.db.models import QuerySet

from .models import RoleRequest, User


def user_list() -> QuerySet[User]:
    """Every member of staff, active first, by agency."""
    return User.objects.select_related("team").order_by("-is_active", "agency", "username")


def user_role_requests(user: User) -> list[RoleRequest]:
    return list(user.role_requests.select_related("team", "requested_by", "decided_by").order_by("-requested_at"))


def pending_roles(users) -> dict[int, RoleRequest]:
    """The pending request of each of these users (at most one each)."""
    pending = RoleRequest.objects.filter(user__in=users, status=RoleRequest.Status.PENDING)
    return {request.user_id: request for request in pending}


def role_requests_to_decide(approver: User) -> QuerySet[RoleRequest]:
    """The pending requests this coordinator may decide: their agency's roles, not about or asked by themselves."""
    from access import policy  # the policy sits above the apps it governs; imported late to avoid a cycle

    roles = [role for role in policy.ROLE_APPROVERS if policy.may_decide_role(approver, role)]
    return (
        RoleRequest.objects.filter(status=RoleRequest.Status.PENDING, role__in=roles)
        .exclude(user=approver)
        .exclude(requested_by=approver)
        .select_related("user", "team", "requested_by")
        .order_by("requested_at", "id")
    )
