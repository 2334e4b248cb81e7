"""The course's Dask cluster lets in only holders of the course's certificates, and the course
machine keeps only results that are the ones it asked for.

A scheduler started the way the README says (mutual TLS with the certificates of
``python -m autograder dask-certs``) must refuse a plain TCP client, a client whose
certificate another CA signed, and a TLS client without a certificate; the grading client
must refuse a plain address unless told otherwise; and a result that names another student,
other grade cells or a score above the cell's points is that student's grader fault.
"""

import asyncio
import math
import socket
import ssl
import stat
import subprocess
import sys
import time

import pytest

from autograder.assignments import load_assignment
from autograder.batch import GRADER_FAULT, _outcome, check_result
from autograder.dask_tls import (
    CA_FILE,
    ROLES,
    SecurityError,
    cert_file,
    client_security,
    key_file,
    make_certificates,
    security_for,
)
from autograder.grading import Result

distributed = pytest.importorskip("distributed")
pytest.importorskip("cryptography")
REFUSAL_SECONDS = 20  # a refused client must know it well within this


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    return make_certificates(tmp_path_factory.mktemp("course") / "dask-certs")[0].parent


@pytest.fixture(scope="module")
def rogue(tmp_path_factory):
    """A complete set made the same way, by someone else: a CA the course does not trust."""
    return make_certificates(tmp_path_factory.mktemp("rogue") / "dask-certs")[0].parent


@pytest.fixture(scope="module")
def scheduler(certs):
    """A scheduler (and one thread worker) listening with the course's TLS security only."""
    security = security_for(certs, ROLES)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tls://",
                                  host="127.0.0.1", dashboard_address=None, security=security) as cluster:
        yield cluster.scheduler_address


def test_certificates_are_private_and_signed_by_the_course_ca(certs):
    from cryptography import x509

    names = sorted(p.name for p in certs.iterdir())
    assert names == sorted([CA_FILE] + [f"{role}{suffix}.pem" for role in ROLES for suffix in ("", "-key")])
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in certs.iterdir())
    assert not any("ca-key" in name or "ca.key" in name for name in names)  # the CA's key is not kept
    ca = x509.load_pem_x509_certificate((certs / CA_FILE).read_bytes())
    for role in ROLES:
        x509.load_pem_x509_certificate(cert_file(certs, role).read_bytes()).verify_directly_issued_by(ca)
    with pytest.raises(SecurityError, match="already holds"):
        make_certificates(certs)


def test_the_command_makes_a_set(tmp_path):
    folder = tmp_path / "certs"
    command = [sys.executable, "-m", "autograder", "dask-certs", str(folder), "--host", "10.0.0.5", "--host", "grader"]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert key_file(folder, "client").is_file() and stat.S_IMODE(folder.stat().st_mode) == 0o700
    again = subprocess.run(command, capture_output=True, text=True)
    assert again.returncode == 1 and "already holds" in again.stderr


def test_a_plain_address_is_refused_unless_the_instructor_accepts_it(certs, tmp_path):
    with pytest.raises(SecurityError, match="not a tls:// address"):
        client_security("tcp://10.0.0.5:8786", certs)
    assert client_security("tcp://10.0.0.5:8786", certs, insecure_tcp=True) is None
    with pytest.raises(SecurityError, match="missing TLS file"):
        client_security("tls://10.0.0.5:8786", tmp_path)
    security = client_security("tls://10.0.0.5:8786", certs)
    assert security.require_encryption and security.tls_client_cert == str(cert_file(certs, "client"))


def test_the_course_client_is_let_in(scheduler, certs):
    with distributed.Client(scheduler, security=security_for(certs), timeout=REFUSAL_SECONDS) as client:
        assert client.submit(math.factorial, 5, pure=False).result(timeout=30) == 120


async def _identity(address, security):
    """Connect as a client with ``security`` (None: none at all) and ask the scheduler who it is."""
    from distributed.comm import connect

    arguments = security.get_connection_args("client") if security is not None else {}
    comm = await connect(address, timeout=REFUSAL_SECONDS, **arguments)
    try:
        await comm.write({"op": "identity"})
        return await comm.read()
    finally:
        await comm.close()


def identity(address, security=None):
    """The scheduler's answer, through the connection a ``Client`` would open (without its loop thread)."""
    return asyncio.run(_identity(address, security))


def refused(address, security=None):
    """A connection with ``security`` fails, and fails soon."""
    started = time.monotonic()
    with pytest.raises((OSError, TimeoutError, TypeError, distributed.comm.CommClosedError)):
        identity(address, security)
    assert time.monotonic() - started < REFUSAL_SECONDS + 5


