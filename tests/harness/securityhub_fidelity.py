"""Security Hub as the API reference says, where moto differs.

- BatchUpdateFindings (PATCH /findings/batchupdate): moto does not implement it. The shim sets
  ``Workflow.Status`` and ``Note`` ({Text, UpdatedBy, UpdatedAt}) of the stored findings named by
  ``FindingIdentifiers`` ({Id, ProductArn}) and answers ``ProcessedFindings`` /
  ``UnprocessedFindings`` (an unknown finding is unprocessed, ``FindingNotFound``), so GetFindings
  returns them.
  https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchUpdateFindings.html
- BatchImportFindings cannot change ``Workflow`` or ``Note`` of an existing finding (they belong
  to the customer's triage; BatchUpdateFindings changes them): moto overwrites them. The shim keeps
  the stored ones, except for the reset Security Hub makes itself: ``NOTIFIED`` or ``RESOLVED``
  back to ``NEW`` when ``RecordState`` goes from ``ARCHIVED`` to ``ACTIVE`` or
  ``Compliance.Status`` from ``PASSED`` to ``WARNING``, ``FAILED`` or ``NOT_AVAILABLE``.
  https://docs.aws.amazon.com/securityhub/latest/userguide/finding-update-batchimportfindings.html
  https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_Workflow.html
"""

import json
from datetime import datetime, timezone

from moto.securityhub import models as securityhub_models
from moto.securityhub import responses as securityhub_responses
from moto.securityhub import urls as securityhub_urls

TRIAGE = ("Workflow", "Note")


def batch_update_findings():
    def update(self):
        body = json.loads(self.body or "{}")
        workflow, note = body.get("Workflow"), body.get("Note")
        stored = {f.id: f for f in self.securityhub_backend.findings}
        processed, unprocessed = [], []
        for identifier in body.get("FindingIdentifiers", []):
            finding = stored.get(identifier.get("Id"))
            if finding is None or finding.data.get("ProductArn") != identifier.get("ProductArn"):
                unprocessed.append({"FindingIdentifier": identifier, "ErrorCode": "FindingNotFound",
                                    "ErrorMessage": "no finding with this Id and ProductArn"})
                continue
            if workflow and workflow.get("Status"):
                finding.data["Workflow"] = {"Status": workflow["Status"]}
            if note:
                finding.data["Note"] = {"Text": note["Text"], "UpdatedBy": note["UpdatedBy"],
                                        "UpdatedAt": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
            processed.append(identifier)
        return json.dumps({"ProcessedFindings": processed, "UnprocessedFindings": unprocessed})

    securityhub_responses.SecurityHubResponse.batch_update_findings = update
    securityhub_urls.url_paths["{0}/findings/batchupdate$"] = securityhub_responses.SecurityHubResponse.dispatch


def import_keeps_triage():
    original = securityhub_models.SecurityHubBackend.batch_import_findings

    def batch_import_findings(self, findings):
        before = {f.id: dict(f.data) for f in self.findings}
        result = original(self, findings=findings)
        for finding in self.findings:
            old = before.get(finding.id)
            if old is None:
                continue
            for key in TRIAGE:
                if key in old:
                    finding.data[key] = old[key]
                else:
                    finding.data.pop(key, None)
            if reset_to_new(old, finding.data):
                finding.data["Workflow"] = {"Status": "NEW"}
        return result

    securityhub_models.SecurityHubBackend.batch_import_findings = batch_import_findings


def reset_to_new(old, new):
    """Whether Security Hub resets the workflow of a finding updated from ``old`` to ``new``."""
    workflow = old.get("Workflow", {}).get("Status")
    reactivated = old.get("RecordState") == "ARCHIVED" and new.get("RecordState") == "ACTIVE"
    failing = (old.get("Compliance", {}).get("Status") == "PASSED"
               and new.get("Compliance", {}).get("Status") in ("WARNING", "FAILED", "NOT_AVAILABLE"))
    return workflow in ("NOTIFIED", "RESOLVED") and (reactivated or failing)


SHIMS = (batch_update_findings, import_keeps_triage)
