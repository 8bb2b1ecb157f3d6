"""The curriculum content: YAML files in this folder, typed models, a cached loader, checks.

    from shine import content
    cur = content.load()
    for p in cur.definition.principles: ...
    play = content.get("play", "parent-teacher-home-visits")
"""

from .check import Index, Problem, check_dir, file_names
from .loader import CONTENT_DIR, ContentError, clear_cache, content_dir, english, get, index, items, load
from .curriculum import Curriculum

__all__ = [
    "CONTENT_DIR", "ContentError", "Curriculum", "Index", "Problem", "check_dir", "clear_cache",
    "content_dir", "english", "file_names", "get", "index", "items", "load",
]
