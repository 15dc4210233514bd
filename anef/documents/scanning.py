"""The malware scan every uploaded file goes through before anything reads it further.

One interface, two backends chosen by `settings.ANEF_SCANNER`:
- "clamav" (the default, and the only one production accepts): clamd through its daemon socket
  (`ANEF_CLAMD_ADDRESS`: a UNIX socket path or host:port), with the INSTREAM protocol;
- "fake" (tests and the local demo): finds the EICAR test string anywhere in the bytes, including
  inside PDF streams, compressed or not.

Both fail closed: a scanner that cannot be reached or answers garbage raises ScannerUnavailable,
and the caller must then not accept the file as clean.
"""

import io
import re
import zlib
from dataclasses import dataclass
from typing import Protocol

from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# The EICAR anti-malware test file (https://www.eicar.org/download-anti-malware-testfile/), split so
# that this source file is not itself flagged by a scanner.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str  # what was found ("" when clean)
    engine: str  # which scanner said so, e.g. "ClamAV 1.4.3/27500"


class ScannerUnavailable(Exception):
    """The scanner could not give a verdict: the file is not clean until a scanner says so."""


class Scanner(Protocol):
    def scan(self, data: bytes) -> ScanResult: ...


class ClamdScanner:
    """ClamAV's daemon, through clamav-client (a maintained fork of python-clamd)."""

    def __init__(self, address: str, timeout: float):

        address = address.strip()
        if address.startswith("unix://") or ("/" in address and not address.startswith("tcp://")):
            self.client = ClamdUnixSocket(path=address.removeprefix("unix://"), timeout=timeout)
        else:
            host, _, port = address.removeprefix("tcp://").rpartition(":")
            if not host or not port.isdigit():
                raise ImproperlyConfigured(f"ANEF_CLAMD_ADDRESS must be a socket path or host:port, not {address!r}")
            self.client = ClamdNetworkSocket(host=host, port=int(port), timeout=timeout)

    def scan(self, data: bytes) -> ScanResult:

        try:
            engine = "ClamAV " + "/".join(self.client.version().removeprefix("ClamAV ").split("/")[:2])
            answer = self.client.instream(io.BytesIO(data))
        except (ClamdError, OSError, UnicodeDecodeError) as exc:
            # A refused connection, a timeout, a size limit, a broken pipe: no verdict, so not clean.
            raise ScannerUnavailable(str(exc)) from exc
        if len(answer) != 1:
            raise ScannerUnavailable(f"unexpected clamd answer: {answer!r}")
        status, signature = next(iter(answer.values()))
        if status == "OK":
            return ScanResult(clean=True, signature="", engine=engine)
        if status == "FOUND":
            return ScanResult(clean=False, signature=signature or "unknown", engine=engine)
        raise ScannerUnavailable(f"clamd answered {status} {signature}")

    def available(self) -> bool:
        try:
            return self.client.ping() == "PONG"
        except Exception:  # noqa: BLE001 - any failure means "not reachable", which is the answer asked
            return False


_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\n?endstream", re.DOTALL)


class FakeScanner:
    """Finds EICAR in the bytes and in every PDF stream, inflated when it is deflated (ClamAV does the
    same for real signatures). For tests and the local demo only: production settings refuse it."""

    engine = "fake EICAR scanner"

    def scan(self, data: bytes) -> ScanResult:
        for chunk in self._layers(data):
            if EICAR in chunk:
                return ScanResult(clean=False, signature="Eicar-Test-Signature", engine=self.engine)
        return ScanResult(clean=True, signature="", engine=self.engine)

    @staticmethod
    def _layers(data: bytes):
        yield data
        for match in _STREAM.finditer(data):
            raw = match.group(1)
            for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):
                try:
                    yield zlib.decompressobj(wbits).decompress(raw, 64 * 1024 * 1024)
                except zlib.error:
                    continue


def get_scanner() -> Scanner:
    backend = settings.ANEF_SCANNER
    if backend == "clamav":
        return ClamdScanner(settings.ANEF_CLAMD_ADDRESS, timeout=settings.ANEF_CLAMD_TIMEOUT)
    if backend == "fake":
        return FakeScanner()
    raise ImproperlyConfigured(f"ANEF_SCANNER must be 'clamav' or 'fake', not {backend!r}")


def scan(data: bytes) -> ScanResult:
    """Scan these bytes with the configured scanner; raises ScannerUnavailable when there is no verdict."""
    return get_scanner().scan(data)
