"""Elasticsearch implementations of Leian's backend Protocols (store, lexical, dense) and their plumbing.

A development node runs with ``make es-up`` (``scripts/es.sh``); ``LEIAN_ES_URL`` says where a cluster is.
"""

from indexing.elastic.connection import connect
from indexing.elastic.dense import ElasticDenseIndex
from indexing.elastic.lexical import ElasticLexicalIndex
from indexing.elastic.store import ElasticDocumentStore

__all__ = ["ElasticDenseIndex", "ElasticDocumentStore", "ElasticLexicalIndex", "connect"]
