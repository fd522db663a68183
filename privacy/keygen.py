"""Add freshly generated secrets to a local `.env` file for whichever of them it lacks.

    python -m privacy.keygen .env

For local development (bin/run calls it). Production keys come from the deployment's secret store; the
values are written to the file only, never printed.
"""

import secrets
import sys
from pathlib import Path

from cryptography.fernet import Fernet


def generated() -> dict[str, str]:
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "BLIND_INDEX_KEY": secrets.token_urlsafe(48),
    }


def add_missing(path: Path) -> list[str]:
    """Append the secrets the file does not set yet; return their names."""
    text = path.read_text() if path.exists() else ""
    present = {
        line.split("=", 1)[0].strip().removeprefix("export ").strip() for line in text.splitlines() if "=" in line
    }
    missing = {name: value for name, value in generated().items() if name not in present}
    if missing:
        lines = [f"{name}={value}" for name, value in missing.items()]
        prefix = "" if not text or text.endswith("\n") else "\n"
        path.write_text(text + prefix + "\n".join(lines) + "\n")
        path.chmod(0o600)
    return list(missing)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m privacy.keygen PATH/TO/.env", file=sys.stderr)
        return 2
    added = add_missing(Path(argv[0]))
    if added:
        print(f"Generated {', '.join(added)} in {argv[0]}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
