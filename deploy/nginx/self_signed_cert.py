"""A self-signed certificate for local trials, made only where no certificate is given.

    python deploy/nginx/self_signed_cert.py DIR [NAME ...]

Writes DIR/fullchain.pem and DIR/privkey.pem (the names nginx is given in docker-compose.yml) for the NAMEs
(default: DJANGO_ALLOWED_HOSTS, and localhost and 127.0.0.1 for a trial on this machine). If both files are
there, they are the operator's own (or an earlier trial's) and nothing is touched; if only one is, it stops
rather than pair a key with a certificate that is not its own. Runs in the application image (compose's certs
service) with the cryptography package the app already has: no download at deployment.
"""

import datetime as dt
import ipaddress
import os
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CERT_NAME = "fullchain.pem"
KEY_NAME = "privkey.pem"
VALID_DAYS = 90


def alternative_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        # Django's ".example.org" (the domain and its subdomains) is a wildcard in a certificate.
        return x509.DNSName(f"*{name}" if name.startswith(".") else name)


def make(directory: Path, names: list[str]) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0].lstrip("."))])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName([alternative_name(name) for name in names]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path = directory / KEY_NAME
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    (directory / CERT_NAME).write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    directory = Path(argv[0])
    present = [name for name in (CERT_NAME, KEY_NAME) if (directory / name).exists()]
    if len(present) == 2:
        print(f"{directory}: a certificate is there; left as it is.")
        return 0
    if present:
        print(f"{directory}: only {present[0]} is there; give both files or neither.", file=sys.stderr)
        return 1
    hosts = argv[1:] or [host for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if host.strip()]
    names = list(dict.fromkeys([host.strip() for host in hosts if host.strip() != "*"] + ["localhost", "127.0.0.1"]))
    make(directory, names)
    print(f"{directory}: self-signed certificate for {', '.join(names)}, valid {VALID_DAYS} days (local trials only).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
