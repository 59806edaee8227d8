"""A throwaway TLS certificate for the replica, made at start and never stored past the run.

facebook.com and instagram.com are HSTS-preloaded: a browser only talks https to them. The
replica therefore speaks TLS with a self-signed certificate for Meta's names, and only a
browser told to trust it for this run (ignore_https_errors on a replica context) accepts it.
"""

from __future__ import annotations

import datetime
import ssl
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

NAMES = (
    "facebook.com",
    "*.facebook.com",
    "instagram.com",
    "*.instagram.com",
    "*.fbcdn.net",
    "*.xx.fbcdn.net",
    "*.cdninstagram.com",
    "meta.com",
    "*.meta.com",
    "*.facebook.net",
    "fb.com",
    "*.fb.com",
    "localhost",
)


def server_context(folder: Path) -> ssl.SSLContext:
    """An SSL context with a fresh key and certificate written (0600) into `folder`."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "auditor replica (not Meta)")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in NAMES]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = Path(folder) / "replica-cert.pem", Path(folder) / "replica-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.touch(mode=0o600)
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    return context
