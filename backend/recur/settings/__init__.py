"""Configuration from the environment, parsed and checked once at start.

Every setting has a development default so that a fresh clone runs with no configuration:
a SQLite database and a generated signing key, both kept under ``var/`` in the working
directory. ``RECUR_ENV=production`` fails closed instead: it refuses to start without an
explicit database URL and a strong secret key of its own, and defaults secure cookies,
GraphiQL and introspection to what a public server wants. docs/operations.md lists every
variable.

The constructor takes exactly the values it is given (tests build one with keyword
arguments); :meth:`Settings.from_env` reads the ``RECUR_*`` variables.
"""

from __future__ import annotations

import difflib
import os
import secrets
from collections.abc import Mapping
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from recur.settings.values import (
    Duration,
    Stripped,
    parse_address,
    parse_billing_time,
    parse_key_list,
    parse_public_url,
    parse_smtp_url,
)

PREFIX = "RECUR_"
DEFAULT_VAR_DIR = Path("var")
#: The shortest secret key production accepts: 32 characters of a random token.
MIN_SECRET_KEY_LENGTH = 32
#: Keys that were ever published (docker-compose.yml's former default, the docs' examples):
#: anyone could sign tokens with them.
KNOWN_SECRET_KEYS = frozenset(
    {
        "change-me-local-only-not-a-secret",
        "change-me",
        "changeme",
        "secret",
        "replace-me-with-a-long-random-key",
    }
)
#: ``RECUR_*`` variables read by the test suite, the browser tests and ``recur create-admin``
#: (``RECUR_ADMIN_PASSWORD``), not by the server.
TOOLING_VARIABLES = frozenset(
    {"RECUR_TEST_BACKENDS", "RECUR_TEST_POSTGRES", "RECUR_CHROMIUM", "RECUR_ADMIN_PASSWORD"}
)
#: Settings whose variable is not ``RECUR_`` + the field's name in capitals.
VARIABLE_NAMES = {"access_token_ttl_seconds": "RECUR_ACCESS_TOKEN_TTL"}

#: Plainer words than pydantic's for the mistakes a variable invites.
MESSAGES = {
    "bool_parsing": "must be true or false",
    "int_parsing": "must be a whole number",
    "float_parsing": "must be a number",
}


