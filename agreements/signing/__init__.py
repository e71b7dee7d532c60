"""Signing of agreement PDFs: key backends, the development PKI, PAdES signing and verification."""
