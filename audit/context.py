"""The request being served, for audit rows written by services that are not handed the request."""

import contextvars

_request: contextvars.ContextVar = contextvars.ContextVar("audit_request", default=None)


def current_request():
    return _request.get()


def set_current_request(request) -> contextvars.Token:
    return _request.set(request)


def reset_current_request(token: contextvars.Token) -> None:
    _request.reset(token)
