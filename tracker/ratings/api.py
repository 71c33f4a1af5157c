"""Ratings over the API: the caller's own rating of a handoff, the inbox and "my ratings"."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from tracker.extensions import db
from tracker.ratings import schemas, services
from tracker.schemas import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, paginate

blp = Blueprint("api_ratings", __name__, url_prefix="/api/v1", description="Ratings")


@blp.route("/handoffs/<int(max=2147483647):handoff_id>/rating", methods=["PUT"])
@blp.arguments(schemas.RatingPut)
@blp.response(200, schemas.Rating)
@blp.alt_response(201, schema=schemas.Rating, description="the rating was created")
def put_rating(data, handoff_id):
    """Rate a delivered handoff, or change one's rating inside the window: 201 when new, 200 when changed."""
    rating, created = services.rate(current_user, handoff_id, **data)
    db.session.commit()
    return rating, 201 if created else 200


@blp.route("/handoffs/<int(max=2147483647):handoff_id>/rating")
@blp.response(200, schemas.Rating)
def get_rating(handoff_id):
    """The caller's own rating of the handoff, or 404."""
    return services.get_own_rating(current_user, handoff_id)


@blp.route("/ratings/inbox")
@blp.response(200, schemas.InboxItem(many=True))
@blp.paginate(page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def inbox(pagination_parameters):
    """Delivered handoffs the caller may still rate, oldest delivery first."""
    return paginate(services.inbox_query(current_user), pagination_parameters)


@blp.route("/ratings/mine")
@blp.response(200, schemas.Rating(many=True))
@blp.paginate(page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def mine(pagination_parameters):
    """The caller's own ratings, latest first."""
    return paginate(services.my_ratings_query(current_user), pagination_parameters)
