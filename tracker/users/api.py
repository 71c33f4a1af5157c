"""People over the API: administration, and each person's own data."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from tracker.extensions import db
from tracker.schemas import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, paginate
from tracker.users import schemas, services

blp = Blueprint("api_users", __name__, url_prefix="/api/v1", description="People (administrators) and your own data")

_ID = "<int(max=2147483647):user_id>"


@blp.route("/users")
@blp.arguments(schemas.UserQuery, location="query")
@blp.response(200, schemas.User(many=True))
@blp.paginate(page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_users(args, pagination_parameters):
    """Every person, by email; paginated, with search and filters (administrators)."""
    query = services.user_query(current_user, search=args.get("q"), role=args.get("role"),
                                department_code=args.get("department"), active=args.get("active"))
    return paginate(query, pagination_parameters)


@blp.route("/users", methods=["POST"])
@blp.arguments(schemas.UserCreate)
@blp.response(201, schemas.User)
def create_user(data):
    """Create a person (administrators)."""
    user = services.create_user(current_user, email=data["email"], display_name=data["display_name"],
                                role=data["role"], department_code=data["department"],
                                password=data["password"], locale=data["locale"])
    db.session.commit()
    return user


@blp.route(f"/users/{_ID}")
@blp.response(200, schemas.User)
def get_user(user_id):
    """One person (administrators)."""
    return services.get_user(current_user, user_id)


@blp.route(f"/users/{_ID}", methods=["PATCH"])
@blp.arguments(schemas.UserUpdate)
@blp.response(200, schemas.User)
def update_user(data, user_id):
    """Change role, department, activity, name or language (administrators); changes are audited."""
    changes = dict(data)
    if "department" in changes:
        changes["department_code"] = changes.pop("department")
    user = services.update_user(current_user, user_id, **changes)
    db.session.commit()
    return user


@blp.route(f"/users/{_ID}/export")
@blp.response(200, schemas.PersonalData)
def export_user(user_id):
    """What is stored about a person, except the ratings they gave (administrators)."""
    data = services.export_person(current_user, user_id)
    db.session.commit()
    return data


@blp.route(f"/users/{_ID}/erase", methods=["POST"])
@blp.arguments(schemas.EraseConfirm)
@blp.response(200, schemas.User)
def erase_user(_data, user_id):
    """Erase a person's personal data; their ratings stay counted but linked to no one (administrators)."""
    user = services.erase_user(current_user, user_id)
    db.session.commit()
    return user


@blp.route("/me/export")
@blp.response(200, schemas.PersonalData)
def export_me():
    """Everything stored about you, including the ratings you gave; only you can download it."""
    return services.export_own_data(current_user)
