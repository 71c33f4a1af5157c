"""Departments over the API."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from tracker.departments import schemas, services
from tracker.extensions import db
from tracker.schemas import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, paginate

blp = Blueprint("api_departments", __name__, url_prefix="/api/v1", description="Departments")


@blp.route("/departments")
@blp.arguments(schemas.DepartmentQuery, location="query")
@blp.response(200, schemas.Department(many=True))
@blp.paginate(page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_departments(args, pagination_parameters):
    """Every department, by code; paginated, with search."""
    query = services.department_query(active=args.get("active"), search=args.get("q"))
    return paginate(query, pagination_parameters)


@blp.route("/departments", methods=["POST"])
@blp.arguments(schemas.DepartmentCreate)
@blp.response(201, schemas.Department)
def create_department(data):
    """Create a department (administrators)."""
    department = services.create_department(current_user, **data)
    db.session.commit()
    return department


@blp.route("/departments/<string:code>")
@blp.response(200, schemas.Department)
def get_department(code):
    """One department by its code."""
    return services.get_by_code(code)
