"""Demo history for insight (``lifecase demo generate``): months of made-up cases across the
catalogue, as the event envelopes the services would have published, fed into insight's
projection through its own handlers, never onto the stream, so no other service acts on them.

Volumes are those of a municipality of 600,000 scaled down to tens of cases a week, with the
seasons' bumps (summer substitutes hired in May and June, people leaving at the year's end);
work happens on Danish working days and hours, each sub-case type takes a lognormal time
around its own median, robots resolve part of the rule-bound payroll types, and some items are
transferred, asked about, rejected or cancelled, or run past their due date.

Reproducible: each day's cases come from a ``random.Random`` seeded with the seed and the day,
and every id is derived from them, so the same seed gives the same events; a later run only
adds what happened since, and feeding the same events twice adds nothing (the projection's
processed-event records). Nothing personal: no CPR numbers, no names, no texts (the reporters
are demo usernames)."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from lifecase_contracts.events import (
    CaseCompleted,
    CaseSubmitted,
    CaseWithdrawn,
    Envelope,
    EventData,
    InfoRequested,
    Localized,
    ReplyFiled,
    SlaBreached,
    SlaDueSoon,
    SubcaseCancelled,
    SubcaseClaimed,
    SubcaseOpened,
    SubcaseRejected,
    SubcaseResolved,
    SubcaseRouted,
    derived_id,
)
from lifecase_insight.projection import registry
from lifecase_insight.rebuild import apply_events
from lifecase_platform.db import SessionFactory
from lifecase_platform.workdays import DANISH_TIME, WorkdayCalendar

SOURCE = "lifecase/demo"
BATCH = 500
DAY_STARTS, DAY_ENDS = time(8, 0), time(16, 0)
WORKING_MINUTES = 8 * 60
# As routing's seed: its closing days, the days before a due date that count as "due soon".
CALENDAR = WorkdayCalendar.with_closing_days(["12-24", "12-31"])
DUE_SOON_DAYS = 2
REPORTERS = (("rita", "Børne- og Ungeforvaltningen"), ("rolf", "Teknik- og Miljøforvaltningen"))
CASEWORKERS = {
    "hr": "hans",
    "payroll": "paula",
    "it": "ivan",
    "facilities": "frida",
    "triage": "sofie",
}
ROBOT = "robot-payroll"
# Where a misrouted item goes (the rate is TRANSFER_RATE).
TRANSFER_TO = {
    "hr": "payroll",
    "payroll": "hr",
    "it": "facilities",
    "facilities": "it",
}
TRANSFER_RATE = 0.07
QUESTION_RATE = 0.12
UNANSWERED_RATE = 0.1
REJECT_RATE = 0.02
WITHDRAW_RATE = 0.02
SIGMA = 0.7  # the lognormal's spread: a quarter of the items take under half the median
# Of an item's time from entering the queue to its resolution, the share a caseworker works
# on it after claiming it (a range); the rest it waits in the queue. One sitting at most.
HANDLING_SHARE = (0.05, 0.15)
LONGEST_SITTING = WORKING_MINUTES - 60


@dataclass(frozen=True)
class DemoActivity:
    """One activity of a life event as the demo plays it: its unit (whose queue the type rule
    routes to), the median working hours from entering the queue to resolution (of which a
    caseworker works ``HANDLING_SHARE`` after claiming the item), when it opens
    (working days after filing, a range) and how often it occurs and robots resolve it."""

    key: str
    subcase_type: str
    title: Localized
    unit: str
    median_hours: float
    opens_after: tuple[int, int] = (0, 0)
    sla_days: int = 10
    occurs: float = 1.0
    robot_share: float = 0.0


@dataclass(frozen=True)
class DemoLifeEvent:
    """A catalogue life event: cases per week on average and each month's factor on it."""

    key: str
    per_week: float
    activities: tuple[DemoActivity, ...]
    season: Mapping[int, float] = field(default_factory=dict)


def _a(key: str, subcase_type: str, da: str, en: str, **kw: Any) -> DemoActivity:
    unit = subcase_type.split(".", 1)[0]
    return DemoActivity(key, subcase_type, Localized(da=da, en=en), unit, **kw)


