"""The WSGI application for servers other than ``vendorcheck serve`` (gunicorn, mod_wsgi):
``gunicorn vendorcheck.wsgi:app``. Access lines go to stdout as under ``vendorcheck serve``;
run ``vendorcheck migrate`` (or ``init``) before the first start."""

from vendorcheck.app import create_app
from vendorcheck.web.access_log import log_to_stdout

log_to_stdout()
app = create_app()
