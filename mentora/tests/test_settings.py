"""Production mode passes Django's deployment checks; bad settings fail early."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MENTORA_")}
    clean.pop("DATABASE_URL", None)
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests; check flags it
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        MENTORA_PRODUCTION="1",
        MENTORA_SECRET_KEY="k" * 20 + "Zq8!xP2@vL5#mN9$rT4%wY7^bC1&dF6*hJ3",
        MENTORA_ALLOWED_HOSTS="mentora.example.org",
        # Production refuses to start sealing secrets without its own key (mentora.E100).
        MENTORA_SECRETS_KEY="Ly_I5aeFKCc8-_1v-uEQ0DOOIvkTDoiM8AN2sU1_e1w=",
        MENTORA_VAR_DIR=str(tmp_path),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_secret_key_refuses_to_start(tmp_path):
    result = run_manage(
        "check",
        MENTORA_PRODUCTION="1",
        MENTORA_ALLOWED_HOSTS="x.org",
        MENTORA_VAR_DIR=str(tmp_path),
    )

    assert result.returncode != 0
    assert "MENTORA_SECRET_KEY" in result.stderr


def test_bad_boolean_setting_is_a_clear_error(tmp_path):
    result = run_manage("check", MENTORA_DEBUG="maybe", MENTORA_VAR_DIR=str(tmp_path))

    assert result.returncode != 0
    assert "MENTORA_DEBUG must be a yes/no value" in result.stderr
