"""The console's routes: the home page at `/` for a browser (JSON clients keep the JSON index), the
pages under /console, our own scripts and Swagger UI's built files."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from openapi_ui_bundles import swagger_ui
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route, Router
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.control.console.views import ApiView, addresses, api_view
from sandbox.runtime.services import Services
from sandbox.spec.negotiate import negotiate

HERE = Path(__file__).resolve().parent
PREFIX = "/console"
# the pages about one tenant: (path, template, title in the navigation)
TENANT_PAGES = (
    ("tenants", "tenants.html", "Tenants"),
    ("journal", "journal.html", "Journal"),
    ("contracts", "contracts.html", "Contracts"),
    ("controls", "controls.html", "Clock, limits, faults, actions"),
)


class Console:
    """An ASGI app for the paths no API serves; what it does not know goes to `otherwise`."""

    def __init__(self, services: Services, otherwise: ASGIApp) -> None:
        self.services = services
        self.otherwise = otherwise
        self.router = Router(
            routes=[
                Route("/", self.home),
                Route(PREFIX, self.to_home),
                Route(PREFIX + "/docs/{api}", self.docs),
                *(
                    Route(f"{PREFIX}/{path}", self._page(template, title))
                    for path, template, title in TENANT_PAGES
                ),
                Mount(PREFIX + "/static", StaticFiles(directory=HERE / "static")),
                Mount(PREFIX + "/swagger-ui", StaticFiles(directory=swagger_ui.static_path)),
            ],
            default=otherwise,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # the console only shows; any other method meets the sandbox's own 404, as before it
        if scope["method"] in ("GET", "HEAD"):
            await self.router(scope, receive, send)
        else:
            await self.otherwise(scope, receive, send)

    # what the pages show of the APIs is made when a page is first asked for: it compiles every
    # API's operations, which a start no longer does
    @cached_property
    def apis(self) -> list[ApiView]:
        return [api_view(api) for api in self.services.apis]

    @cached_property
    def by_name(self) -> dict[str, ApiView]:
        return {view.name: view for view in self.apis}

    @cached_property
    def addresses(self) -> list[dict]:
        return addresses(self.services.apis)

    @cached_property
    def templates(self):
        # the template engine loads when a person first opens a page, not at every start-up
        from starlette.templating import Jinja2Templates

        templates = Jinja2Templates(directory=HERE / "templates")
        templates.env.globals.update(prefix=PREFIX, pages=TENANT_PAGES, apis=self.apis)
        return templates

    async def home(self, request: Request) -> Response:
        wanted = negotiate(request.headers.get("accept"), ["application/json", "text/html"])
        if wanted != "text/html":
            return _Delegate(self.otherwise)
        return self._render(request, "home.html", "API sandbox")

    async def to_home(self, request: Request) -> Response:
        return RedirectResponse("/", status_code=303)

    async def docs(self, request: Request) -> Response:
        view = self.by_name.get(request.path_params["api"])
        if view is None:
            return _Delegate(self.otherwise)
        return self._render(request, "docs.html", f"{view.title}: interactive docs", api=view)

    def _page(self, template: str, title: str):
        async def page(request: Request) -> Response:
            return self._render(request, template, title)

        return page

    def _render(self, request: Request, template: str, title: str, **context) -> Response:
        response = self.templates.TemplateResponse(
            request, template, {"title": title, "addresses": self.addresses, **context}
        )
        # the pages hold no secret, but scripts must come from the sandbox alone
        response.headers["Content-Security-Policy"] = CSP
        response.headers["Cache-Control"] = "no-store"
        return response


# Swagger UI styles with inline attributes and builds its own blob: URLs for downloads
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; frame-src 'self' blob:; object-src 'self' blob:; connect-src 'self'"
)


class _Delegate(Response):
    """A route's answer that hands the request on (to the JSON index, or the sandbox's 404)."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__()
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)
