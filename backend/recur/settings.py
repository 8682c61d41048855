"""Configuration from the environment.

Every setting has a development default so that a fresh clone runs with no configuration:
a SQLite database and a generated signing key, both kept under ``var/`` in the working
directory. Production sets ``RECUR_DATABASE_URL`` and ``RECUR_SECRET_KEY``.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

DEFAULT_VAR_DIR = Path("var")


@dataclass(frozen=True)
class Settings:
    """What the application needs to know about its surroundings."""

    database_url: str
    secret_key: str
    #: Lifetime of an access token issued by ``login`` or ``/oauth/token``.
    access_token_ttl_seconds: int = 8 * 3600
    #: Send the session cookie only over HTTPS (on in production, off for local HTTP).
    secure_cookies: bool = False
    #: Discounts above this percentage need a manager's approval.
    approval_threshold_percent: int = 20
    #: When ``recur serve`` runs the daily billing run (UTC); ``None``: never (``recur bill``
    #: from cron instead). ``from_env`` defaults to 02:00.
    billing_time: time | None = None
    frontend_dir: Path = field(default_factory=lambda: _project_root() / "frontend")
    #: Seconds an anonymous catalog read may be served from the in-process result cache.
    catalog_cache_seconds: float = 5.0
    #: How much memory the catalog result cache may hold, in bytes of JSON.
    catalog_cache_bytes: int = 16 * 1024 * 1024
    #: The largest request body accepted; a larger one is answered 413 unread.
    max_body_bytes: int = 1024 * 1024
    #: Who issues the invoices and credit notes, as their PDFs print it.
    seller_name: str = "Recur, Inc."
    seller_address: tuple[str, ...] = (
        "123 Example Street",
        "San Francisco, CA 94105",
        "United States",
    )
    seller_email: str = "billing@recur.example"
    #: A VAT or tax registration number, printed when set.
    seller_tax_id: str = ""

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Read the settings from ``RECUR_*`` environment variables."""
        env = dict(os.environ if environ is None else environ)
        var_dir = Path(env.get("RECUR_VAR_DIR", str(DEFAULT_VAR_DIR)))
        database_url = env.get("RECUR_DATABASE_URL") or _default_database_url(var_dir)
        secret_key = env.get("RECUR_SECRET_KEY") or _development_secret(var_dir)
        kwargs: dict[str, object] = {}
        if "RECUR_ACCESS_TOKEN_TTL" in env:
            kwargs["access_token_ttl_seconds"] = int(env["RECUR_ACCESS_TOKEN_TTL"])
        if "RECUR_SECURE_COOKIES" in env:
            kwargs["secure_cookies"] = env["RECUR_SECURE_COOKIES"].lower() in {"1", "true", "yes"}
        if "RECUR_FRONTEND_DIR" in env:
            kwargs["frontend_dir"] = Path(env["RECUR_FRONTEND_DIR"])
        kwargs["billing_time"] = _billing_time(env.get("RECUR_BILLING_TIME", "02:00"))
        if "RECUR_CATALOG_CACHE_SECONDS" in env:
            kwargs["catalog_cache_seconds"] = float(env["RECUR_CATALOG_CACHE_SECONDS"])
        if "RECUR_CATALOG_CACHE_BYTES" in env:
            kwargs["catalog_cache_bytes"] = int(env["RECUR_CATALOG_CACHE_BYTES"])
        if "RECUR_MAX_BODY_BYTES" in env:
            kwargs["max_body_bytes"] = int(env["RECUR_MAX_BODY_BYTES"])
        for name in ("name", "email", "tax_id"):
            if f"RECUR_SELLER_{name.upper()}" in env:
                kwargs[f"seller_{name}"] = env[f"RECUR_SELLER_{name.upper()}"].strip()
        if "RECUR_SELLER_ADDRESS" in env:
            # One variable, its lines separated by semicolons.
            lines = env["RECUR_SELLER_ADDRESS"].split(";")
            kwargs["seller_address"] = tuple(line.strip() for line in lines if line.strip())
        return cls(database_url=database_url, secret_key=secret_key, **kwargs)  # type: ignore[arg-type]


def _project_root() -> Path:
    """The checkout's root when installed in development mode (frontend/ lives there)."""
    return Path(__file__).resolve().parents[2]


def _default_database_url(var_dir: Path) -> str:
    var_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite+aiosqlite:///{(var_dir / 'recur.sqlite3').resolve()}"


def _development_secret(var_dir: Path) -> str:
    """A random signing key made once and kept in ``var/`` so sessions survive restarts."""
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _billing_time(value: str) -> time | None:
    """``HH:MM`` in UTC, or ``off`` (also ``none``, ``false``, empty) for no daily run."""
    value = value.strip().lower()
    if value in {"", "off", "none", "false", "0"}:
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise ValueError(f"RECUR_BILLING_TIME must be HH:MM (UTC) or off, not {value!r}") from None
