"""CodaBox Connect over HTTP (specs/codabox-connect.yaml): CodaBox through Ibanity, on the world of
the CodaBox API V2 (family `codabox`), with the shared Ibanity layer (`sandbox.apis.codabox.ibanity`).

- `errors`: Connect's own codes;
- `consents`: accounting-office consents, their confirmation page and sandbox actions, the API root
  and the token endpoint;
- `documents`: document searches and downloads by `Accept`;
- `contracts`: the checks of a vendor's Connect client (search windows, paging).
"""

from sandbox.apis.codabox.ibanity import render_error
from sandbox.apis.codabox.world import CodaboxWorld
from sandbox.runtime.package import ApiPackage

package = ApiPackage(render_error=render_error, create_world=CodaboxWorld)

from sandbox.apis.codabox.connect import consents, documents  # noqa: E402, F401  (register handlers)
