"""Domain errors: a refused action raises one, with a message a caseworker understands."""

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A rule of the domain refuses the action. `field` names the input it concerns, if any."""

    code = "refused"

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The user may see the case but their role may not do this to it."""

    code = "not_allowed"


class KeyReused(DomainError):
    """A referral's one-time key was sent before with other input: the first case is not the answer."""

    code = "idempotency_key_reused"

    def __init__(self):
        super().__init__(_("Nøglen er allerede brugt til en anden henvisning. Send en ny nøgle med nye data."))


class StaleCase(DomainError):
    """Someone else changed the case after this user loaded it."""

    code = "stale"

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or _(
                "Sagen er blevet ændret af en anden, efter du åbnede den. Dine indtastninger er bevaret: "
                "gennemse sagen og gem igen."
            )
        )
