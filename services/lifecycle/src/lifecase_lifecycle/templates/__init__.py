"""Life-cycle templates, one module per concern:

- ``model``: the template as data, validated by pydantic, and the JSON Schema of the format;
- ``checks``: what pydantic cannot see (references, expressions, cycles, reachability);
- ``source``: YAML text in and out, every problem reported with the line it stands on;
- ``catalogue``: the templates that ship with lifecycle;
- ``planning``: pure functions the workflow's activities use.

The names the rest of the code uses are importable from here.
"""

from lifecase_lifecycle.templates.catalogue import CATALOGUE_DIR, load_catalogue, load_template
from lifecase_lifecycle.templates.checks import (
    InvalidTemplate,
    TemplateIssue,
    check_template,
    validate_template,
)
from lifecase_lifecycle.templates.model import (
    Activity,
    Choice,
    DateOffset,
    DueRule,
    FieldType,
    FollowUp,
    InputField,
    ShownIf,
    Template,
    Trigger,
    template_json_schema,
)
from lifecase_lifecycle.templates.planning import PlannedActivity, due_date, plan
from lifecase_lifecycle.templates.source import parse_template, to_yaml

__all__ = [
    "CATALOGUE_DIR",
    "Activity",
    "Choice",
    "DateOffset",
    "DueRule",
    "FieldType",
    "FollowUp",
    "InputField",
    "InvalidTemplate",
    "PlannedActivity",
    "ShownIf",
    "Template",
    "TemplateIssue",
    "Trigger",
    "check_template",
    "due_date",
    "load_catalogue",
    "load_template",
    "parse_template",
    "plan",
    "template_json_schema",
    "to_yaml",
    "validate_template",
]
