"""An ``authorization_function`` for the production-registry server (MLflow's documented hook
for custom authentication, ``[mlflow] authorization_function`` in the auth config): a bearer
token — what the MLflow client sends for ``MLFLOW_TRACKING_TOKEN`` — signs in as the user it
was issued to; anything else goes to the basic-auth check. The server imports this module
(tests/integration is on its PYTHONPATH); the tokens live in the JSON file that
``$MLGATE_TEST_TOKENS`` names, so a test can issue one while the server runs."""

from __future__ import annotations

import json
import os
from typing import Any


def authenticate_bearer_or_basic() -> Any:
    from flask import Response, request
    from mlflow.server.auth import authenticate_request_basic_auth
    from werkzeug.datastructures import Authorization

    kind, _, token = request.headers.get("Authorization", "").partition(" ")
    if kind.lower() != "bearer":
        return authenticate_request_basic_auth()
    with open(os.environ["MLGATE_TEST_TOKENS"], encoding="utf-8") as tokens:
        user = json.load(tokens).get(token.strip())
    if user is None:
        return Response("invalid token", 401, {"WWW-Authenticate": 'Bearer realm="mlflow"'})
    return Authorization("bearer", {"username": user})
