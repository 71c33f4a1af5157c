"""The fixed text of the demo organisation: departments, commitments, handoff titles, comments."""

from __future__ import annotations

from dataclasses import dataclass

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

# People per department, lead included; the stories' consumers are large enough that more than
# five different people rate their provider every month.
DEPARTMENT_SIZES = {
    "EXEC": 6, "FIN": 9, "HR": 8, "IT": 10, "PUR": 8, "SALES": 18,
    "MKT": 9, "ENG": 18, "OPS": 10, "LEGAL": 7, "FAC": 7, "QA": 8,
}

# Where each department works; its commitments use that office's calendar.
US_DEPARTMENTS = frozenset({"LEGAL", "MKT"})

CALENDARS = (
    {"key": "cn", "name": "China office", "timezone": "Asia/Shanghai", "weekdays": [0, 1, 2, 3, 4],
     "hours": [["09:00", "12:00"], ["13:00", "18:00"]], "country": "CN", "subdivision": None},
    {"key": "us", "name": "US office", "timezone": "America/New_York", "weekdays": [0, 1, 2, 3, 4],
     "hours": [["09:00", "17:00"]], "country": "US", "subdivision": "NY"},
    {"key": "24x7", "name": "Around the clock", "timezone": "Asia/Shanghai", "weekdays": [0, 1, 2, 3, 4, 5, 6],
     "hours": [["00:00", "24:00"]], "country": None, "subdivision": None},
)

GIVEN_NAMES = (
    "Wei", "Fang", "Min", "Jing", "Lei", "Yan", "Jun", "Hui", "Xin", "Ling", "Tao", "Qiang", "Mei", "Hao",
    "Yu", "Chen", "Emily", "James", "Sarah", "Michael", "Laura", "David", "Olivia", "Daniel", "Grace",
    "Ryan", "Sofia", "Kevin", "Anna", "Lucas", "Maya", "Ethan",
)
FAMILY_NAMES = (
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu", "Sun", "Ma", "Zhu",
    "Hu", "Guo", "Smith", "Johnson", "Brown", "Garcia", "Miller", "Davis", "Martin", "Lee", "Walker",
    "Young", "King", "Wright", "Lopez", "Hill",
)


@dataclass(frozen=True)
class CommitmentText:
    """One commitment of the demo catalog, as its provider would write it."""

    key: str
    provider: str
    title: str
    description: str
    needs: str
    amount: str
    unit: str
    consumers: tuple[str, ...] = ()
    calendar: str | None = None
    attainment: str = "0.9000"
    satisfaction: str = "4.00"
    cadence: str = "month"
    status: str = "published"
    # A revised commitment: the amount and title of its first version, and how far into the
    # demo period (0..1) the second version was published.
    revised_from: tuple[str, str, float] | None = None
    # A retired commitment: how far into the demo period it was retired.
    retired_at: float | None = None
    titles: tuple[str, ...] = ()
    source: tuple[str, str] | None = None


