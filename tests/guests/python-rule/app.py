"""An LG-Protect rule plugin written in Python and built with componentize-py: S3 bucket
versioning must be enabled.

It targets the same contract as the Rust plugins (world lg-protect:plugin/rule) and shows that a
component from another language passes validation, loads and evaluates in the same sandbox.
"""

import json

from wit_world import exports
from wit_world.imports import log, types

CHECK_ID = "py_s3_bucket_versioning_enabled"
BUCKET = "aws:s3:bucket"


class Evaluate(exports.Evaluate):
    def describe(self) -> types.PluginInfo:
        return types.PluginInfo(
            name="python-rule",
            version="0.1.0",
            kind=types.PluginKind.RULE,
            description="S3 bucket versioning, written in Python.",
            subscriptions=[],
            capabilities=[],
        )

    def checks(self) -> list[types.CheckMeta]:
        return [
            types.CheckMeta(
                id=CHECK_ID,
                title="S3 bucket versioning is enabled",
                description="The bucket keeps every version of its objects.",
                rationale="Versioning lets deleted or overwritten objects be recovered.",
                severity=types.Severity.MEDIUM,
                service="s3",
                resource_kinds=[BUCKET],
                remediation=types.Remediation(
                    text="Enable versioning on the bucket.",
                    cli="aws s3api put-bucket-versioning --bucket NAME "
                    "--versioning-configuration Status=Enabled",
                    console=None,
                    url=None,
                ),
                references=[types.FrameworkRef(framework="cis-aws-3.0", control="2.1.3")],
                equivalents=[types.Equivalent(tool="prowler", id="s3_bucket_object_versioning")],
            )
        ]

    def evaluate(
        self, context: types.EvaluationContext, batch: list[types.Resource]
    ) -> list[types.Finding]:
        findings = []
        for r in batch:
            if r.kind != BUCKET:
                continue
            try:
                props = json.loads(r.properties)
                versioning = props.get("versioning")
                status = versioning.get("status") if isinstance(versioning, dict) else None
            except (ValueError, AttributeError) as e:
                log.log(log.Level.WARN, f"{r.arn}: unreadable properties: {e}")
                findings.append(finding(r, types.Status.ERROR, f"Bucket {r.name}: properties unreadable.", {}))
                continue
            if status is None:
                findings.append(
                    finding(r, types.Status.ERROR, f"Bucket {r.name}: versioning status unknown.", {})
                )
            elif status == "Enabled":
                findings.append(
                    finding(r, types.Status.PASS, f"Bucket {r.name} has versioning enabled.", {"status": status})
                )
            else:
                findings.append(
                    finding(
                        r,
                        types.Status.FAIL,
                        f"Bucket {r.name} has versioning {status}.",
                        {"status": status},
                    )
                )
        return findings


def finding(r: types.Resource, status: types.Status, message: str, evidence: dict) -> types.Finding:
    return types.Finding(
        check_id=CHECK_ID,
        resource_arn=r.arn,
        status=status,
        severity=types.Severity.MEDIUM,
        message=message,
        evidence=json.dumps({"versioning": evidence}, sort_keys=True),
    )
