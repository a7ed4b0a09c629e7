"""The reference accounting API of seed 003: an accounting system's API that meets every item of
Webwinkelfacturen.nl's list, shaped like Moneybird with Exact Online's vocabulary."""

from sandbox.apis.accounting.errors import render_error
from sandbox.apis.accounting.world import AccountingWorld
from sandbox.runtime.package import ApiPackage

package = ApiPackage(render_error=render_error, create_world=AccountingWorld)

from sandbox.apis.accounting import contacts, limits, products, settings, transactions  # noqa: E402, F401  (registers the handlers)
