"""The app's data access as one namespace (`from app import repository as repo`): it re-exports `app.crud`,
where each job has its own module. New code may import from `app.crud` directly."""

from app.crud import *  # noqa: F403
from app.crud import __all__  # noqa: F401
