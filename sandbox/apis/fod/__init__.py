"""FOD Financiën: the MyMinfin API (documents of own and mandated dossiers) and the Intervat API
(the periodic VAT return), one family sharing one world of software companies, mandataries and
data owners. Both are on hold in reality; a tenant switches to a preview of what is announced.
"""

from sandbox.apis.fod.errors import render_error
from sandbox.apis.fod.world import create_world
from sandbox.runtime.package import ApiPackage

package = ApiPackage(render_error=render_error, create_world=create_world)

from sandbox.apis.fod import documents, intervat, onboarding  # noqa: E402, F401  (registers handlers)
