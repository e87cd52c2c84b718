"""Activities sort their failures: what no retry can mend becomes a non-retryable error whose
message says what is wrong without quoting the case's data; anything else stays retryable."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import BaseModel, ValidationError
from temporalio.exceptions import ApplicationError

from lifecase_contracts.events import Localized
from lifecase_lifecycle import service
from lifecase_lifecycle.activities import permanent_failures
from lifecase_lifecycle.workflows.types import CANNOT_PROCEED, CASE_NOT_FOUND
from lifecase_platform.errors import Conflict, Unavailable

CPR = "0101901234"


class Data(BaseModel):
    weekly_hours: int


def _fails_with(error: Exception) -> ApplicationError:
    @permanent_failures
    async def open_subcase() -> None:
        raise error

    with pytest.raises(ApplicationError) as raised:
        asyncio.run(open_subcase())
    return raised.value


def test_a_missing_case_is_not_retried() -> None:
    failure = _fails_with(service.CaseNotFound())
    assert (failure.type, failure.non_retryable) == (CASE_NOT_FOUND, True)


def test_a_missing_template_version_says_which() -> None:
    failure = _fails_with(service.TemplateVersionMissing("hiring", 99))
    assert (failure.type, failure.non_retryable) == (CANNOT_PROCEED, True)
    assert failure.message == "template hiring v99 is missing"


def test_a_step_the_template_lacks_names_the_step() -> None:
    failure = _fails_with(KeyError("payroll_setup"))
    assert failure.type == CANNOT_PROCEED
    assert failure.message == "'payroll_setup' is missing"


def test_data_a_step_cannot_use_is_named_by_kind_never_by_value() -> None:
    with pytest.raises(ValidationError) as invalid:
        Data.model_validate({"weekly_hours": CPR + "x"})
    failure = _fails_with(invalid.value)
    assert failure.type == CANNOT_PROCEED
    assert failure.non_retryable
    assert CPR not in failure.message
    assert failure.__cause__ is None  # the original error, which quotes the value, stays out


def test_an_engine_that_is_away_stays_retryable() -> None:
    @permanent_failures
    async def publish() -> None:
        raise ConnectionRefusedError("nats")

    with pytest.raises(ConnectionRefusedError):
        asyncio.run(publish())


def test_a_domain_error_keeps_its_name_and_whether_a_retry_can_mend_it() -> None:
    conflict = _fails_with(Conflict(Localized(da="Sagen er lukket.", en="The case is closed.")))
    assert (conflict.type, conflict.non_retryable) == ("Conflict", True)
    assert conflict.message == "The case is closed."
    away = _fails_with(Unavailable(Localized(da="Nede.", en="Down.")))
    assert (away.type, away.non_retryable) == ("Unavailable", False)
