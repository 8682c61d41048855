"""The single-page app: static files, and ``index.html`` for every client-side route."""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Match, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

#: Paths that belong to the server's own routes, never to the static files.
API_PREFIXES = (
    "/graphql",
    "/oauth/",
    "/documents/",
    "/exports/",
    "/healthz",
    "/livez",
    "/readyz",
    "/metrics",
)
#: Paths the SPA never owns: an unknown one there is a real 404, not a client route.
SERVER_PREFIXES = (*API_PREFIXES, "/assets/")


class SPAFiles(StaticFiles):
    """Static files that answer unknown non-API paths without an extension with index.html,
    so deep links and reloads of client-side routes work."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory, html=True, check_dir=False)
        self.index = directory / "index.html"

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            return await super().get_response(path, scope)
        except HTTPException as error:
            request = Request(scope)
            if error.status_code != 404 or not self._is_client_route(request):
                raise
            return FileResponse(self.index, headers={"cache-control": "no-cache"})

    @staticmethod
    def _is_client_route(request: Request) -> bool:
        path = request.url.path
        return (
            request.method in ("GET", "HEAD")
            and not path.startswith(SERVER_PREFIXES)
            and "." not in path.rsplit("/", 1)[-1]
        )


class SPAMount(Mount):
    """Mounts the SPA at ``/`` without claiming server paths, so that, say, ``GET
    /oauth/token`` answers 405 from its route instead of a 404 from the static files."""

    def __init__(self, directory: Path) -> None:
        super().__init__("/", app=SPAFiles(directory))

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith(API_PREFIXES):
            return Match.NONE, {}
        return super().matches(scope)
