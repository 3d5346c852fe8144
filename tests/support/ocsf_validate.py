#!/usr/bin/env python3
"""Checks a scan report's OCSF export against an independent OCSF model, for the tests.

Usage: python3 tests/support/ocsf_validate.py FILE

FILE holds a JSON array of OCSF 1.x Compliance Finding events (class_uid 2003). Each element is
validated with py-ocsf-models' `ComplianceFinding` (pydantic v2, default lax mode), written by a
third party from the OCSF schema, so the export is not only checked against our own reading of
it. The model gives `class_uid` a default and accepts any int there, and coerces `severity_id`,
so those are also checked on the raw JSON: `class_uid` == 2003, `type_uid` == 200301 (Compliance
Finding: Create) and `severity_id` a JSON integer in 0-6 or 99.

Exit status:
  0  every event is valid; prints `ok N events`
  1  an event (or the file) is invalid; prints the event's index, its `finding_info.uid` when it
     has one, and the reason (pydantic's error for the model check)
  2  usage error (wrong arguments)
  3  py-ocsf-models cannot be imported; the caller reports the test as skipped with this message

Tested with py-ocsf-models 0.10.0 (pydantic 2.13.4): `pip install 'py-ocsf-models==0.10.0'`,
which tests/support/install-report-tools.sh installs.
"""

import json
import sys

CLASS_UID = 2003
TYPE_UID = 200301
# OCSF severity_id enum: Unknown 0 .. Fatal 6, Other 99.
SEVERITY_IDS = frozenset(range(7)) | {99}
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_MISSING_TOOL = 3


def raw_field_errors(event):
    """What the model does not check on the raw event: the event class, type and severity."""
    errors = []
    if event.get("class_uid") != CLASS_UID:
        errors.append(f"class_uid is {event.get('class_uid')!r}, expected {CLASS_UID}")
    if event.get("type_uid") != TYPE_UID:
        errors.append(f"type_uid is {event.get('type_uid')!r}, expected {TYPE_UID}")
    severity = event.get("severity_id")
    # bool is an int subclass in Python, and JSON true is not a severity.
    if type(severity) is not int or severity not in SEVERITY_IDS:
        errors.append(f"severity_id is {severity!r}, expected an integer 0-6 or 99")
    return errors


def finding_uid(event):
    """The event's finding_info.uid, or None when it has none."""
    info = event.get("finding_info")
    return info.get("uid") if isinstance(info, dict) else None


def event_errors(model, event):
    """Every reason the event is not a valid Compliance Finding, empty when it is one."""
    if not isinstance(event, dict):
        return [f"expected a JSON object, found {type(event).__name__}"]
    errors = raw_field_errors(event)
    try:
        model.model_validate(event)
    except ValueError as err:  # pydantic.ValidationError subclasses ValueError
        errors.append(str(err))
    return errors


def main(argv):
    if len(argv) != 2:
        print("usage: ocsf_validate.py FILE", file=sys.stderr)
        return EXIT_USAGE
    try:
        from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding
    except ImportError as err:
        print(
            f"py-ocsf-models is not importable ({err}); "
            "install it with: python3 -m pip install 'py-ocsf-models==0.10.0'"
        )
        return EXIT_MISSING_TOOL

    path = argv[1]
    try:
        with open(path, encoding="utf-8") as file:
            events = json.load(file)
    except (OSError, ValueError) as err:
        print(f"cannot read {path} as JSON: {err}")
        return EXIT_INVALID
    if not isinstance(events, list):
        print(f"{path}: expected a JSON array of events, found {type(events).__name__}")
        return EXIT_INVALID

    failed = 0
    for index, event in enumerate(events):
        errors = event_errors(ComplianceFinding, event)
        if errors:
            failed += 1
            uid = finding_uid(event) if isinstance(event, dict) else None
            print(f"event {index} (finding_info.uid {uid!r}) is invalid:")
            for error in errors:
                print("  " + error.replace("\n", "\n  "))
    if failed:
        print(f"{failed} of {len(events)} events invalid")
        return EXIT_INVALID
    print(f"ok {len(events)} events")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