def test_the_same_connection_with_the_course_certificate_is_answered(scheduler, certs):
    assert identity(scheduler, security_for(certs))["type"] == "Scheduler"


def test_a_plain_tcp_client_is_refused(scheduler):
    refused(scheduler.replace("tls://", "tcp://"))


def test_a_client_without_security_is_refused(scheduler):
    refused(scheduler)


def test_a_client_of_another_ca_is_refused(scheduler, rogue):
    refused(scheduler, security_for(rogue))


def test_the_client_checks_the_scheduler_too(scheduler, certs, rogue):
    """A course client certificate, but trusting another CA: the course's scheduler is then a stranger.

    (So a course client would not hand its submissions to a scheduler of someone else's CA.)
    """
    from distributed.security import Security

    mixed = Security(require_encryption=True, tls_ca_file=str(rogue / CA_FILE),
                     tls_client_cert=str(cert_file(certs, "client")), tls_client_key=str(key_file(certs, "client")))
    refused(scheduler, mixed)


def first_byte(scheduler, context):
    """What a raw TLS connection to the scheduler reads first (the scheduler speaks first)."""
    host, port = scheduler.removeprefix("tls://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=REFUSAL_SECONDS) as raw:
        with context.wrap_socket(raw) as tls:
            return tls.recv(1)


def test_a_tls_client_without_a_certificate_gets_nothing(scheduler, certs):
    """It trusts the course CA, so it would accept the scheduler; the scheduler does not accept it."""
    context = ssl.create_default_context(cafile=str(certs / CA_FILE))
    context.check_hostname = False
    with pytest.raises(ssl.SSLError, match="CERTIFICATE_REQUIRED|certificate required"):
        first_byte(scheduler, context)  # TLS 1.3: the refusal arrives on the first read
    context.load_cert_chain(cert_file(certs, "client"), key_file(certs, "client"))
    assert first_byte(scheduler, context)  # the same connection with the course's certificate is answered


# ---------------------------------------------------------------------------------------------
# Results are checked on the course machine


class Done:
    """A finished future holding ``value``."""

    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


@pytest.fixture(scope="module")
def assignment():
    return load_assignment("dnn_step_by_step")


def full_marks(assignment, student):
    result = Result.nothing(assignment, student, "", "x")
    for function, graded in zip(result.functions, assignment.functions, strict=True):
        function.public_score, function.hidden_score = graded.public_points, graded.hidden_points
        function.public_messages, function.causes = [], []
    result.error = ""
    return result


def forged(assignment, change):
    result = full_marks(assignment, "bob")
    change(result)
    return result


FORGERIES = {
    "another student": lambda r: setattr(r, "student", "ada"),
    "another assignment": lambda r: setattr(r, "assignment", "dnn_application"),
    "score above the cell": lambda r: setattr(r.functions[0], "hidden_score", r.functions[0].hidden_max + 1),
    "points raised with the score": lambda r: (setattr(r.functions[0], "hidden_max", 99),
                                               setattr(r.functions[0], "hidden_score", 99)),
    "negative score": lambda r: setattr(r.functions[2], "public_score", -1),
    "half a public test": lambda r: setattr(r.functions[2], "public_score", r.functions[2].public_max / 2),
    "not a number": lambda r: setattr(r.functions[3], "hidden_score", float("nan")),
    "a cell missing": lambda r: r.functions.pop(),
    "an extra cell": lambda r: r.functions.append(r.functions[0]),
    "cells reordered": lambda r: r.functions.reverse(),
    "malformed notes": lambda r: setattr(r, "notes", "<script>"),
}


def test_an_honest_result_is_kept(assignment):
    result = full_marks(assignment, "bob")
    assert check_result(result, assignment, "bob") == ""
    assert _outcome(Done(result), assignment, "bob") is result


@pytest.mark.parametrize("forgery", FORGERIES)
def test_a_forged_result_is_the_students_grader_fault(assignment, forgery):
    result = forged(assignment, FORGERIES[forgery])
    assert check_result(result, assignment, "bob")
    kept = _outcome(Done(result), assignment, "bob")
    assert kept.student == "bob" and kept.score == 0 and kept.error.startswith(GRADER_FAULT)
    assert "rejected" in kept.error and kept.max_score == assignment.max_score


def test_something_else_than_a_result_is_rejected(assignment):
    kept = _outcome(Done({"student": "bob", "score": 100}), assignment, "bob")
    assert kept.error.startswith(GRADER_FAULT) and kept.score == 0
