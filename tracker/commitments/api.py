"""Service commitments over the API."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from tracker.commitments import schemas, services
from tracker.extensions import db
from tracker.schemas import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, paginate

blp = Blueprint("api_commitments", __name__, url_prefix="/api/v1", description="Service commitments")

ID = "<int(max=2147483647):commitment_id>"


def _flat_target(data: dict) -> dict:
    """The service takes the target as two values."""
    target = data.pop("target", None)
    if target is not None:
        data["target_amount"], data["target_unit"] = target["amount"], target["unit"]
    return data


@blp.route("/commitments")
@blp.arguments(schemas.CommitmentQuery, location="query")
@blp.response(200, schemas.Commitment(many=True))
@blp.paginate(page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_commitments(args, pagination_parameters):
    """The service catalog: filter by provider, consumer (what it may expect), status; search."""
    query = services.commitment_query(current_user, provider=args.get("provider"), consumer=args.get("consumer"),
                                      status=args.get("status"), search=args.get("q"))
    return paginate(query, pagination_parameters)


@blp.route("/commitments", methods=["POST"])
@blp.arguments(schemas.CommitmentCreate)
@blp.response(201, schemas.Commitment)
def create_commitment(data):
    """Create a draft (leads of the provider, administrators)."""
    commitment = services.create_commitment(current_user, **_flat_target(data))
    db.session.commit()
    return commitment


@blp.route(f"/commitments/{ID}")
@blp.response(200, schemas.Commitment)
def get_commitment(commitment_id):
    """One commitment with its current version."""
    return services.get_commitment(current_user, commitment_id)


@blp.route(f"/commitments/{ID}", methods=["PATCH"])
@blp.arguments(schemas.CommitmentUpdate)
@blp.response(200, schemas.Commitment)
def update_commitment(data, commitment_id):
    """Edit a draft; on a published commitment, publish version n+1 with the changes."""
    commitment = services.get_commitment(current_user, commitment_id, for_update=True)
    services.update_commitment(current_user, commitment, **_flat_target(data))
    db.session.commit()
    return commitment


@blp.route(f"/commitments/{ID}/publish", methods=["POST"])
@blp.response(200, schemas.Commitment)
def publish_commitment(commitment_id):
    """Publish a draft."""
    commitment = services.get_commitment(current_user, commitment_id, for_update=True)
    services.publish_commitment(current_user, commitment)
    db.session.commit()
    return commitment


@blp.route(f"/commitments/{ID}/retire", methods=["POST"])
@blp.response(200, schemas.Commitment)
def retire_commitment(commitment_id):
    """Retire a published commitment; its history stays."""
    commitment = services.get_commitment(current_user, commitment_id, for_update=True)
    services.retire_commitment(current_user, commitment)
    db.session.commit()
    return commitment


@blp.route(f"/commitments/{ID}/versions")
@blp.response(200, schemas.CommitmentVersionOut(many=True))
def list_versions(commitment_id):
    """Every version, oldest first, with who published it and when."""
    return services.get_commitment(current_user, commitment_id).versions
