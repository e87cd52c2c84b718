"""What a case would become, before it is filed: for each activity of the template, whether
it applies, when it opens, what it waits for, its due date and the fields it carries. The
same pure planning functions as the workflow, so the preview cannot tell a different story."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import Localized
from lifecase_contracts.preview import ActivityPreview, CarriedField, TemplatePreview
from lifecase_lifecycle.models import TemplateVersion
from lifecase_lifecycle.service import VersionNotFound
from lifecase_lifecycle.templates import PlannedActivity, Template, due_date, plan
from lifecase_lifecycle.templates.expansion import expand
from lifecase_platform.case_data import validate_case_data
from lifecase_platform.errors import Invalid


class DataDoesNotFit(Invalid):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(
            Localized(
                da="Oplysningerne passer ikke til skabelonen.",
                en="The data does not fit the template.",
            ),
            errors=errors,
        )


async def preview_case(
    *,
    session: AsyncSession,
    key: str,
    version: int | None,
    data: dict[str, Any],
    today: date,
    language: str,
) -> TemplatePreview:
    """The plan of a case of template ``key`` (the published version unless ``version`` is
    given; drafts are not shown) for ``data``, which must be valid as intake would file it."""
    found = await _version(session=session, key=key, version=version)
    template = Template.model_validate(found.definition)
    errors = validate_case_data(template.input_schema(), data, language)
    if errors:
        raise DataDoesNotFit(errors)
    return TemplatePreview(
        key=found.key, version=found.version, activities=preview(template, data, today)
    )


async def _version(*, session: AsyncSession, key: str, version: int | None) -> TemplateVersion:
    query = select(TemplateVersion).where(TemplateVersion.key == key)
    if version is None:
        query = query.where(TemplateVersion.status == "published")
    else:
        query = query.where(TemplateVersion.version == version, TemplateVersion.status != "draft")
    found = await session.scalar(query.order_by(TemplateVersion.version.desc()).limit(1))
    if found is None:
        raise VersionNotFound()
    return found


def preview(template: Template, data: dict[str, Any], today: date) -> list[ActivityPreview]:
    """One entry per activity the case may open (per row of a repeatable group, as the
    workflow will open them)."""
    template, data = expand(template, data)
    result = []
    for planned in plan(template, data):
        activity = template.activity(planned.key)
        opens_on = _opens_on(planned, today)
        known = opens_on is not None or (planned.due_rule and planned.due_rule.from_field)
        result.append(
            ActivityPreview(
                key=activity.key,
                title=activity.title,
                included=planned.included,
                subcase_type=activity.subcase_type,
                unit_hint=activity.unit_hint,
                opens_on=opens_on,
                waits_for=list(planned.after),
                due_date=due_date(planned.due_rule, data, opens_on or today) if known else None,
                due_working_days=planned.due_rule.working_days if planned.due_rule else None,
                fields=[
                    CarriedField(key=k, label=template.field(k).label)
                    for k in activity.carries
                    if k in data
                ],
            )
        )
    return result


def _opens_on(planned: PlannedActivity, today: date) -> date | None:
    """The day it opens; unknown when it waits for other activities and has no date."""
    if planned.opens_on is not None:
        return max(planned.opens_on, today)
    return None if planned.after else today
