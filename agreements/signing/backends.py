"""Signer backends: where each principal's signing key lives.

The interface is one method, ``signer_for(principal)``, returning a pyHanko ``Signer``. The
default reads a PKCS#12 file per principal from SIGNING_KEY_DIR/principals/. An HSM plugs in
as a backend returning ``pyhanko.sign.pkcs11.PKCS11Signer``; an external signing service as a
``Signer`` subclass whose ``async_sign_raw`` calls the service (see README, "Keys")."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Protocol

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from django.conf import settings
from django.utils.module_loading import import_string
from pyhanko.keys import load_cert_from_pemder
from pyhanko.sign import signers
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from .pki import PkiPaths


class SignerBackend(Protocol):
    def signer_for(self, principal: Any) -> signers.Signer: ...


class SigningKeyMissing(Exception):  # noqa: N818
    pass


class FileSignerBackend:
    """PKCS#12 (or PEM key + certificate) per principal, from configured paths."""

    def __init__(self) -> None:
        self.paths = PkiPaths(settings.SIGNING_KEY_DIR)

    def signer_for(self, principal: Any) -> signers.Signer:
        p12 = self.paths.principal_p12(principal.organisation_number)
        if not p12.exists():
            raise SigningKeyMissing(f"No signing key for {principal.name}: run create_dev_pki")
        signer = _load_pkcs12(
            str(p12), p12.stat().st_mtime_ns, settings.SIGNING_KEY_PASSPHRASE.encode()
        )
        if signer is None:
            raise SigningKeyMissing(f"The signing key for {principal.name} could not be read")
        return signer


class ParsedKeySigner(signers.SimpleSigner):
    """pyHanko's ``SimpleSigner`` holding its private key parsed once (issue 13).

    ``SimpleSigner.sign_raw`` parses the key from DER anew for every signature, and parsing
    an RSA key checks it (a primality test): about 33 ms of a 50 ms signature. This signer
    parses and checks it once, when it is made, and signs with that key object; mechanisms
    other than RSA PKCS#1 v1.5 and ECDSA go through pyHanko's own path."""

    def __init__(self, signer: signers.SimpleSigner) -> None:
        super().__init__(
            signing_cert=signer.signing_cert,
            signing_key=signer.signing_key,
            cert_registry=signer.cert_registry,
            signature_mechanism=signer.signature_mechanism,
            prefer_pss=signer.prefer_pss,
            embed_roots=signer.embed_roots,
        )
        self.private_key = serialization.load_der_private_key(
            signer.signing_key.dump(), password=None
        )

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        try:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        except ValueError:  # a mechanism asn1crypto does not name: pyHanko's own path
            return super().sign_raw(data, digest_algorithm)
        key = self.private_key
        if mechanism == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        if mechanism == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
            return key.sign(data, ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        return super().sign_raw(data, digest_algorithm)


@lru_cache(maxsize=512)
def _load_pkcs12(path: str, mtime_ns: int, passphrase: bytes) -> ParsedKeySigner | None:
    """The signer of one key file, read and parsed once per process (issue 13): about a third
    of a signature's time went to reading the PKCS#12 again. The file's modification time is
    part of the key, so a replaced key file is read anew; one entry per principal."""
    signer = signers.SimpleSigner.load_pkcs12(path, passphrase=passphrase)
    return ParsedKeySigner(signer) if signer is not None else None


def get_backend() -> SignerBackend:
    return import_string(settings.SIGNER_BACKEND)()


def trust_root() -> asn1_x509.Certificate:
    """The deployment's CA: what verification trusts."""
    return load_cert_from_pemder(str(PkiPaths(settings.SIGNING_KEY_DIR).ca_cert))


@lru_cache(maxsize=1)
def _local_tsa(cert_path: str, key_path: str) -> DummyTimeStamper:
    from pathlib import Path

    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(Path(key_path).read_bytes(), None)
    key_info = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return DummyTimeStamper(tsa_cert=load_cert_from_pemder(cert_path), tsa_key=key_info)


def signature_timestamper() -> TimeStamper | None:
    """PAdES B-T when an RFC 3161 service is configured; B-B otherwise."""
    return HTTPTimeStamper(settings.SIGNING_TSA_URL) if settings.SIGNING_TSA_URL else None


def document_timestamper() -> TimeStamper:
    """The final document timestamp: the configured service, else the deployment's own
    timestamping unit (from the development PKI)."""
    if settings.SIGNING_TSA_URL:
        return HTTPTimeStamper(settings.SIGNING_TSA_URL)
    paths = PkiPaths(settings.SIGNING_KEY_DIR)
    return _local_tsa(str(paths.tsa_cert), str(paths.tsa_key))
