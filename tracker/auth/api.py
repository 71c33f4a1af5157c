"""The caller and their API tokens."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select

from tracker.auth import schemas, services
from tracker.extensions import db
from tracker.models import ApiToken

blp = Blueprint("api_me", __name__, url_prefix="/api/v1", description="The caller and their API tokens")


@blp.route("/me")
@blp.response(200, schemas.Me)
def me():
    """Who the caller is: email, name, department and role."""
    return current_user


@blp.route("/tokens")
@blp.response(200, schemas.Token(many=True))
def list_tokens():
    """The caller's own API tokens (never their secrets)."""
    return db.session.scalars(select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id))


@blp.route("/tokens", methods=["POST"])
@blp.arguments(schemas.TokenCreate)
@blp.response(201, schemas.TokenCreated)
def create_token(data):
    """Create a token that acts with the caller's rights; its secret is in this answer only."""
    token, secret = services.create_token(current_user, name=data["name"])
    db.session.commit()
    token.token = secret
    return token


@blp.route("/tokens/<int(max=2147483647):token_id>", methods=["DELETE"])
@blp.response(204)
def revoke_token(token_id):
    """Revoke one of the caller's tokens."""
    services.revoke_token(token_id, owner=current_user)
    db.session.commit()
