"""What an emulated API supplies to the engine: handlers by operationId, an error renderer,
a factory for its deterministic world, and sandbox actions: the things that happen outside the
API in reality (a school accepts an enrolment, someone logs in to an application), which tests
trigger through the control plane."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from sandbox.errors import Problem, problem_json
from sandbox.runtime.clock import Clock
from sandbox.runtime.context import Reply, RequestContext, TenantScope
from sandbox.spec.loader import check_schema
from sandbox.spec.validate import SchemaValidator

if TYPE_CHECKING:
    from sandbox.runtime.api import ApiRuntime
    from sandbox.runtime.services import Services

Handler = Callable[[RequestContext], Reply | Awaitable[Reply]]
WorldFactory = Callable[[str, str, dict], Any]  # (seed, tenant, fixture) -> world
ActionFunc = Callable[["ActionCall"], Awaitable[Any]]


@dataclass
class ActionCall(TenantScope):
    """What a sandbox action receives: the API, the tenant, the validated body, the tenant clock,
    and by name the tenant's world, state overlay and the services."""

    api: ApiRuntime
    services: Services
    tenant: str
    body: dict
    clock: Clock


@dataclass
class Action:
    name: str
    summary: str
    schema: dict
    run: ActionFunc
    validator: SchemaValidator


class ApiPackage:
    def __init__(
        self,
        render_error: Callable[[Problem], Response] = problem_json,
        create_world: WorldFactory | None = None,
    ) -> None:
        self.render_error = render_error
        self.create_world = create_world
        self.handlers: dict[str, Handler] = {}
        # operationId -> what besides the request the answer depends on (see `handler`)
        self.kept_by: dict[str, Callable[[RequestContext], Hashable]] = {}
        self.actions: dict[str, Action] = {}

    def handler(
        self, operation_id: str, kept_by: Callable[[RequestContext], Hashable] | None = None
    ) -> Callable[[Handler], Handler]:
        """`kept_by`: the handler's answer is a pure function of the tenant's world, the request's
        parameters, base URL and negotiated media type, and of what `kept_by(ctx)` returns (the
        clock's day, say), so each process keeps answers until a change (a reset, a clock move)."""

        def register(func: Handler) -> Handler:
            if operation_id in self.handlers:
                raise ValueError(f"two handlers for {operation_id}")
            self.handlers[operation_id] = func
            if kept_by is not None:
                self.kept_by[operation_id] = kept_by
            return func

        return register

    def action(self, name: str, schema: dict) -> Callable[[ActionFunc], ActionFunc]:
        """Register a sandbox action; its docstring's first line is its summary."""

        def register(func: ActionFunc) -> ActionFunc:
            if name in self.actions:
                raise ValueError(f"two actions named {name}")
            check_schema(schema)
            summary = (func.__doc__ or name).strip().splitlines()[0]
            self.actions[name] = Action(name, summary, schema, func, SchemaValidator(schema))
            return func

        return register

    @staticmethod
    async def call(handler: Handler, ctx: RequestContext) -> Reply | Response:
        result = handler(ctx)
        if inspect.isawaitable(result):
            result = await result
        return result if isinstance(result, Reply | Response) else Reply(result)