COMMITMENTS = (
    CommitmentText(
        "it-laptop", "IT", "New-hire laptop ready",
        "A configured laptop with accounts, e-mail and the standard software, handed over on the first day.",
        "The hire's name, start date and role from HR, at least three business days ahead.",
        "3", "business_days", attainment="0.9500", satisfaction="4.20",
        titles=("Laptop for new hire {person}", "Laptop and accounts for {person}", "Replacement laptop for {person}"),
        source=("servicedesk", "SD-"),
    ),
    CommitmentText(
        "it-password", "IT", "Password reset",
        "Locked or forgotten passwords are reset and the person can sign in again.",
        "The person's name and a manager's confirmation for privileged accounts.",
        "4", "business_hours", attainment="0.9500", satisfaction="4.30",
        titles=("Password reset for {person}", "Unlock account of {person}", "VPN password for {person}"),
        source=("servicedesk", "SD-"),
    ),
    CommitmentText(
        "it-incident", "IT", "Production incident response",
        "An engineer works on a system outage that stops customer work, around the clock.",
        "Which system is down, since when, and a contact who can test the fix.",
        "4", "calendar_hours", consumers=("ENG", "OPS", "SALES"), calendar="24x7", attainment="0.9900",
        satisfaction="4.00", cadence="week",
        titles=("Outage: {system}", "{system} not responding", "Slow {system} for the whole team"),
        source=("servicedesk", "SD-"),
    ),
    CommitmentText(
        "it-licences", "IT", "Software licence requests",
        "A licence for approved software is bought and assigned.",
        "The software, the person and a cost centre.",
        "2", "business_days", status="draft",
    ),
    CommitmentText(
        "fin-invoices", "FIN", "Supplier invoices paid",
        "Approved supplier invoices are paid by bank transfer.",
        "An invoice matched to an approved purchase order and a goods receipt.",
        "5", "business_days", consumers=("PUR", "OPS", "FAC"), satisfaction="3.80",
        titles=("Pay invoice {number} from {supplier}", "Invoice {number}, {supplier}"),
        source=("erp", "AP-"),
    ),
    CommitmentText(
        "fin-expenses", "FIN", "Expense claims reimbursed",
        "Expense claims with receipts are checked and reimbursed with the next payment run.",
        "A claim with every receipt attached and the manager's approval.",
        "7", "business_days", revised_from=("10", "Expense claims reimbursed", 0.35),
        titles=("Expense claim of {person}", "Travel expenses of {person}"),
    ),
    CommitmentText(
        "hr-offers", "HR", "Offer letters issued",
        "A signed offer letter goes to the candidate once the hiring manager has chosen.",
        "The approved salary band, the start date and the hiring manager's decision.",
        "2", "business_days",
        titles=("Offer letter for {person}", "Offer for candidate {person}"),
    ),
    CommitmentText(
        "hr-onboarding", "HR", "Onboarding scheduled",
        "The first week of a new hire is planned: induction, buddy, training slots.",
        "The hire's team, buddy and manager.",
        "5", "business_days", consumers=("ENG", "SALES", "OPS"), satisfaction="4.00", cadence="quarter",
        titles=("Onboarding plan for {person}",),
    ),
    CommitmentText(
        "pur-po", "PUR", "Purchase orders approved",
        "A purchase request within budget becomes an approved purchase order sent to the supplier.",
        "A purchase request with a quote, a cost centre and the budget owner's approval.",
        "2", "business_days", attainment="0.9500",
        titles=("PO for {item}", "Purchase of {item}", "Order {item} from {supplier}"),
        source=("erp", "PR-"),
    ),
    CommitmentText(
        "pur-quotes", "PUR", "Supplier quotes collected",
        "Three comparable quotes from qualified suppliers.",
        "A specification of what is needed, the quantity and the latest delivery date.",
        "5", "business_days", consumers=("ENG", "OPS"),
        titles=("Quotes for {item}",),
    ),
    CommitmentText(
        "legal-contracts", "LEGAL", "Contract review",
        "A customer or supplier contract is reviewed and returned with comments or approval.",
        "The contract in an editable format, the counterparty and the deal value.",
        "5", "business_days", attainment="0.9500", revised_from=("7", "Contract review", 0.25),
        titles=("Review {supplier} master services agreement", "Contract review: {supplier}",
                "Amendment to the {supplier} contract"),
    ),
    CommitmentText(
        "legal-nda", "LEGAL", "Non-disclosure agreement issued",
        "A standard NDA, ready to sign, for a new customer or supplier.",
        "The counterparty's legal name and address.",
        "1", "business_days", consumers=("SALES", "ENG", "PUR"), attainment="0.9500",
        titles=("NDA with {supplier}",),
    ),
    CommitmentText(
        "fac-repair", "FAC", "Workplace repair",
        "Broken furniture, lights, locks or air conditioning at a desk or meeting room are fixed.",
        "The room or desk number and what is broken.",
        "8", "business_hours",
        titles=("Repair {fixture} in room {room}", "{fixture} broken at desk {room}"),
        source=("facilities-portal", "FP-"),
    ),
    CommitmentText(
        "fac-parking", "FAC", "Parking permits",
        "A parking permit for the office car park.",
        "The car's registration number.",
        "3", "business_days", status="retired", retired_at=0.45,
        titles=("Parking permit for {person}",),
    ),
    CommitmentText(
        "mkt-assets", "MKT", "Campaign assets delivered",
        "Brochures, slides and web banners for a sales campaign, on brand and proof-read.",
        "A brief with the audience, the message and the deadline.",
        "10", "business_days", consumers=("SALES",), satisfaction="3.80",
        titles=("Slides for the {campaign} campaign", "Brochure: {campaign}"),
    ),
    CommitmentText(
        "sales-forecast", "SALES", "Customer forecast submitted",
        "The monthly demand forecast per customer and product line.",
        "The forecast template of the month.",
        "3", "business_days", consumers=("OPS", "FIN"), cadence="quarter",
        titles=("Forecast for {campaign}",),
    ),
    CommitmentText(
        "eng-defects", "ENG", "Product defects fixed",
        "A confirmed product defect is fixed and the fix released to the test environment.",
        "Steps to reproduce, the affected version and the customer impact.",
        "5", "business_days", consumers=("QA", "SALES", "OPS"),
        titles=("Fix defect {number} in {system}", "Defect {number}: {system}"),
        source=("issue-tracker", "BUG-"),
    ),
    CommitmentText(
        "ops-dispatch", "OPS", "Shipments dispatched",
        "A customer order in stock leaves the warehouse.",
        "A confirmed order with the delivery address.",
        "2", "business_days", consumers=("SALES",),
        titles=("Dispatch order {number}",),
    ),
    CommitmentText(
        "qa-signoff", "QA", "Release sign-off",
        "A release candidate is tested and signed off or sent back with findings.",
        "The release notes and a build in the test environment.",
        "2", "business_days", consumers=("ENG",),
        titles=("Sign off release {number}",),
    ),
    CommitmentText(
        "qa-audit", "QA", "Site safety inspection",
        "An inspection of a floor or warehouse, with a written report.",
        "Access to the site and the last report.",
        "5", "business_days", consumers=("FAC",), cadence="quarter",
        titles=("Safety inspection of floor {room}",),
    ),
    CommitmentText(
        "exec-budget", "EXEC", "Budget exception decided",
        "A request to spend beyond the approved budget gets a decision.",
        "The amount, the reason and the alternatives considered.",
        "5", "business_days", consumers=("MKT",), cadence="quarter",
        titles=("Budget exception: {campaign}",),
    ),
)

