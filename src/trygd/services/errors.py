"""The errors a use case can end with; the API turns each into one HTTP status."""

from __future__ import annotations


class ServiceError(Exception):
    status = 400
    title = "Bad request"

    def __init__(
        self,
        detail: str,
        problems: list[tuple[str, str]] | None = None,
        *,
        code: str | None = None,
        facts: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.problems = problems or []
        # A stable name for the kind of refusal, and the ids and dates it refers to, so that a
        # page can say it in the person's language (the `detail` is English, for developers).
        self.code = code
        self.facts = facts or {}


class InvalidInput(ServiceError):
    """The request names a field that is missing, malformed or contradicts the case."""

    status = 422
    title = "Invalid input"

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        detail = "; ".join(f"{field}: {problem}" for field, problem in problems)
        super().__init__(detail, problems)


class NotAuthenticated(ServiceError):
    status = 401
    title = "Not authenticated"


# RFC 9470 § 3: the error code of a bearer token whose sign-in is too weak for the request.
INSUFFICIENT_USER_AUTHENTICATION = "insufficient_user_authentication"


class StepUpNeeded(NotAuthenticated):
    """The token is valid, but the person signed in at a lower level of assurance than the
    data asked for needs (OAuth 2.0 Step Up Authentication Challenge, RFC 9470): the client
    must have the person sign in again at `required_acr` and retry with the new token."""

    def __init__(self, required_acr: str, acr: str | None) -> None:
        super().__init__(
            f"this data needs a sign-in at {required_acr}; the token's is at {acr or 'no level'}",
            code=INSUFFICIENT_USER_AUTHENTICATION,
            facts={"required_acr": required_acr},
        )


class Forbidden(ServiceError):
    status = 403
    title = "Forbidden"


class NotFound(ServiceError):
    status = 404
    title = "Not found"


class Conflict(ServiceError):
    """The case is not in a state that allows this, or it changed since the caller read it."""

    status = 409
    title = "Conflict"