class ConfigurationError(ValueError):
    """The environment does not make a valid configuration; one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class Settings(BaseSettings):
    """What the application needs to know about its surroundings."""

    model_config = SettingsConfigDict(
        env_prefix=PREFIX,
        frozen=True,
        extra="forbid",
        populate_by_name=True,
        validate_default=True,
    )

    #: ``development`` (defaults for a developer's machine) or ``production`` (fails closed).
    env: Literal["development", "production"] = "development"
    database_url: Stripped
    secret_key: str = Field(repr=False)
    #: Keys signed with before the current one: their tokens and CSRF tokens are still
    #: accepted until they expire (docs/operations.md, "Rotating the secret key").
    previous_secret_keys: Annotated[tuple[str, ...], NoDecode, BeforeValidator(parse_key_list)] = (
        Field(default=(), repr=False)
    )
    #: Lifetime of an access token issued by ``login`` or ``/oauth/token``.
    access_token_ttl_seconds: Duration = Field(
        default=8 * 3600,
        validation_alias=VARIABLE_NAMES["access_token_ttl_seconds"],
    )
    #: Send the session cookie only over HTTPS, and HSTS with every answer. Unset: on in
    #: production, off for local HTTP.
    secure_cookies: bool = False
    #: GraphiQL at ``GET /graphql`` in a browser. Unset: on in development only.
    graphiql: bool = True
    #: Introspection queries (``__schema``, ``__type``). Unset: on in development only.
    introspection: bool = True
    #: Discounts above this percentage need a manager's approval.
    approval_threshold_percent: int = Field(default=20, ge=0, le=100)
    #: When ``recur serve`` runs the daily billing run (UTC); ``None``: never (``recur bill``
    #: from cron instead). ``from_env`` defaults to 02:00.
    billing_time: Annotated[time | None, BeforeValidator(parse_billing_time)] = None
    frontend_dir: Path = Field(default_factory=lambda: _project_root() / "frontend")
    #: Where the development database and signing key live.
    var_dir: Path = DEFAULT_VAR_DIR
    #: Seconds an anonymous catalog read may be served from the in-process result cache.
    catalog_cache_seconds: float = Field(default=5.0, ge=0)
    #: How much memory the catalog result cache may hold, in bytes of JSON.
    catalog_cache_bytes: int = Field(default=16 * 1024 * 1024, ge=0)
    #: The largest request body accepted; a larger one is answered 413 unread.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    #: Who issues the invoices and credit notes, as their PDFs print it.
    seller_name: Stripped = "Recur, Inc."
    seller_address: Annotated[tuple[str, ...], NoDecode, BeforeValidator(parse_address)] = (
        "123 Example Street",
        "San Francisco, CA 94105",
        "United States",
    )
    seller_email: Stripped = "billing@recur.example"
    #: A VAT or tax registration number, printed when set.
    seller_tax_id: Stripped = ""
    #: Where the seller is established (ISO 3166-1 alpha-2): EU reverse charge applies to
    #: business buyers in another member state (docs/billing.md, "Tax").
    seller_country: Annotated[str, BeforeValidator(lambda v: str(v).strip().upper())] = Field(
        default="US", pattern="^[A-Z]{2}$"
    )
    #: Connections each process keeps open to PostgreSQL, and may open beyond that under a
    #: burst (docs/operations.md, "Several instances"). SQLite has no pool.
    db_pool_size: int = Field(default=10, ge=1, le=500)
    db_max_overflow: int = Field(default=10, ge=0, le=500)
    #: Where login throttling and the rate limits keep their counts: ``memory://`` (one
    #: server) or ``redis://host:port/db`` (shared by several). See docs/api.md, "Login
    #: throttling". The older name of ``RECUR_REDIS_URL``, which wins when both are set.
    rate_limit_storage: Stripped = "memory://"
    #: Redis shared by several instances for their counts (``redis://host:6379/0``); unset,
    #: ``RECUR_RATE_LIMIT_STORAGE`` says where (memory by default).
    redis_url: Stripped = Field(default="", pattern=r"^(rediss?://.*)?$")
    #: Password checks an account may have (``login``; a partner client on /oauth/token)…
    login_attempts_per_account: Stripped = "10 per 15 minutes"
    #: …and a client address may ask for, in the ``limits`` notation.
    login_attempts_per_address: Stripped = "30 per minute"
    #: Self-service sign-ups one client address may make (docs/administration.md, "Sign-up").
    signups_per_address: Stripped = "10 per hour"
    #: Password hashes computed at once (each takes 64 MiB and a core).
    password_checks_at_once: int = Field(default=2, ge=1)
    #: API requests a user or partner client may make (``/graphql``), in the ``limits``
    #: notation; past it, 429 with ``Retry-After`` (docs/api.md, "Rate limits").
    requests_per_actor: Stripped = "1200 per minute"
    #: …and anonymous requests one address may make.
    requests_per_address: Stripped = "1200 per minute"
    #: What a user, partner client or (anonymous) address may spend on queries a minute, in
    #: nodes asked for (docs/api.md, "Query cost"); 0 turns the limit off.
    query_cost_per_minute: int = Field(default=100_000, ge=0)
    #: The most nodes one query may ask for; more is refused before it runs.
    query_max_nodes: int = Field(default=10_000, ge=1)
    #: Let webhook endpoints be on private and loopback addresses, over plain HTTP too
    #: (development and tests only: it opens the way to server-side request forgery).
    webhooks_allow_private: bool = False
    #: Run the delivery worker (webhooks and email) inside ``recur serve`` (else run
    #: ``recur worker``).
    delivery_worker: bool = True
    #: Where email is sent: ``smtp://[user:password@]host[:port]`` (STARTTLS when offered)
    #: or ``smtps://…``. Unset: messages are kept for the admins' Outbox (docs/email.md).
    smtp_url: Annotated[str, BeforeValidator(parse_smtp_url)] = Field(default="", repr=False)
    #: The sender of every email. Unset: the seller's name and email.
    mail_from: Stripped = ""
    #: The app's address as its users reach it: links in emails lead there.
    public_url: Annotated[str, BeforeValidator(parse_public_url)] = "http://127.0.0.1:8000"
    #: ``json`` (one object a line, for a log collector) or ``text`` (for a person). Unset:
    #: json in production, text in development.
    log_format: Literal["json", "text"] = "text"
    #: When set, ``GET /metrics`` wants ``Authorization: Bearer <token>``.
    metrics_token: str = Field(default="", repr=False)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The constructor's arguments only: :meth:`from_env` hands in the environment."""
        return (init_settings,)

    @model_validator(mode="before")
    @classmethod
    def _defaults_of_the_environment(cls, data: Any) -> Any:
        """Secure cookies on, GraphiQL and introspection off, unless set, in production."""
        if isinstance(data, dict):
            production = str(data.get("env", "")).strip().lower() == "production"
            for name, value in (
                ("secure_cookies", production),
                ("graphiql", not production),
                ("introspection", not production),
                ("log_format", "json" if production else "text"),
            ):
                data.setdefault(name, value)
        return data

    @property
    def count_storage(self) -> str:
        """Where the throttles and rate limits count: ``RECUR_REDIS_URL`` when set, else
        ``RECUR_RATE_LIMIT_STORAGE`` (its older name, kept working)."""
        return self.redis_url or self.rate_limit_storage

    @model_validator(mode="after")
    def _fail_closed_in_production(self) -> Settings:
        if self.env == "production":
            problem = secret_key_problem(self.secret_key)
            if problem:
                raise PydanticCustomError("production", problem)
            if any(secret_key_problem(key) for key in self.previous_secret_keys):
                raise PydanticCustomError(
                    "production",
                    "RECUR_PREVIOUS_SECRET_KEYS holds a weak or published key: "
                    "every key accepted must be as strong as RECUR_SECRET_KEY",
                )
        return self

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and check the ``RECUR_*`` variables; :class:`ConfigurationError` if wrong."""
        env = os.environ if environ is None else environ
        values = _Environment(cls, env)()
        values.setdefault("billing_time", "02:00")
        production = str(values.get("env", "")).strip().lower() == "production"
        missing = [name for name in ("database_url", "secret_key") if not values.get(name)]
        if production and missing:
            problems = [
                f"{variable_name(name)} must be set when RECUR_ENV=production" for name in missing
            ]
            weak_key = values.get("secret_key") and secret_key_problem(str(values["secret_key"]))
            raise ConfigurationError([*problems, weak_key] if weak_key else problems)
        var_dir = Path(values.get("var_dir") or DEFAULT_VAR_DIR)
        if "database_url" in missing:
            values["database_url"] = _default_database_url(var_dir)
        if "secret_key" in missing:
            values["secret_key"] = _development_secret(var_dir)
        try:
            return cls(**values)
        except ValidationError as error:
            raise ConfigurationError(describe(error, values)) from None


class _Environment(EnvSettingsSource):
    """pydantic-settings' reading of ``RECUR_*`` variables, from a given mapping."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls, env_ignore_empty=True)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {name.lower(): value for name, value in self._environ.items() if value != ""}


