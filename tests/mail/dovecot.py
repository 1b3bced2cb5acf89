"""A real Dovecot IMAP server for the mail-in tests: the `imap_server` fixture.

Each test gets a server of its own (it starts in well under a second): one user, an empty maildir
INBOX, IMAP over TLS on a free port of 127.0.0.1 and STARTTLS on another, with a self-signed
certificate for 127.0.0.1 and localhost that the settings trust as their CA file.

    def test_reads_a_reply(imap_server):
        imap_server.deliver(b"From: clerk@county.example\\r\\n...")
        with Mailbox(imap_server.settings) as mailbox:
            ...
        assert imap_server.flags() == {1: {"\\\\Seen"}}

tests/mail/conftest.py imports the fixture; a test folder elsewhere imports it in its own
conftest.py: `from tests.mail.dovecot import imap_server  # noqa: F401`.

Dovecot's configuration (Debian 12's Dovecot 2.3) lives with the mail in a temporary folder of the
test's own (not pytest's tmp_path: Dovecot's sockets must fit a short path, and when the tests run
as root the folder must belong to the unprivileged user Dovecot then runs as). Dovecot runs as this
process's user, or as `nobody` when that is root: its login processes refuse to run as root and
its mail processes refuse uid 0. Running unprivileged, it cannot chroot, so no service does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import grp
import imaplib
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from requests_tracker.mail.imap import MailboxSettings
from tests.ci import unavailable

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
"""Debian installs it in /usr/sbin, which an ordinary user's PATH may lack."""
USER = "newsroom"
PASSWORD = "imap-test-password"
START_TIMEOUT = 15.0
"""Seconds Dovecot has to accept a login; it usually takes a tenth of one."""
ATTEMPTS = 3
"""Starts tried when another process took a port between choosing it and Dovecot binding it."""

CONFIGURATION = """\
# Written by tests/mail/dovecot.py for one test: Dovecot 2.3, unprivileged, all inside {folder}.
protocols = imap
listen = 127.0.0.1
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log

default_login_user = {user}
default_internal_user = {user}
default_internal_group = {group}
first_valid_uid = 1

ssl = required
ssl_cert = <{folder}/cert.pem
ssl_key = <{folder}/key.pem

auth_mechanisms = plain
auth_failure_delay = 0
auth_verbose = yes
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {folder}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={folder}/home/%u
}}
mail_location = maildir:{folder}/mail/%u
mail_plugins =

service imap-login {{
  chroot =
  inet_listener imap {{
    port = {starttls_port}
  }}
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
}}
service imap-urlauth-login {{
  chroot =
}}
service anvil {{
  chroot =
}}
service ipc {{
  chroot =
}}
"""


@dataclasses.dataclass
class ImapServer:
    """A running Dovecot: `settings` log in over TLS, `starttls_settings` with STARTTLS."""

    settings: MailboxSettings
    starttls_settings: MailboxSettings
    folder: Path
    process: subprocess.Popen

    def deliver(self, raw: bytes) -> None:
        """Put a message into the INBOX, unseen, through IMAP APPEND. Bare line feeds become
        CRLF (imaplib's APPEND does that; IMAP messages end their lines with CRLF)."""
        with self._session() as imap:
            typ, data = imap.append("INBOX", None, None, raw)
            assert typ == "OK", data

    def flags(self) -> dict[int, set[str]]:
        """Each INBOX message's flags by UID, without \\Recent (which belongs to a session)."""
        with self._session() as imap:
            typ, data = imap.select("INBOX", readonly=True)
            assert typ == "OK", data
            if int(data[0]) == 0:
                return {}
            typ, data = imap.uid("FETCH", "1:*", "(FLAGS)")
            assert typ == "OK", data
        flags = {}
        for item in data:
            uid = re.search(rb"\bUID (\d+)", item)
            if uid:
                names = {flag.decode() for flag in imaplib.ParseFlags(item)}
                flags[int(uid.group(1))] = names - {"\\Recent"}
        return flags

    def log(self) -> str:
        """Dovecot's log, and what it wrote to stderr before its log process started."""
        parts = (self.folder / name for name in ("stderr.log", "dovecot.log"))
        return "".join(part.read_text(errors="replace") for part in parts if part.exists())

    @contextmanager
    def _session(self) -> Iterator[imaplib.IMAP4_SSL]:
        context = ssl.create_default_context(cafile=self.settings.ca_file)
        imap = imaplib.IMAP4_SSL("127.0.0.1", self.settings.port, ssl_context=context, timeout=10)
        try:
            imap.login(USER, PASSWORD)
            yield imap
        finally:
            imap.logout()

    def stop(self) -> None:
        """Kill Dovecot and every process it started (its process group), then remove its folder.
        SIGKILL, not SIGTERM: nothing here needs a clean shutdown, and Dovecot's master sometimes
        takes a second to end its children after SIGTERM."""
        _signal_group(self.process, signal.SIGKILL)
        self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def imap_server() -> Iterator[ImapServer]:
    """A Dovecot of this test's own with an empty INBOX (see the module's docstring)."""
    server = start_dovecot()
    try:
        yield server
    finally:
        server.stop()


