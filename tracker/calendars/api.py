"""Business calendars over the API."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from tracker.calendars import schemas, services
from tracker.extensions import db
from tracker.schemas import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, paginate

blp = Blueprint("api_calendars", __name__, url_prefix="/api/v1", description="Business calendars")

ID = "<int(max=2147483647):calendar_id>"


@blp.route("/calendars")
@blp.response(200, schemas.Calendar(many=True))
@blp.paginate(page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_calendars(pagination_parameters):
    """Every business calendar, by name."""
    return paginate(services.calendar_query(), pagination_parameters)


@blp.route("/calendars", methods=["POST"])
@blp.arguments(schemas.CalendarCreate)
@blp.response(201, schemas.Calendar)
def create_calendar(data):
    """Create a business calendar (administrators)."""
    calendar = services.create_calendar(current_user, data)
    db.session.commit()
    return calendar


@blp.route(f"/calendars/{ID}")
@blp.response(200, schemas.Calendar)
def get_calendar(calendar_id):
    """One business calendar."""
    return services.get_calendar(calendar_id)


@blp.route(f"/calendars/{ID}", methods=["PATCH"])
@blp.arguments(schemas.CalendarUpdate)
@blp.response(200, schemas.Calendar)
def update_calendar(data, calendar_id):
    """Change some settings of a business calendar (administrators)."""
    calendar = services.update_calendar(current_user, services.get_calendar(calendar_id, for_update=True), data)
    db.session.commit()
    return calendar


@blp.route(f"/calendars/{ID}/due")
@blp.arguments(schemas.DueQuery, location="query")
@blp.response(200, schemas.Due)
def due(args, calendar_id):
    """When a target of `amount` `unit`s started at `from` falls due (UTC)."""
    calendar = services.get_calendar(calendar_id)
    return {"due_at": services.due_from(calendar, args["start"], args["amount"], args["unit"])}


@blp.route(f"/calendars/{ID}/working-days")
@blp.arguments(schemas.WorkingDaysQuery, location="query")
@blp.response(200, schemas.WorkingDays)
def working_days(args, calendar_id):
    """The next `count` working days from `from` (inclusive)."""
    calendar = services.get_calendar(calendar_id)
    return {"days": services.next_working_days(calendar, args.get("start"), args["count"])}
