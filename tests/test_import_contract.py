"""The domain package is pure Python: an import-linter contract forbids Django and the apps
(STYLE.md, "Enforce the purity mechanically"; issue 2, section 1)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
APPS = ["config", "organisations", "core", "placements", "sip", "agreements"]


def _importlinter_config() -> dict:
    with (BASE_DIR / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["tool"]["importlinter"]


def _domain_contract() -> dict:
    return next(c for c in _importlinter_config()["contracts"] if "domain" in c["source_modules"])


def _stand_ins(root: Path, package_dir: Path) -> dict[str, str]:
    """Empty packages for the root packages named in the config that ``package_dir`` lacks, so
    that import-linter can build its graph there; returns the environment to run it in."""
    root.mkdir(parents=True, exist_ok=True)
    for name in _importlinter_config()["root_packages"]:
        if not (package_dir / name / "__init__.py").exists():
            (root / name).mkdir(exist_ok=True)
            (root / name / "__init__.py").touch()
    return {**os.environ, "PYTHONPATH": str(root)}


def _lint_imports(cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_contract_forbids_django_and_every_app_inside_the_domain_package():
    contract = _domain_contract()

    assert contract["type"] == "forbidden"
    assert contract["source_modules"] == ["domain"]
    assert {"django", *APPS} <= set(contract["forbidden_modules"])
    assert _importlinter_config().get("include_external_packages") is True


def test_domain_package_keeps_the_contract():
    result = _lint_imports(BASE_DIR, dict(os.environ))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize("forbidden", ["django", "organisations"])
def test_contract_breaks_when_the_domain_imports_a_forbidden_module(tmp_path, forbidden):
    project = tmp_path / "project"
    shutil.copytree(BASE_DIR / "domain", project / "domain", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(BASE_DIR / "pyproject.toml", project / "pyproject.toml")
    (project / "domain" / "_impure.py").write_text(f"import {forbidden}\n")
    env = _stand_ins(tmp_path / "stand-ins", project)

    result = _lint_imports(project, env)

    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert f"domain._impure -> {forbidden}" in result.stdout
