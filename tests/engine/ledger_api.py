"""A small API of the engine's own tests: one handler per engine behaviour under test."""

from sandbox.runtime.context import Reply, Upload
from sandbox.runtime.package import ApiPackage

package = ApiPackage()

ACCOUNT = {
    "number": 7,
    "name": "Kas",
    "iban": "BE71096123456769",
    "enterprise": "0403019261",
    "opened": "2020-01-01",
    "lines": [{"amount": 10.5, "memo": None}],
}


@package.handler("createAccount")
def create_account(ctx):
    return Reply(ctx.body, status=201)


@package.handler("getAccount")
def get_account(ctx):
    if ctx.media_type == "text/csv":
        return Reply("number,name\n7,Kas\n")
    return {**ACCOUNT, "number": ctx.params["number"]}


@package.handler("brokenAnswer")
async def broken_answer(ctx):
    return {**ACCOUNT, "iban": "BE00 not an iban"}


@package.handler("listEntries")
def list_entries(ctx):
    return {"tenant": ctx.tenant, "entries": []}


@package.handler("bookEntry")
def book_entry(ctx):
    return Reply(None, status=204)


@package.handler("attachDocument")
def attach_document(ctx):
    received = {}
    for name, value in ctx.body.items():
        if isinstance(value, Upload):
            received[name] = {"filename": value.filename, "type": value.content_type, "size": len(value.data)}
        else:
            received[name] = value
    return Reply(received, status=201)


@package.handler("postStatement")
def post_statement(ctx):
    root = ctx.body.root
    return Reply({"root": root.tag, "entries": len(root), "bytes": len(ctx.body.raw)}, status=201)


@package.handler("putBlob")
def put_blob(ctx):
    return {"size": len(ctx.body), "start": ctx.body[:4].hex()}


@package.handler("combinedCredentials")
@package.handler("cookieCredentials")
def who(ctx):
    return {"tenant": ctx.tenant}


@package.handler("publicInfo")
def public_info(ctx):
    return Reply(None, status=204)
