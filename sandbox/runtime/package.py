"""What an emulated API supplies to the engine: handlers by operationId, an error renderer,
and a factory for its deterministic world."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.responses import Response

from sandbox.runtime.context import Reply, RequestContext
from sandbox.runtime.errors import Problem, problem_json

Handler = Callable[[RequestContext], Reply | Awaitable[Reply]]
WorldFactory = Callable[[str, str, dict], Any]  # (seed, tenant, fixture) -> world


class ApiPackage:
    def __init__(
        self,
        render_error: Callable[[Problem], Response] = problem_json,
        create_world: WorldFactory | None = None,
    ) -> None:
        self.render_error = render_error
        self.create_world = create_world
        self.handlers: dict[str, Handler] = {}

    def handler(self, operation_id: str) -> Callable[[Handler], Handler]:
        def register(func: Handler) -> Handler:
            if operation_id in self.handlers:
                raise ValueError(f"two handlers for {operation_id}")
            self.handlers[operation_id] = func
            return func

        return register

    @staticmethod
    async def call(handler: Handler, ctx: RequestContext) -> Reply | Response:
        result = handler(ctx)
        if inspect.isawaitable(result):
            result = await result
        return result if isinstance(result, Reply | Response) else Reply(result)
