"""More than one application node (issue 13), run by ``make prod-check``: two gunicorn
instances on two ports, one PostgreSQL, production settings, no local state.

- A session made on one node is valid on the other (sessions live in the database).
- The same signatory submitting the same signature through both nodes at the same moment gives
  one signature and one signed document (the version row is locked; the one-time code is
  spent once).
- ``send_reminders`` started twice at once sends each person's digest once (a unique row per
  person and day, written in the transaction that sends).

Skipped unless PROD_CHECK_URL and PROD_CHECK_URL_2 are set (``.ci/prod-check`` sets both)."""

from __future__ import annotations

import email
import os
import re
import subprocess
import sys
import time
from collections import Counter
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp

from organisations.demo import DEMO_PASSWORD, DEMO_TOTP_KEYS
from tests.production.test_prod_smoke import browser, new_page  # noqa: F401 - the fixture

NODE_A = os.environ.get("PROD_CHECK_URL", "")
NODE_B = os.environ.get("PROD_CHECK_URL_2", "")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (NODE_A and NODE_B), reason="run by `make prod-check` against two production nodes"
    ),
]

CASEWORKER = "handlaggare.goteborg@demo.example"
MUNICIPAL_SIGNATORY = "signatur.goteborg@demo.example"


def _sign_in(page: Any, base: str, user: str) -> None:
    page.goto(base + "/konto/logga-in/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url == base + "/", page.locator("main").inner_text()


def test_a_session_from_one_node_is_valid_on_the_other(browser):  # noqa: F811
    page = new_page(browser)
    _sign_in(page, NODE_A, CASEWORKER)
    # Cookies are per host, not per port: the browser sends node A's session to node B.
    response = page.goto(NODE_B + "/placeringar/")
    assert response.status == 200
    assert page.url == NODE_B + "/placeringar/", "not sent back to the sign-in page"
    assert page.locator("nav[aria-label]").count() == 1
    # And signing out on B ends the session on A.
    page.goto(NODE_B + "/")
    with page.expect_navigation():
        page.click("form[action$='/logga-ut/'] button[type=submit]")
    page.goto(NODE_A + "/placeringar/")
    assert "/konto/logga-in/" in page.url
    page.context.close()


def _signature_count(pdf: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return len(PdfFileReader(BytesIO(pdf)).embedded_signatures)


def test_one_signature_submitted_through_both_nodes_at_once_gives_one_document(browser):  # noqa: F811
    pages = [new_page(browser), new_page(browser)]
    for page, base in zip(pages, (NODE_A, NODE_B), strict=True):
        _sign_in(page, base, MUNICIPAL_SIGNATORY)
    # An agreement still awaiting the municipality's signature, from the signatory's start page.
    links = pages[0].eval_on_selector_all(
        "main a[href^='/overenskommelser/'], main a[href^='/versioner/']",
        "links => links.map(a => a.getAttribute('href'))",
    )
    sign_urls = [h for h in links if re.fullmatch(r"/versioner/\d+/signera/", h)]
    if not sign_urls:
        for href in (h for h in links if re.fullmatch(r"/overenskommelser/\d+/", h)):
            pages[0].goto(NODE_A + href)
            link = pages[0].locator("main a[href$='/signera/']")
            if link.count():
                sign_urls.append(link.first.get_attribute("href"))
                break
    assert sign_urls, "the municipal signatory has an agreement to sign"
    sign_url = sign_urls[0]
    # A fresh one-time code: the smoke test may have spent this step's code for the signatory.
    time.sleep(30 - time.time() % 30 + 1)
    code = f"{totp(bytes.fromhex(DEMO_TOTP_KEYS[MUNICIPAL_SIGNATORY])):06d}"
    for page, base in zip(pages, (NODE_A, NODE_B), strict=True):
        page.goto(base + sign_url)
        principal = page.locator("#id_principal")
        if principal.evaluate("e => e.tagName") == "SELECT":
            principal.select_option(label="Göteborg")
        page.fill("#id_token", code)
    # Both submissions leave before either answer comes back.
    with pages[0].expect_navigation(), pages[1].expect_navigation():
        for page in pages:
            page.click("main form[method=post] button[type=submit]", no_wait_after=True)

    detail = pages[0]
    version_id = re.search(r"/versioner/(\d+)/", sign_url).group(1)
    pdf = detail.request.get(NODE_B + f"/versioner/{version_id}/dokument/")
    assert pdf.status == 200, pdf.status
    assert _signature_count(pdf.body()) == 1
    for page in pages:
        page.context.close()


def test_send_reminders_on_both_nodes_at_once_sends_each_digest_once():
    mail_dir = Path(os.environ["EMAIL_FILE_PATH"])
    before = set(mail_dir.glob("*")) if mail_dir.exists() else set()
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings_production"}
    command = [sys.executable, "manage.py", "send_reminders"]
    runs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err.decode()
    messages = [
        email.message_from_bytes(part.encode())
        for path in sorted(set(mail_dir.glob("*")) - before)
        for part in re.split(r"\n-{79}\n", path.read_text())
        if part.strip()
    ]
    recipients = Counter(m["To"] for m in messages)
    assert recipients, "the demo has deadlines to remind about"
    assert max(recipients.values()) == 1, recipients
