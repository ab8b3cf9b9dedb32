"""A test plugin using auditor_configure and auditor_modify_findings; the second one crashes on demand."""

from auditor import hookimpl

SEEN = {}


@hookimpl
def auditor_settings():
    return {"hooks-test": {"crash": False}}


@hookimpl
def auditor_configure(config):
    SEEN["config"] = config


@hookimpl
def auditor_modify_findings(report, findings):
    if SEEN["config"].settings.get("hooks-test", {}).get("crash"):
        raise KeyError("modify exploded")
    return [f for f in findings if f.location.row != "205"]
