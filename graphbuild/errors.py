"""The exception hierarchy: the library raises these, the CLI turns them into one line."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class GraphbuildError(Exception):
    """Base class of every error graphbuild raises on purpose."""


class FeedError(GraphbuildError):
    """A source cannot be read or parsed as a feed."""


class UnknownExtractor(GraphbuildError):
    """An extractor name that is not registered."""


class QueryError(GraphbuildError):
    """Unknown query, missing or unknown parameter, bad or refused SPARQL."""


class ExportError(GraphbuildError):
    """An output cannot be written in the asked format or place."""


class RulesError(GraphbuildError):
    """A URL rules file is malformed."""


class CurationError(GraphbuildError):
    """A curation file is malformed (file, table and reason in the message)."""


@contextmanager
def reading_graph_file(path: str | Path, error: type[GraphbuildError], what: str = "") -> Iterator[None]:
    """Turn the ways a graph file cannot be read into one line of ``error`` naming it: missing, a
    folder, or not RDF (``what``, e.g. " as TURTLE", says what it was read as)."""
    try:
        yield
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder, not a graph file") from None
    except (SyntaxError, ValueError, OSError) as e:
        raise error(f"{path}: cannot read{what} ({str(e).splitlines()[0][:200]})") from None
