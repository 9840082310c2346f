"""Validation once per document, not once per request.

Most traffic is a few documents sent again and again (a dashboard polling, a partner
app's fixed queries), and validating one took about a third of a simple request's
time. A document that passed every check (graphql-core's rules, the depth, alias,
expansion and overlap limits) is remembered by its text; the next request with that
text gets the same parsed object from the endpoint's parse cache
(``payload.read_document``) and runs only the rules that depend on the request: the
cost rule, which prices the operation with this request's variables.

The memory is per schema (each ``build_schema`` makes its own), bounded, and keeps
only documents that passed, so a document refused (a fragment bomb, say) is checked
in full every time it comes.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator

from graphql import DocumentNode, validate
from strawberry.extensions.base_extension import SchemaExtension


class ValidDocuments:
    """The texts of documents that passed validation, with the parsed object that did,
    least recently used first out."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._documents: OrderedDict[str, DocumentNode] = OrderedDict()

    def __len__(self) -> int:
        return len(self._documents)

    def knows(self, text: str, document: DocumentNode) -> bool:
        """Whether ``document`` is the very object that passed when ``text`` was seen."""
        known = self._documents.get(text)
        if known is not document:
            return False
        self._documents.move_to_end(text)
        return True

    def remember(self, text: str, document: DocumentNode) -> None:
        if self.maxsize <= 0:
            return
        self._documents[text] = document
        self._documents.move_to_end(text)
        while len(self._documents) > self.maxsize:
            self._documents.popitem(last=False)


class KnownDocuments(SchemaExtension):
    """Skips the static checks of a document that passed them before (see the module's
    doc). Listed before the extensions whose ``on_validate`` checks the document: errors
    set here (an empty list included) make them and strawberry's validation skip it."""

    def __init__(self, documents: ValidDocuments) -> None:
        self.documents = documents
        self.hit = False

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document, text = context.graphql_document, context.query
        self.hit = bool(
            document is not None
            and text is not None
            and context.pre_execution_errors is None
            and self.documents.knows(text, document)
        )
        if self.hit:
            assert document is not None
            per_request = [
                rule for rule in context.validation_rules if getattr(rule, "per_request", False)
            ]
            context.pre_execution_errors = (
                validate(context.schema._schema, document, per_request) if per_request else []
            )
        yield
        if (
            not self.hit
            and document is not None
            and text is not None
            and context.pre_execution_errors == []
        ):
            self.documents.remember(text, document)
