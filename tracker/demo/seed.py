"""The demo organisation: departments and people of every role."""

from __future__ import annotations

import random
from collections.abc import Callable

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from tracker.auth.services import PASSWORD_METHOD
from tracker.extensions import db
from tracker.models import Department, User

DEPARTMENTS = (
    ("EXEC", "Executive Office", "总经办"),
    ("FIN", "Finance", "财务部"),
    ("HR", "Human Resources", "人力资源部"),
    ("IT", "Information Technology", "信息技术部"),
    ("PUR", "Purchasing", "采购部"),
    ("SALES", "Sales", "销售部"),
    ("MKT", "Marketing", "市场部"),
    ("ENG", "Engineering", "研发部"),
    ("OPS", "Operations", "运营部"),
    ("LEGAL", "Legal", "法务部"),
    ("FAC", "Facilities", "行政后勤部"),
    ("QA", "Quality Assurance", "质量管理部"),
)
DEMO_PASSWORD = "demo-password"  # noqa: S105 - documented in the README for the demo data
SIGN_IN_EXAMPLES = {
    "admin": "admin@demo.example",
    "leadership": "ceo@demo.example",
    "lead": "lead.it@demo.example",
    "employee": "employee.sales@demo.example",
}


def database_is_empty() -> bool:
    """True when no department exists yet (a first run)."""
    return db.session.scalar(select(func.count()).select_from(Department)) == 0


def seed_demo(seed: int = 2026, password: str = DEMO_PASSWORD, scale: str = "demo",
              progress: Callable[[str], None] = print) -> dict[str, int]:
    """Load the demo organisation; the same seed gives the same data."""
    rng = random.Random(seed)
    password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
    departments = [Department(code=c, name=n, name_zh=z) for c, n, z in DEPARTMENTS]
    db.session.add_all(departments)
    db.session.flush()
    users = [
        User(email=SIGN_IN_EXAMPLES["admin"], display_name="Administrator", role="admin", password_hash=password_hash),
        User(email=SIGN_IN_EXAMPLES["leadership"], display_name="Chief Executive", role="leadership",
             department=departments[0], password_hash=password_hash),
    ]
    for department in departments[1:]:
        code = department.code.lower()
        users.append(User(email=f"lead.{code}@demo.example", display_name=f"{department.name} Lead", role="lead",
                          department=department, password_hash=password_hash))
        for i in range(1, rng.randint(8, 11)):
            users.append(User(email=f"employee{'' if i == 1 else i}.{code}@demo.example",
                              display_name=f"{department.name} Employee {i}", role="employee",
                              department=department, password_hash=password_hash))
    db.session.add_all(users)
    db.session.commit()
    progress(f"demo: {len(departments)} departments, {len(users)} people")
    return {"departments": len(departments), "people": len(users)}
