"""Optional API-key auth: on when ``VERIREWARD_API_KEY`` is set.

The key is accepted as a bearer token (``Authorization: Bearer KEY``) or as HTTP basic auth,
which is what a trainer that only takes a URL sends for ``http://user:KEY@host:8000/...``
(OpenRLHF's aiohttp, httpx) or ``http://KEY@host:8000/...``: the password, or the user name
when the password is empty.
"""

from __future__ import annotations

import base64
import binascii
import secrets

from fastapi import Depends, HTTPException, Request, status


def _given_key(authorization: str) -> str:
    scheme, _, value = authorization.partition(" ")
    scheme, value = scheme.lower(), value.strip()
    if scheme == "bearer":
        return value
    if scheme == "basic":
        try:
            user, _, password = base64.b64decode(value, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return ""
        return password or user
    return ""


def require_api_key(request: Request) -> None:
    expected = request.app.state.settings.api_key
    if expected is None:
        return
    given = _given_key(request.headers.get("authorization", ""))
    # Constant-time comparison: response timing must not reveal a key prefix.
    if not secrets.compare_digest(given.encode(), expected.get_secret_value().encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="missing or wrong API key (bearer token or basic auth)",
            headers={"WWW-Authenticate": 'Bearer, Basic realm="verireward"'},
        )


ApiKeyDep = Depends(require_api_key)
