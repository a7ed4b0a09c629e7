"""NBB CBSO Webservices: annual accounts filed with the National Bank of Belgium."""

from sandbox.apis.nbb_cbso.errors import render_error
from sandbox.apis.nbb_cbso.world import NbbWorld
from sandbox.runtime.package import ApiPackage

package = ApiPackage(render_error=render_error, create_world=NbbWorld)

from sandbox.apis.nbb_cbso import handlers  # noqa: E402, F401  (registers the handlers)