def start_dovecot() -> ImapServer:
    """Start a Dovecot (call stop() on what it returns); fail with its log if it does not start."""
    if not os.access(DOVECOT, os.X_OK):
        unavailable("Dovecot (dovecot-imapd) is not installed")
    version = _version()
    if version >= (2, 4):
        pytest.fail(
            f"Dovecot {'.'.join(map(str, version))} needs 2.4's configuration format; "
            "tests/mail/dovecot.py writes 2.3's (Debian 12)"
        )
    uid, gid = _runs_as()
    for attempt in range(1, ATTEMPTS + 1):
        folder = Path(tempfile.mkdtemp(prefix="dovecot-"))
        try:
            server = _launch(folder, uid, gid)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        try:
            failure = _wait_until_ready(server)
        except BaseException:  # interrupted: leave nothing running
            server.stop()
            raise
        if failure is None:
            return server
        log = server.log()
        server.stop()
        if "Address already in use" not in log or attempt == ATTEMPTS:
            tail = "\n".join(log.splitlines()[-30:])
            pytest.fail(f"Dovecot did not start ({failure}); its log ends:\n{tail}")
    raise AssertionError("unreachable")


def _launch(folder: Path, uid: int, gid: int) -> ImapServer:
    port, starttls_port = _free_ports(2)
    cert, key = _certificate()
    (folder / "cert.pem").write_bytes(cert)
    (folder / "key.pem").write_bytes(key)
    (folder / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    configuration = folder / "dovecot.conf"
    configuration.write_text(
        CONFIGURATION.format(
            folder=folder,
            port=port,
            starttls_port=starttls_port,
            user=pwd.getpwuid(uid).pw_name,
            group=grp.getgrgid(gid).gr_name,
            uid=uid,
            gid=gid,
        )
    )
    switch_user = {}
    if os.getuid() == 0:
        for path in (folder, *folder.iterdir()):
            os.chown(path, uid, gid)
        switch_user = {"user": uid, "group": gid, "extra_groups": []}
    with (folder / "stderr.log").open("wb") as stderr:
        process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(configuration)],
            stdin=subprocess.DEVNULL,
            stdout=stderr,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so that stop() ends Dovecot's children with it
            **switch_user,
        )
    settings = MailboxSettings(
        host="127.0.0.1",
        port=port,
        user=USER,
        password=PASSWORD,
        security="tls",
        ca_file=str(folder / "cert.pem"),
        timeout=10.0,
    )
    starttls = dataclasses.replace(settings, port=starttls_port, security="starttls")
    return ImapServer(settings=settings, starttls_settings=starttls, folder=folder, process=process)


def _wait_until_ready(server: ImapServer) -> str | None:
    """None once a client can log in and open the INBOX, else why not. Dovecot logs "starting up"
    once its ports are bound; until then a port may be someone else's, who would never answer."""
    deadline = time.monotonic() + START_TIMEOUT
    failure = "it never logged that it was starting up"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return f"dovecot exited with status {server.process.returncode}"
        if "starting up" in server.log():
            try:
                server.flags()
                return None
            except (OSError, imaplib.IMAP4.error, AssertionError) as error:
                failure = f"the last login failed: {type(error).__name__}: {error}"
        time.sleep(0.02)
    return f"no login within {START_TIMEOUT:g} s, {failure}"


def _runs_as() -> tuple[int, int]:
    """The uid and gid Dovecot runs as: this process's, or nobody's when this process is root."""
    if os.getuid() != 0:
        return os.getuid(), os.getgid()
    nobody = pwd.getpwnam("nobody")
    return nobody.pw_uid, nobody.pw_gid


def _signal_group(process: subprocess.Popen, signal_number: int) -> None:
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal_number)


def _free_ports(count: int) -> list[int]:
    """Ports of 127.0.0.1 free now, all different (held together while they are chosen)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@functools.cache
def _version() -> tuple[int, ...]:
    output = subprocess.run([DOVECOT, "--version"], capture_output=True, text=True, check=True)
    return tuple(int(part) for part in re.findall(r"\d+", output.stdout.split()[0])[:2])


@functools.cache
def _certificate() -> tuple[bytes, bytes]:
    """A self-signed certificate for 127.0.0.1 and localhost and its key (PEM), made once per
    test process: with the `cryptography` package when it is installed, else `openssl req`."""
    try:
        import cryptography  # noqa: F401
    except ImportError:
        return _certificate_by_openssl()
    return _certificate_by_cryptography()


def _certificate_by_cryptography() -> tuple[bytes, bytes]:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    identifier = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(identifier, critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(identifier),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return certificate.public_bytes(serialization.Encoding.PEM), key_pem


def _certificate_by_openssl() -> tuple[bytes, bytes]:
    openssl = shutil.which("openssl")
    if openssl is None:
        unavailable("neither the cryptography package nor openssl is installed (for Dovecot's TLS)")
    with tempfile.TemporaryDirectory() as folder:
        cert, key = Path(folder, "cert.pem"), Path(folder, "key.pem")
        subprocess.run(
            [
                openssl,
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=localhost",
                "-keyout",
                str(key),
                "-out",
                str(cert),
                "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,digitalSignature,keyCertSign",
                "-addext",
                "extendedKeyUsage=serverAuth",
            ],
            check=True,
            capture_output=True,
        )
        return cert.read_bytes(), key.read_bytes()
