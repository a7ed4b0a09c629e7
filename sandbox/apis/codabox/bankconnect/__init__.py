"""CodaBox BankConnect over HTTP (specs/codabox-bankconnect.yaml): the bank's side of CodaBox
mandates through Ibanity, on the world of the CodaBox API V2 (family `codabox`), with the shared
Ibanity layer (`sandbox.apis.codabox.ibanity`).

- `errors`: BankConnect's own codes;
- `accounts`: the API root, the token endpoint, the accounts awaiting the bank, their mandate PDF,
  and the bank's decisions (approval, rejection, deactivation) over `mandates`' pure functions;
- `contracts`: the checks of a bank's BankConnect client.
"""

from sandbox.apis.codabox.ibanity import render_error
from sandbox.apis.codabox.world import CodaboxWorld
from sandbox.runtime.package import ApiPackage

package = ApiPackage(render_error=render_error, create_world=CodaboxWorld)

from sandbox.apis.codabox.bankconnect import accounts  # noqa: E402, F401  (register handlers)