CATALOGUE: tuple[DemoLifeEvent, ...] = (
    DemoLifeEvent(
        "hiring",
        18.0,
        (
            _a(
                "employment_contract",
                "hr.employment_contract",
                "Ansættelseskontrakt",
                "Employment contract",
                median_hours=10,
                sla_days=5,
            ),
            _a(
                "payroll_setup",
                "payroll.setup",
                "Lønoprettelse",
                "Payroll setup",
                median_hours=14,
                robot_share=0.6,
            ),
            _a(
                "it_equipment",
                "it.equipment",
                "It-udstyr og konti",
                "IT equipment and accounts",
                median_hours=20,
                opens_after=(5, 15),
                sla_days=8,
            ),
            _a(
                "access_card",
                "facilities.access_card",
                "Adgangskort",
                "Access card",
                median_hours=6,
                opens_after=(10, 20),
                sla_days=8,
            ),
            _a(
                "welcome_package",
                "facilities.welcome_package",
                "Velkomstpakke",
                "Welcome package",
                median_hours=8,
                opens_after=(10, 20),
            ),
        ),
        # Summer substitutes in May and June, the school year in August, quiet in July.
        {5: 1.7, 6: 1.8, 7: 0.6, 8: 1.4, 12: 0.7},
    ),
    DemoLifeEvent(
        "termination",
        13.0,
        (
            _a(
                "exit_conversation",
                "hr.exit_conversation",
                "Fratrædelsessamtale",
                "Exit conversation",
                median_hours=16,
            ),
            _a(
                "final_pay",
                "payroll.final_pay",
                "Slutløn og feriepenge",
                "Final pay and holiday allowance",
                median_hours=24,
                opens_after=(5, 15),
                robot_share=0.15,
            ),
            _a(
                "it_equipment_return",
                "it.equipment_return",
                "Aflevering af it-udstyr",
                "IT equipment return",
                median_hours=6,
                opens_after=(10, 20),
            ),
            _a(
                "access_card_deactivation",
                "facilities.access_card_deactivation",
                "Deaktivering af adgangskort",
                "Access card deactivation",
                median_hours=3,
                opens_after=(15, 25),
            ),
            _a(
                "account_closure",
                "it.account_closure",
                "Lukning af konti",
                "Account closure",
                median_hours=4,
                opens_after=(16, 26),
            ),
        ),
        # Substitutes leave after the summer; retirements at the year's end.
        {6: 1.3, 7: 0.7, 8: 1.3, 11: 1.2, 12: 1.6},
    ),
    DemoLifeEvent(
        "leave_of_absence",
        4.0,
        (
            _a(
                "leave_registration",
                "hr.leave_registration",
                "Registrering af orlov",
                "Leave registration",
                median_hours=8,
                sla_days=5,
            ),
            _a(
                "payroll_pause",
                "payroll.leave_adjustment",
                "Lønstop under orlov",
                "Payroll pause during the leave",
                median_hours=10,
                opens_after=(1, 4),
                robot_share=0.45,
            ),
            _a(
                "access_suspension",
                "facilities.access_suspension",
                "Suspendering af adgang",
                "Access suspension",
                median_hours=3,
                opens_after=(10, 30),
            ),
            _a(
                "return_planning",
                "hr.return_planning",
                "Planlægning af tilbagevenden",
                "Return planning",
                median_hours=12,
                opens_after=(30, 90),
            ),
        ),
        {7: 0.6, 9: 1.2},
    ),
    DemoLifeEvent(
        "parental_leave",
        5.0,
        (
            _a(
                "leave_periods",
                "hr.parental_leave_periods",
                "Registrering af orlovsperiode",
                "Leave period registration",
                median_hours=8,
                sla_days=5,
            ),
            _a(
                "payroll_adjustment",
                "payroll.parental_leave_adjustment",
                "Lønregulering under barsel",
                "Payroll adjustment during the leave",
                median_hours=12,
                opens_after=(1, 4),
                robot_share=0.4,
            ),
            _a(
                "reimbursement_claim",
                "payroll.reimbursement_claim",
                "Refusionsanmodning (barselsdagpenge)",
                "Reimbursement claim (parental benefit)",
                median_hours=20,
                opens_after=(10, 40),
            ),
            _a(
                "partner_leave_periods",
                "hr.parental_leave_periods",
                "Registrering af partnerens orlov",
                "Partner's leave registration",
                median_hours=8,
                sla_days=5,
                occurs=0.3,
            ),
        ),
        {7: 0.7},
    ),
)


@dataclass(frozen=True)
class Summary:
    """What a generation produced: events, cases and sub-cases, and the months it spans."""

    events: int
    cases: int
    subcases: int
    months: int
    first_day: date
    last_day: date


@dataclass(frozen=True)
class History:
    envelopes: list[Envelope[Any]]
    summary: Summary


