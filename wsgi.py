"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi …`."""

import gc

from tracker import create_app

# Start-up imports some 900 modules, whose objects all live as long as the process: the cycle
# collector, set off again and again as they are made, would walk them all each time for
# nothing (a tenth of a second of every process's start, a command's or a gunicorn worker's).
gc.disable()
try:
    app = create_app()
finally:
    gc.enable()