def variable_name(field: str) -> str:
    """The environment variable of a setting."""
    return VARIABLE_NAMES.get(field, PREFIX + field.upper())


def known_variables() -> list[str]:
    """Every ``RECUR_*`` variable the server reads."""
    return [variable_name(field) for field in Settings.model_fields]


def secret_key_problem(key: str) -> str | None:
    """Why a secret key may not sign production tokens, or ``None`` when it may."""
    if key.strip().lower() in KNOWN_SECRET_KEYS:
        return "RECUR_SECRET_KEY is a published example: generate a key of your own"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"RECUR_SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters in production"
    return None


def unknown_variables(environ: Mapping[str, str] | None = None) -> list[str]:
    """A warning for each ``RECUR_*`` variable no setting reads (a typo is silently ignored
    otherwise), with the nearest known name."""
    env = os.environ if environ is None else environ
    known = known_variables()
    warnings = []
    for name in sorted(env):
        if not name.startswith(PREFIX) or name in known or name in TOOLING_VARIABLES:
            continue
        guess = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
        hint = f" (did you mean {guess[0]}?)" if guess else ""
        warnings.append(f"{name} is not a Recur setting and is ignored{hint}")
    return warnings


def describe(error: ValidationError, values: Mapping[str, object]) -> list[str]:
    """One line per problem, naming the variable (and the value, unless it is the key)."""
    lines = []
    for problem in error.errors():
        key = str(problem["loc"][0]) if problem["loc"] else ""
        if not key:
            lines.append(problem["msg"])
            continue
        field = next((f for f, v in VARIABLE_NAMES.items() if v == key), key)
        message = MESSAGES.get(problem["type"]) or problem["msg"][:1].lower() + problem["msg"][1:]
        shown = (
            ""
            if field in ("secret_key", "previous_secret_keys")
            else f" (got {values.get(key, '')!r})"
        )
        lines.append(f"{variable_name(field)}: {message}{shown}")
    return lines


def _project_root() -> Path:
    """The checkout's root when installed in development mode (frontend/ lives there)."""
    return Path(__file__).resolve().parents[3]


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
