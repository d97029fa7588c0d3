"""The exception hierarchy: the library raises these, the CLI turns them into one line."""


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
