"""The shapes of the API's requests and answers, for validation and the OpenAPI document.

Answers are built as plain JSON (signed documents must reach the client byte
for byte as signed, so they never pass through a model that could add or drop
a member); these models describe them in ``/api/v1/openapi.json``, which the
web UI and the schema tests read.  A member that may be missing is optional
here, and one that may be null says so.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AuditPage",
    "ConsistencyProofModel",
    "ErrorAnswer",
    "GraphModel",
    "InclusionProofModel",
    "IndexModel",
    "KeyEntryModel",
    "KeyListModel",
    "KeyRequest",
    "OwnersModel",
    "OwnersRequest",
    "PackageModel",
    "PublishAnswer",
    "RemoveRequest",
    "RootKeyModel",
    "SearchModel",
    "TreeHeadModel",
    "VersionModel",
    "YankAnswer",
]


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorAnswer(BaseModel):
    error: ErrorDetail


class Removed(BaseModel):
    reason: str


class VerificationModel(BaseModel):
    cells: dict[str, int]
    verifier: str | None = None
    solver: str | None = None


class VersionEntryModel(BaseModel):
    version: str
    dependencies: dict[str, str]
    checksum: str
    yanked: bool
    signature: str
    key_id: str
    published_at: str | None
    log_index: int
    removed: Removed | None = None
    verification: VerificationModel | None = None


class IndexModel(BaseModel):
    name: str
    versions: list[VersionEntryModel]


class SearchHitModel(BaseModel):
    name: str
    version: str = Field(description="The newest installable version; empty when there is none")
    description: str
    downloads: int


class SearchModel(BaseModel):
    packages: list[SearchHitModel]
    page: int
    total: int


class VersionSummary(BaseModel):
    version: str
    yanked: bool
    published_at: str
    checksum: str
    removed: str | None = Field(description="Why an administrator removed it, if removed")


class PackageModel(BaseModel):
    name: str
    description: str
    downloads: int
    owners: list[str]
    versions: list[VersionSummary] = Field(description="Newest first")
    readme: str | None
    newest: str | None = Field(description="The newest version neither yanked nor removed")


class VersionModel(BaseModel):
    name: str
    version: str
    description: str
    downloads: int
    owners: list[str]
    yanked: bool
    removed: str | None
    published_at: str
    checksum: str
    dependencies: dict[str, str]
    readme: str | None
    newest: str | None
    log_index: int
    key_id: str
    verification: VerificationModel | None


class GraphNode(BaseModel):
    id: str
    name: str
    version: str


class GraphEdge(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    requirement: str


class GraphModel(BaseModel):
    root: str
    nodes: list[GraphNode]
    edges: list[GraphEdge]


class RootKeyModel(BaseModel):
    algorithm: str
    key_id: str
    public_key: str


class KeyEntryModel(BaseModel):
    key_id: str
    owner: str
    public_key: str
    valid_from: int
    revoked_at: int | None = None


class KeyListModel(BaseModel):
    keys: list[KeyEntryModel]
    signature: str


class TreeHeadModel(BaseModel):
    root: str
    size: int
    signature: str


class InclusionProofModel(BaseModel):
    hashes: list[str]
    leaf_index: int
    tree_size: int


class ConsistencyProofModel(BaseModel):
    hashes: list[str]
    old_size: int
    tree_size: int


class PublishAnswer(BaseModel):
    name: str
    version: VersionEntryModel


class YankAnswer(BaseModel):
    name: str
    version: str
    yanked: bool


class KeyRequest(BaseModel):
    public_key: str = Field(max_length=64, description="Standard base64 of the raw 32-byte key")
    replaces: str | None = Field(
        default=None, max_length=64, description="Key id of the caller's key this one rotates out"
    )


class OwnersRequest(BaseModel):
    owners: list[str] = Field(min_length=1, max_length=100)


class OwnersModel(BaseModel):
    name: str
    owners: list[str]


class RemoveRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=1000)


class AuditEventModel(BaseModel):
    id: int
    at: str
    actor: str | None
    token_id: int | None
    action: str
    target: str
    outcome: str
    status: int
    address: str
    detail: str


class AuditPage(BaseModel):
    events: list[AuditEventModel]
    page: int
    total: int
