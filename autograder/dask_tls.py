"""Certificates and client settings that keep strangers out of the course's Dask cluster.

A Dask scheduler started without security accepts any client, and any client can submit
tasks and read or replace their results: someone on the network once had a blank notebook
graded 100 and an honest one 0. Dask's own remedy is mutual TLS (``distributed.security``):
the scheduler, the workers and the client each present a certificate, and each checks the
others' against one certificate authority (CA). This module gives the course that setup:

* :func:`make_certificates` (``python -m autograder dask-certs DIR``) makes a fresh course
  CA and signs one certificate each for the scheduler, the workers and the grading client,
  every file readable by its owner only. The CA's private key is never written: nobody,
  including whoever later reads the folder, can sign another certificate the cluster would
  trust; a new set means running the command again and copying the new files.
* :func:`client_security` is what ``python -m autograder grade --scheduler ...`` connects
  with: encryption required, the course CA and the client certificate. A plain ``tcp://``
  address is refused unless the instructor explicitly opts out of authentication.

Dask does not check host names (``check_hostname`` is off: clusters are addressed by IP),
so any certificate of the course CA is accepted in any role: keep ``client-key.pem`` on the
course machine, and give workers only ``ca.pem`` and the worker pair.
"""

import datetime
import ipaddress
import os
from pathlib import Path

ROLES = ("scheduler", "worker", "client")
CA_FILE = "ca.pem"
DEFAULT_FOLDER = "dask-certs"  # in the course directory, git-ignored
DEFAULT_DAYS = 200             # a term, with room to spare


class SecurityError(ValueError):
    """The Dask connection cannot be secured as asked (plain address, missing file, ...)."""


def cert_file(folder, role):
    return Path(folder) / f"{role}.pem"


def key_file(folder, role):
    return Path(folder) / f"{role}-key.pem"


def _write_private(path, data):
    """Create ``path`` with mode 0600 (never replacing a file), then write ``data``."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def _names(hosts):
    """Subject alternative names for ``hosts`` (IP addresses or DNS names)."""
    from cryptography import x509

    names = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return names


def make_certificates(folder, hosts=(), days=DEFAULT_DAYS, course="dnn-course"):
    """Write a course CA certificate and a signed certificate and key per role into ``folder``.

    ``folder`` is created with mode 0700 if need be and must not already hold any of the files;
    ``hosts`` (addresses or names of the machines) are added to the scheduler's and the
    workers' certificates for the record (Dask does not check them). Returns the paths
    written, CA certificate first.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder = Path(folder)
    targets = [folder / CA_FILE] + [p for role in ROLES for p in (cert_file(folder, role), key_file(folder, role))]
    present = [p.name for p in targets if p.exists()]
    if present:
        raise SecurityError(f"{folder} already holds {', '.join(present)}; remove them (or choose another folder) "
                            "to make a new set")
    if not folder.exists():  # an existing folder keeps its mode; the files are 0600 anyway
        folder.mkdir(mode=0o700, parents=True)
    now = datetime.datetime.now(datetime.UTC)
    start, end = now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=days)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{course} Dask CA")])
    ca_cert = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
               .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(end)
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                            crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
               .sign(ca_key, hashes.SHA256()))
    written = [folder / CA_FILE]
    _write_private(folder / CA_FILE, ca_cert.public_bytes(serialization.Encoding.PEM))
    for role in ROLES:
        key = ec.generate_private_key(ec.SECP256R1())
        alternative = [x509.DNSName(f"{course}-dask-{role}")] + (_names(hosts) if role != "client" else [])
        cert = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{course} Dask {role}")]))
                .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(start).not_valid_after(end)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                             data_encipherment=False, key_agreement=True, key_cert_sign=False,
                                             crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
                # Every member both connects and (scheduler, workers) listens: client and server use.
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                                      ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
                .add_extension(x509.SubjectAlternativeName(alternative), critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                               critical=False)
                .sign(ca_key, hashes.SHA256()))
        _write_private(cert_file(folder, role), cert.public_bytes(serialization.Encoding.PEM))
        _write_private(key_file(folder, role), key.private_bytes(serialization.Encoding.PEM,
                                                                 serialization.PrivateFormat.PKCS8,
                                                                 serialization.NoEncryption()))
        written += [cert_file(folder, role), key_file(folder, role)]
    return written


def security_for(folder, roles=("client",)):
    """A ``distributed.security.Security`` requiring encryption, with the course CA and ``roles``' pairs.

    Raises :class:`SecurityError` naming the files that are missing.
    """
    from distributed.security import Security

    folder = Path(folder)
    needed = [folder / CA_FILE] + [p for role in roles for p in (cert_file(folder, role), key_file(folder, role))]
    missing = [str(p) for p in needed if not p.is_file()]
    if missing:
        raise SecurityError(f"missing TLS file(s) {', '.join(missing)}: make them with "
                            f"`python -m autograder dask-certs {folder}`")
    pairs = {}
    for role in roles:
        pairs[f"tls_{role}_cert"] = str(cert_file(folder, role))
        pairs[f"tls_{role}_key"] = str(key_file(folder, role))
    return Security(require_encryption=True, tls_ca_file=str(folder / CA_FILE), **pairs)


def client_security(scheduler, folder, insecure_tcp=False):
    """How the course machine connects to ``scheduler``: a Security, or None for an accepted plain address.

    ``tls://`` needs the client certificate of ``folder``; any other address is refused
    unless ``insecure_tcp`` (``--dask-insecure-tcp``) says the instructor accepts a
    scheduler that any client can use.
    """
    if str(scheduler).startswith("tls://"):
        return security_for(folder, ("client",))
    if insecure_tcp:
        return None
    raise SecurityError(f"{scheduler} is not a tls:// address: a plain scheduler accepts any client, who can change "
                        "any grade. Start the scheduler with the course's certificates (see the README, "
                        "'Grading a class of 500') and pass tls://HOST:PORT, or pass --dask-insecure-tcp to "
                        "accept that risk on a network you trust")