def first_day(last: date, months: int) -> date:
    """The day ``months`` calendar months before ``last`` (the month's end when shorter)."""
    index = last.year * 12 + last.month - 1 - months
    year, month = divmod(index, 12)
    for day in range(last.day, 0, -1):
        try:
            return date(year, month + 1, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def generate(
    *, months: int, seed: int, now: datetime, catalogue: Sequence[DemoLifeEvent] = CATALOGUE
) -> History:
    """The demo's events from ``months`` months before ``now`` up to ``now``, in time order
    (an event that would happen after ``now`` is left out)."""
    now = now.astimezone(UTC)
    last = now.astimezone(DANISH_TIME).date()
    start = first_day(last, months)
    out = _Timeline(seed, now)
    day = start
    while day <= last:
        if CALENDAR.is_working_day(day):
            rng = random.Random(f"{seed}:{day.isoformat()}")
            for event in catalogue:
                for n in range(_poisson(rng, event.per_week / 5 * event.season.get(day.month, 1))):
                    _Case(out, rng, event, f"{day.isoformat()}:{event.key}:{n}").play(day)
        day += timedelta(days=1)
    envelopes = out.sorted()
    cases = sum(1 for e in envelopes if isinstance(e.data, CaseSubmitted))
    subcases = sum(1 for e in envelopes if isinstance(e.data, SubcaseOpened))
    return History(envelopes, Summary(len(envelopes), cases, subcases, months, start, last))


async def feed(
    sessions: SessionFactory,
    envelopes: Sequence[Envelope[Any]],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Hand the envelopes to the projection's handlers in batches of ``BATCH``, one
    transaction each, as the live consumer does; events it has handled are skipped."""
    handlers = registry()
    for i in range(0, len(envelopes), BATCH):
        await apply_events(sessions, handlers, list(envelopes[i : i + BATCH]))
        if progress is not None:
            progress(min(i + BATCH, len(envelopes)), len(envelopes))


async def load(
    sessions: SessionFactory,
    *,
    months: int,
    seed: int,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Generate the history up to ``now`` (default: this moment) and feed it in."""
    history = generate(months=months, seed=seed, now=now or datetime.now(UTC))
    await feed(sessions, history.envelopes, progress=progress)
    return history.summary


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _at(day: date, minute: int) -> datetime:
    """``minute`` minutes into the working hours of ``day``, in UTC."""
    start = datetime.combine(day, DAY_STARTS, tzinfo=DANISH_TIME)
    return (start + timedelta(minutes=minute)).astimezone(UTC)


def after_working_minutes(start: datetime, minutes: float) -> datetime:
    """The moment ``minutes`` minutes of working time after ``start`` (working days, 8 to 16
    Danish time); a start outside them counts from the next working morning."""
    local = start.astimezone(DANISH_TIME)
    day, used = local.date(), (local - datetime.combine(local.date(), DAY_STARTS, DANISH_TIME))
    offset = min(max(used.total_seconds() / 60, 0.0), WORKING_MINUTES)
    if not CALENDAR.is_working_day(day):
        day, offset = CALENDAR.next_working_day(day), 0.0
    remaining = minutes
    while offset + remaining > WORKING_MINUTES:
        remaining -= WORKING_MINUTES - offset
        day, offset = CALENDAR.add_working_days(day, 1), 0.0
    moment = datetime.combine(day, DAY_STARTS, DANISH_TIME) + timedelta(minutes=offset + remaining)
    return moment.astimezone(UTC)


def in_one_sitting(start: datetime, minutes: float) -> datetime:
    """When work of ``minutes`` minutes begins, at ``start`` or later: at once if it fits in
    that working day, else the next working morning (nobody claims an item to leave it
    overnight)."""
    begin = after_working_minutes(start, 0)
    local = begin.astimezone(DANISH_TIME)
    if local + timedelta(minutes=minutes) <= datetime.combine(local.date(), DAY_ENDS, DANISH_TIME):
        return begin
    return _at(CALENDAR.add_working_days(local.date(), 1), 0)


class _Timeline:
    """The events of the history, each with a derived id, up to ``now``."""

    def __init__(self, seed: int, now: datetime) -> None:
        self.seed, self.now = seed, now
        self.events: list[tuple[datetime, int, Envelope[Any]]] = []

    def emit(self, at: datetime, data: EventData, *parts: object) -> bool:
        if at > self.now:
            return False
        envelope = Envelope[Any](
            id=derived_id("demo", self.seed, data.TYPE, *parts),
            source=SOURCE,
            type=data.TYPE,
            time=at,
            data=data,
        )
        self.events.append((at, len(self.events), envelope))
        return True

    def sorted(self) -> list[Envelope[Any]]:
        return [e for _, _, e in sorted(self.events, key=lambda t: (t[0], t[1]))]


@dataclass
class _Case:
    out: _Timeline
    rng: random.Random
    event: DemoLifeEvent
    key: str
    case_id: str = field(init=False)
    reporter: str = field(init=False)

    def play(self, day: date) -> None:
        """File the case on ``day`` and work its sub-cases."""
        rng = self.rng
        reporter, department = rng.choice(REPORTERS)
        self.case_id = derived_id("demo-case", self.out.seed, self.key)
        self.reporter = reporter
        filed = _at(day, rng.randrange(0, WORKING_MINUTES - 30))
        submitted = CaseSubmitted(
            case_id=self.case_id,
            event_type=self.event.key,
            template_version=1,
            reporter=reporter,
            department=department,
            data={},
            submitted_at=filed,
        )
        # Played whole even past ``now`` (the timeline drops what lies beyond it), so that
        # a day's random draws, and with them its cases, do not depend on when it runs.
        self.out.emit(filed, submitted, self.key)
        withdrawn = (
            _at(CALENDAR.add_working_days(day, rng.randint(2, 15)), rng.randrange(WORKING_MINUTES))
            if rng.random() < WITHDRAW_RATE
            else None
        )
        closes: list[datetime] = []
        for activity in self.event.activities:
            if rng.random() < activity.occurs:
                closes.append(self._subcase(activity, day, filed, withdrawn))
        self._finish(closes, withdrawn)

    def _finish(self, closes: list[datetime], withdrawn: datetime | None) -> None:
        if withdrawn is not None:
            self.out.emit(
                withdrawn,
                CaseWithdrawn(
                    case_id=self.case_id,
                    event_type=self.event.key,
                    reason="demo",
                    reporter=self.reporter,
                    withdrawn_at=withdrawn,
                ),
                self.key,
            )
            return
        if closes:
            done = max(closes) + timedelta(seconds=2)
            self.out.emit(
                done,
                CaseCompleted(
                    case_id=self.case_id,
                    event_type=self.event.key,
                    reporter=self.reporter,
                    completed_at=done,
                ),
                self.key,
            )

    def _subcase(
        self, a: DemoActivity, day: date, filed: datetime, withdrawn: datetime | None
    ) -> datetime:
        """Open, route and work one sub-case; when it closes."""
        rng, key = self.rng, f"{self.key}:{a.key}"
        if a.opens_after == (0, 0):
            opened = filed + timedelta(seconds=1)
        else:
            opens_on = CALENDAR.add_working_days(day, rng.randint(*a.opens_after))
            opened = _at(opens_on, 0) - timedelta(hours=rng.randint(1, 3))  # the night's timer
        if withdrawn is not None and opened >= withdrawn:
            return withdrawn  # never opened: nothing to cancel
        work = _Subcase(self, a, derived_id("demo-subcase", self.out.seed, key), key)
        return work.play(opened, withdrawn)


@dataclass
class _Subcase:
    case: _Case
    a: DemoActivity
    subcase_id: str
    key: str

    def _emit(self, at: datetime, data: EventData, *parts: object) -> bool:
        return self.case.out.emit(at, data, self.key, *parts)

    def _common(self) -> dict[str, Any]:
        return {
            "case_id": self.case.case_id,
            "subcase_id": self.subcase_id,
            "activity": self.a.key,
            "reporter": self.case.reporter,
        }

    def play(self, opened: datetime, withdrawn: datetime | None) -> datetime:
        rng, a = self.case.rng, self.a
        due = CALENDAR.add_working_days(opened.astimezone(DANISH_TIME).date(), a.sla_days)
        opening = SubcaseOpened(
            **self._common(),
            subcase_type=a.subcase_type,
            title=a.title,
            unit_hint=a.unit,
            fields={},
            due_date=due,
            department=None,
        )
        self._emit(opened, opening)
        entered = opened + timedelta(seconds=2)
        queue = self._route(entered, a.unit, f"{a.unit}-by-type", due, "first")
        by_robot = rng.random() < a.robot_share
        if rng.random() < TRANSFER_RATE:
            by_robot = False
            entered = after_working_minutes(entered, rng.uniform(30, 2 * WORKING_MINUTES))
            queue = self._route(entered, TRANSFER_TO.get(a.unit, "triage"), "transfer", due, "2")
        if by_robot:
            claimed = entered + timedelta(minutes=rng.uniform(3, 40))
            self._claim(claimed, queue, by_robot=True)
            closed = claimed + timedelta(minutes=rng.uniform(0.2, 2))
        else:
            closed = self._work(entered, queue)
        if withdrawn is not None and withdrawn < closed:
            self._sla(due, withdrawn, queue)
            return self._close_as("cancelled", withdrawn, "withdrawn", queue)
        self._sla(due, closed, queue)
        outcome = "rejected" if rng.random() < REJECT_RATE else "resolved"
        return self._close_as(outcome, closed, "robot" if by_robot else "human", queue)

    def _route(self, at: datetime, queue: str, rule: str, due: date, nth: str) -> str:
        self._emit(
            at,
            SubcaseRouted(
                **self._common(),
                title=self.a.title,
                queue=queue,
                unit=queue if queue != "triage" else "servicedesk",
                rule=rule,
                due_date=due,
            ),
            nth,
        )
        return queue

    def _claim(self, at: datetime, queue: str, *, by_robot: bool) -> None:
        common = {k: v for k, v in self._common().items() if k != "reporter"}
        self._emit(at, SubcaseClaimed(**common, queue=queue, by_robot=by_robot))

    def _work(self, entered: datetime, queue: str) -> datetime:
        """A caseworker's item: it waits in the queue, is claimed and worked in one sitting,
        perhaps with a question whose answer it waits for, then the resolution."""
        rng = self.case.rng
        lead = rng.lognormvariate(math.log(self.a.median_hours * 60), SIGMA)
        minutes = min(lead * rng.uniform(*HANDLING_SHARE), LONGEST_SITTING)
        claimed = in_one_sitting(after_working_minutes(entered, lead - minutes), minutes)
        self._claim(claimed, queue, by_robot=False)
        if rng.random() >= QUESTION_RATE:
            return claimed + timedelta(minutes=minutes)
        asked = claimed + timedelta(minutes=minutes * rng.uniform(0.3, 0.7))
        message_id = derived_id("demo-message", self.case.out.seed, self.key)
        question = InfoRequested(
            **self._common(),
            title=self.a.title,
            message_id=message_id,
            question="",
            asked_by=CASEWORKERS.get(self.a.unit, "sofie"),
        )
        self._emit(asked, question)
        if rng.random() < UNANSWERED_RATE:
            return after_working_minutes(asked, rng.uniform(3, 8) * WORKING_MINUTES)
        answered = after_working_minutes(asked, rng.uniform(60, 3 * WORKING_MINUTES))
        reply = ReplyFiled(
            case_id=self.case.case_id,
            subcase_id=self.subcase_id,
            title=self.a.title,
            message_id=derived_id("demo-reply", self.case.out.seed, self.key),
            in_reply_to=message_id,
            recipients=[CASEWORKERS.get(self.a.unit, "sofie")],
        )
        self._emit(answered, reply)
        rest = minutes * rng.uniform(0.2, 0.6)
        return in_one_sitting(answered, rest) + timedelta(minutes=rest)

    def _sla(self, due: date, closed: datetime, queue: str) -> None:
        """Routing's morning check: "due soon" within two working days of the due date, a
        breach the morning after it, for an item still open then."""
        soon = _at(CALENDAR.add_working_days(due, -DUE_SOON_DAYS), 0) - timedelta(hours=2)
        breach = _at(CALENDAR.add_working_days(due, 1), 0) - timedelta(hours=2)
        common = {**self._common(), "queue": queue, "due_date": due}
        if soon < closed:
            self._emit(soon, SlaDueSoon(**common, title=self.a.title), due)
        if breach < closed:
            self._emit(breach, SlaBreached(**common), due)

    def _close_as(self, outcome: str, at: datetime, how: str, queue: str) -> datetime:
        by = ROBOT if how == "robot" else CASEWORKERS.get(queue, "sofie")
        data: EventData
        if outcome == "cancelled":
            data = SubcaseCancelled(**self._common(), title=self.a.title, reason="withdrawn")
        elif outcome == "rejected":
            data = SubcaseRejected(
                **self._common(), title=self.a.title, reason="demo", rejected_by=by
            )
        else:
            data = SubcaseResolved(
                **self._common(),
                title=self.a.title,
                resolution="demo",
                resolved_by=by,
                resolved_by_robot=how == "robot",
            )
        self._emit(at, data)
        return at
