"""API docs that work offline: Swagger UI and ReDoc served by the service itself.

The JavaScript and CSS come from the ``fastapi-offline`` package (it ships the Swagger UI and
ReDoc bundles and refreshes them with each release), mounted at ``/docs-assets``; the pages are
FastAPI's own ``get_swagger_ui_html`` / ``get_redoc_html`` pointed at them (FastAPI's
self-hosting recipe), so nothing is fetched from a CDN and air-gapped clusters get working docs.

``/docs``, ``/redoc`` and ``/openapi.json`` follow the API key like every other endpoint but
``/healthz``; ``VERIREWARD_DOCS_PUBLIC=true`` opens them even with a key set (the schema holds
no secret, and "Try it out" on ``/score`` still needs the key, given with the Authorize button).
The assets are the public library's files and are always open.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from verireward.service.auth import require_api_key
from verireward.service.docs_examples import SCORE_EXAMPLES, SCORE_RESPONSES

ASSETS_URL = "/docs-assets"
ASSETS_DIR = files("fastapi_offline") / "static"

DESCRIPTION = """\
Verifiable rewards for RL of reasoning LLMs. A trainer posts a batch of completions to
`POST /score`; each item gets a `reward` (the weighted sum of its verifiers' `scores`) and,
per verifier, `details` saying why. One result per item, in input order, `id` echoed.

* **math** (weight 1 when the item has `answer`): the final answer equals the reference.
* **code** (weight 1 when the item has `tests`): the last fenced block passes the tests in a
  sandbox.
* **format** (weight 0.1): the R1 template `<think>…</think><answer>…</answer>`.
* **language** (weight 0.2 when the item has `language`), and shaping rewards you weight in:
  `reasoning_steps`, `repetition`, `overlong`, `length_cosine`, `length_group`.

A completion's own failure scores 0 with a reason. What is not its fault gives `reward: null`
and a typed `error` (`verifier_unavailable`, `sandbox_unavailable`, `reference_unparseable`…)
so the trainer can mask the item; one item never fails the batch. `GET /verifiers` lists the
installed verifiers with their params schema. Malformed requests get 400/413/422 naming the
field; a full service answers 503 with `Retry-After`.
"""


def _docs_guard(request: Request) -> None:
    if not request.app.state.settings.docs_public:
        require_api_key(request)


router = APIRouter(dependencies=[Depends(_docs_guard)], include_in_schema=False)


@router.get("/openapi.json")
async def openapi_json(request: Request) -> JSONResponse:
    return JSONResponse(request.app.openapi())


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    return get_swagger_ui_html(
        openapi_url=f"{root}/openapi.json",
        title="verireward - Swagger UI",
        swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
        oauth2_redirect_url=f"{root}/docs/oauth2-redirect",
        # the request examples open with their JSON shown, ready for "Try it out"
        swagger_ui_parameters={"defaultModelsExpandDepth": 0, "tryItOutEnabled": True},
    )


@router.get("/docs/oauth2-redirect")
async def swagger_ui_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    return get_redoc_html(
        openapi_url=f"{root}/openapi.json",
        title="verireward - ReDoc",
        redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
        redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
        with_google_fonts=False,  # no fonts from the internet either
    )


def install_docs(app: FastAPI) -> None:
    """Mount the assets and the doc pages (the app is built with its own docs turned off)."""
    app.mount(ASSETS_URL, StaticFiles(directory=str(ASSETS_DIR)), name="docs-assets")
    app.include_router(router)


def describe_score(schema: dict[str, Any]) -> None:
    """Add the request examples and the error responses to ``POST /score`` in ``schema``."""
    operation = schema["paths"]["/score"]["post"]
    content = operation["requestBody"]["content"]["application/json"]
    content["examples"] = SCORE_EXAMPLES
    operation["responses"].update(SCORE_RESPONSES)
