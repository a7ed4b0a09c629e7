"""CodaBox API V2: accounting offices, their clients' mandates, and the documents that flow to them.

The engine-independent core, pure functions of the world, dates and plain dicts:

- `world`: offices, clients, bank accounts, mandates and the documents of any range of days;
- `statements`, `invoices`, `soda`: what a document holds;
- `coda`, `camt`, `soda`, `ubl`, `expenses`, `pdfs`: the files a client downloads;
- `ubl.validate_invoice`: the check of an uploaded invoice, rule by rule;
- `mandates`: ordering mandates and their lifecycle over the tenant's overlay;

The API over HTTP (specs/codabox-v2.yaml), bound to the engine:

- `errors`: the `{"detail"}` body and the catalogue of refusals;
- `users`: who a request acts for (an office's user, or a client's from the token flow) and the token flow;
- `views`: offices, clients and mandates as the wire shows them;
- `delivery`: the pod client, the feed, acknowledgements and downloads;
- `clients`: offices, clients, ordering mandates, and the sandbox actions of what happens outside the API;
- `peppol`: licences, invoice upload to the accountant, participant look-up;
- `contracts`: the checks of a vendor's CodaBox client.

CodaBox through Ibanity, on the same world (family `codabox`):

- `ibanity`: what every Ibanity product shares (JSON:API errors and documents, cursor paging,
  idempotency keys, the product's token endpoint, the checks of an Ibanity client);
- `connect`: CodaBox Connect over HTTP (specs/codabox-connect.yaml).
"""

from sandbox.apis.codabox.errors import render_error
from sandbox.apis.codabox.world import CodaboxWorld
from sandbox.runtime.package import ApiPackage

package = ApiPackage(render_error=render_error, create_world=CodaboxWorld)

from sandbox.apis.codabox import clients, delivery, peppol, users  # noqa: E402, F401  (register handlers)
