"""State shared by the actions of this process: the knowledge search index, built once."""

from __future__ import annotations

from functools import lru_cache

from bot.knowledge.base import knowledge
from bot.knowledge.search import KnowledgeSearch


@lru_cache(maxsize=1)
def knowledge_search() -> KnowledgeSearch:
    return KnowledgeSearch(knowledge())