# (commitment, consumer, handoffs per month); a whole number below 1 is a total over the period.
FLOWS = (
    ("it-laptop", "SALES", 9), ("it-laptop", "ENG", 6), ("it-laptop", "OPS", 3), ("it-laptop", "MKT", 2),
    ("it-password", "SALES", 14), ("it-password", "ENG", 6), ("it-password", "OPS", 4), ("it-password", "FIN", 4),
    ("it-incident", "ENG", 4), ("it-incident", "OPS", 3), ("it-incident", "SALES", 4),
    ("fin-invoices", "PUR", 10), ("fin-invoices", "OPS", 5), ("fin-invoices", "FAC", 4),
    ("fin-expenses", "SALES", 10), ("fin-expenses", "ENG", 6), ("fin-expenses", "MKT", 4),
    ("hr-offers", "ENG", 6), ("hr-offers", "SALES", 5), ("hr-offers", "OPS", 3),
    ("hr-onboarding", "ENG", 4), ("hr-onboarding", "SALES", 4),
    ("pur-po", "ENG", 18), ("pur-po", "OPS", 8), ("pur-po", "FAC", 5), ("pur-po", "IT", 6),
    ("pur-quotes", "ENG", 7), ("pur-quotes", "OPS", 3),
    ("legal-contracts", "SALES", 16), ("legal-contracts", "PUR", 8), ("legal-contracts", "MKT", 6),
    ("legal-nda", "SALES", 8), ("legal-nda", "ENG", 5),
    ("fac-repair", "ENG", 5), ("fac-repair", "SALES", 4), ("fac-repair", "OPS", 4), ("fac-repair", "FIN", 3),
    ("fac-parking", "SALES", 3),
    ("mkt-assets", "SALES", 8),
    ("sales-forecast", "OPS", 5), ("sales-forecast", "FIN", 3),
    ("eng-defects", "QA", 9), ("eng-defects", "SALES", 4), ("eng-defects", "OPS", 4),
    ("ops-dispatch", "SALES", 10),
    ("qa-signoff", "ENG", 7),
)
# Pairs with so few handoffs and raters that no dashboard may show them: (commitment, consumer,
# handoffs in the whole period, distinct raters).
SMALL_FLOWS = (
    ("qa-audit", "FAC", 4, 2),
    ("exec-budget", "MKT", 3, 1),
    ("hr-offers", "LEGAL", 3, 2),
)

FILLERS = {
    "system": ("the CRM", "the ERP", "e-mail", "the VPN", "the build server", "the order portal", "Wi-Fi on floor 3"),
    "supplier": ("Acme Components", "Huaxin Logistics", "Northwind Traders", "Blue River Software",
                 "Shenzhen Precision", "Globex", "Initech", "Lakeside Packaging", "Summit Office Supply"),
    "item": ("20 monitors", "a test rig", "office chairs", "server memory", "a CAD licence", "safety shoes",
             "a 3D printer", "packaging material", "laptops for interns"),
    "fixture": ("Air conditioning", "Door lock", "Ceiling light", "Desk", "Projector", "Window blind"),
    "campaign": ("spring launch", "trade fair", "partner summit", "Q3 promotion", "new distributor", "webinar"),
}

COMMENTS_HIGH = (
    "Quick and friendly, thank you.", "Done before we even asked again.", "Exactly what we needed.",
    "Clear updates the whole way.", "Great turnaround.", "非常及时，谢谢！", "沟通顺畅，效率很高。",
)
COMMENTS_MID = (
    "Fine, but we had to chase once.", "OK in the end; the first version needed changes.",
    "Acceptable.", "Took a bit longer than hoped.", "基本满意，但需要催一下。",
)
COMMENTS_LOW = (
    "Late again, and nobody told us.", "We had to redo part of it ourselves.",
    "Hard to find out who is responsible.", "The process has too many steps.", "The system kept failing.",
    "拖了很久才处理。", "不清楚该找谁负责。",
)
# What people say about the department that is on time but hard to work with.
COMMENTS_ON_TIME_RATED_POORLY = (
    "On time, but the tone of the review notes was dismissive.",
    "Returned within the deadline; nobody picked up the phone when we had questions.",
    "We only learned about the changed clauses from the customer.",
    "Delivered on time, but we had to guess what had changed.",
    "按时完成了，但态度很差，沟通困难。",
)
