"""SMTP over STARTTLS (with login) and implicit TLS, against aiosmtpd with a throwaway certificate.

The client verifies the server certificate with the default trust store; the test points that
store at its own self-signed certificate through SSL_CERT_FILE, as an operator would for a
private CA.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from digest_store import TODAY, Inbox, add_call, add_run, free_port, parts, write_config

from pipeline.config import load_config
from pipeline.digest import send_digests
from pipeline.store import open_db


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_path))  # the client trusts this certificate only
    return context


class Authenticator:
    def __init__(self):
        self.logins: list[tuple[str, str]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
            ok = auth_data.password == b"s3cret"
            return AuthResult(success=ok, handled=ok)  # handled=False: aiosmtpd answers 535 itself
        return AuthResult(success=False, handled=False)


def _store(tmp_path):
    db = open_db(tmp_path / "callwatch.db")
    run = add_run(db)
    add_call(db, "c1", "A call sent over TLS", run, deadline="2099-01-01")
    return db, run


def _config(tmp_path, port, tls, monkeypatch, password="s3cret"):
    monkeypatch.setenv("CALLWATCH_SMTP_PASSWORD", password)
    body = (f'[smtp]\nhost = "127.0.0.1"\nport = {port}\ntls = "{tls}"\nuser = "robot"\n'
            'from = "callwatch@region.example"\n\n[[recipients]]\nemail = "anna@region.example"\n')
    return load_config(write_config(tmp_path, body, sources=False))


def test_starttls_with_login_delivers(tmp_path, certificate, monkeypatch):
    db, run = _store(tmp_path)
    inbox, auth = Inbox(), Authenticator()
    port = free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=certificate, require_starttls=True,
                        authenticator=auth, auth_required=True)
    server.start()
    try:
        summary = send_digests(db, _config(tmp_path, port, "starttls", monkeypatch), run, today=TODAY)
        wrong = _config(tmp_path, port, "starttls", monkeypatch, password="wrong")
        add_call(db, "c2", "Another call", add_run(db), deadline="2099-01-01")
        refused = send_digests(db, wrong, None, today=TODAY)
    finally:
        server.stop()
    assert summary.sent == ["anna@region.example"]
    assert auth.logins[0] == ("robot", "s3cret")
    [message] = inbox.to("anna@region.example")
    assert "A call sent over TLS" in parts(message)[0]
    # A wrong password is a recorded failure and the new item waits in the outbox.
    assert refused.status == "failed" and "535" in refused.failed["anna@region.example"]
    assert "wrong" not in refused.failed["anna@region.example"]
    assert db.execute("select count(*) from outbox where status = 'pending'").fetchone()[0] == 1


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # it is all TLS here
def test_implicit_tls_delivers(tmp_path, certificate, monkeypatch):
    db, run = _store(tmp_path)
    inbox, auth = Inbox(), Authenticator()
    port = free_port()
    # The whole session is TLS; aiosmtpd only knows about STARTTLS, hence auth_require_tls=False.
    server = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=certificate, authenticator=auth,
                        auth_required=True, auth_require_tls=False)
    server.start()
    try:
        summary = send_digests(db, _config(tmp_path, port, "ssl", monkeypatch), run, today=TODAY)
    finally:
        server.stop()
    assert summary.sent == ["anna@region.example"] and auth.logins == [("robot", "s3cret")]
    assert len(inbox.to("anna@region.example")) == 1
