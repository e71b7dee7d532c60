"""A development PKI: a CA, one signing certificate per principal and a timestamping unit.

For the demo and the tests only. Production plugs in real keys (see README, "Keys")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class PkiPaths:
    root: Path

    @property
    def ca_cert(self) -> Path:
        return self.root / "ca.crt.pem"

    @property
    def ca_key(self) -> Path:
        return self.root / "ca.key.pem"

    @property
    def tsa_cert(self) -> Path:
        return self.root / "tsa.crt.pem"

    @property
    def tsa_key(self) -> Path:
        return self.root / "tsa.key.pem"

    def principal_p12(self, organisation_number: str) -> Path:
        return self.root / "principals" / f"{organisation_number.replace('-', '')}.p12"


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _write_key(path: Path, key: rsa.RSAPrivateKey) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)


def _issue(
    *,
    subject: x509.Name,
    key: rsa.RSAPrivateKey,
    issuer: x509.Name,
    issuer_key: rsa.RSAPrivateKey,
    ca: bool,
    eku: list[x509.ObjectIdentifier] | None,
    now: dt.datetime,
    years: int,
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if not ca:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def create_ca(paths: PkiPaths, *, now: dt.datetime, force: bool = False) -> bool:
    """Create the CA and the timestamping unit unless they exist. True when created."""
    if paths.ca_cert.exists() and paths.tsa_cert.exists() and not force:
        return False
    paths.root.mkdir(parents=True, exist_ok=True)
    ca_key = _key()
    ca_name = _name("Placeringar utvecklings-CA", "Placeringar (utveckling)")
    ca_cert = _issue(
        subject=ca_name,
        key=ca_key,
        issuer=ca_name,
        issuer_key=ca_key,
        ca=True,
        eku=None,
        now=now,
        years=20,
    )
    paths.ca_cert.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    _write_key(paths.ca_key, ca_key)
    tsa_key = _key()
    tsa_cert = _issue(
        subject=_name("Placeringar tidsstämpel (utveckling)", "Placeringar (utveckling)"),
        key=tsa_key,
        issuer=ca_name,
        issuer_key=ca_key,
        ca=False,
        eku=[ExtendedKeyUsageOID.TIME_STAMPING],
        now=now,
        years=10,
    )
    paths.tsa_cert.write_bytes(tsa_cert.public_bytes(serialization.Encoding.PEM))
    _write_key(paths.tsa_key, tsa_key)
    return True


def create_principal_certificate(
    paths: PkiPaths,
    *,
    organisation_number: str,
    name: str,
    passphrase: bytes,
    now: dt.datetime,
    force: bool = False,
) -> bool:
    """A PKCS#12 file with the principal's signing key and certificate, issued by the CA."""
    target = paths.principal_p12(organisation_number)
    if target.exists() and not force:
        return False
    ca_cert = x509.load_pem_x509_certificate(paths.ca_cert.read_bytes())
    ca_key = serialization.load_pem_private_key(paths.ca_key.read_bytes(), password=None)
    key = _key()
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
            x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, organisation_number),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{name} – underskrift"),
        ]
    )
    cert = _issue(
        subject=subject,
        key=key,
        issuer=ca_cert.subject,
        issuer_key=ca_key,
        ca=False,
        eku=None,
        now=now,
        years=5,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(
        pkcs12.serialize_key_and_certificates(
            name=name.encode(),
            key=key,
            cert=cert,
            cas=[ca_cert],
            encryption_algorithm=serialization.BestAvailableEncryption(passphrase),
        )
    )
    target.chmod(0o600)
    return True
