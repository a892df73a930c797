"""Start moto's server on 127.0.0.1 with test-harness shims (see README.md beside this file).

moto 5.2.x departs from the App Mesh API in ways the Rust SDK or Meshwarden (rightly) notice:
* it renders ``createdAt``/``lastUpdatedAt`` as ``"22/11/2026, 23:34:17"`` where the API uses
  epoch seconds, and the SDK refuses the string: they are rewritten to epoch seconds (UTC);
* it answers a missing mesh/gateway/node with HTTP 400 ``MeshNotFound`` (etc.) where the API
  answers 404 ``NotFoundException``: those are rewritten to the API's error;
* its resource metadata takes ``uid`` and ``createdAt`` from dataclass defaults evaluated once
  at import, so every resource (and every re-creation) shares one uid and one creation time:
  each new resource gets its own (a re-created resource is a new incarnation, as in App Mesh);
* it reports ``meshOwner``/``resourceOwner`` as the caller's access key id where the API reports
  the owning account id: a mesh is owned by the account moto created it in;
* it ignores App Mesh's ``clientToken``, which the API documents as making a request idempotent:
  an update repeated with the same token (an SDK retry after a timed-out attempt the server did
  apply) is answered with the resource instead of being applied twice;
* its DynamoDB ``TransactWriteItems`` rolls a cancelled transaction back by restoring a copy of
  the whole table taken before it, erasing what concurrent requests wrote meanwhile (DynamoDB
  isolates transactions): DynamoDB operations are serialized, one at a time.

moto 5.2.x lacks VPC Lattice calls Meshwarden makes, and departs from that API elsewhere too:
* ``UpdateServiceNetwork``, ``UpdateService``, ``UpdateTargetGroup`` and
  ``GetServiceNetworkVpcAssociation`` are not implemented (HTTP 500): they are added;
* ``ResourceNotFoundException`` is HTTP 400 where the API says 404: it is 404;
* an ARN where the API takes "id or ARN" is looked up as an id when it arrives in a body, a
  query or an Update*'s path (``CreateAccessLogSubscription`` refuses it): an ARN names its
  resource;
* a service network or service created without ``authType`` has none, and its auth policy is then
  reported ``Active``: the API's default, ``NONE``, is stored;
* ``GetServiceNetwork``/``GetService`` lack ``createdAt``/``lastUpdatedAt``: both are stamped at
  creation (RFC 3339 strings, as moto's other Lattice times) and ``lastUpdatedAt`` at each update;
* ``CreateAccessLogSubscription`` ignores ``clientToken``: a repeated token returns the
  subscription it created (409 ``ConflictException`` with other parameters).
What moto hides of AWS (auth policy propagation, another account's resources, association counts)
is modelled by lattice_fidelity.py, driven by the tests through ``/__harness/lattice/`` calls.
ECS (Service Connect per deployment, deployments, the service lifecycle, list paging) is shimmed by
ecs_fidelity.py, Security Hub by securityhub_fidelity.py.
Nothing else is touched, and product code never knows about it.

Usage: python moto_launcher.py [--port 0]   → prints "LISTENING <port>" once it accepts requests.
Logs go to stderr; SIGTERM/SIGINT stop it with exit status 0.
"""

import os
import time

# moto stamps App Mesh resources with the naive *local* time (datetime.now()): make local time UTC
# before moto is imported, so the rewrite below yields true epoch seconds whatever the machine's TZ.
os.environ["TZ"] = "UTC"
time.tzset()
# moto uses boto3 inside the server: the host's AWS configuration (a profile that does not exist
# here, an endpoint override pointing back at us) would make requests fail with HTTP 500.
for _name in [n for n in os.environ if n.startswith("AWS_")]:
    if _name not in ("AWS_CA_BUNDLE",):
        del os.environ[_name]
os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
                  AWS_EC2_METADATA_DISABLED="true")

import argparse  # noqa: E402
import calendar  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402

from moto.moto_server.werkzeug_app import (  # noqa: E402
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from urllib.parse import unquote  # noqa: E402
from uuid import uuid4  # noqa: E402

from moto.appmesh import models as appmesh_models  # noqa: E402
from moto.dynamodb import models as dynamodb_models  # noqa: E402
from moto.appmesh.dataclasses import shared as appmesh_shared  # noqa: E402
from moto.core.exceptions import JsonRESTError  # noqa: E402
from moto.vpclattice import exceptions as lattice_exceptions  # noqa: E402
from moto.vpclattice import models as lattice_models  # noqa: E402
from moto.vpclattice import responses as lattice_responses  # noqa: E402

import lattice_fidelity  # noqa: E402  (beside this file; imports moto, so after the environment is set)
import ecs_fidelity  # noqa: E402  (likewise)
import securityhub_fidelity  # noqa: E402  (likewise)

MOTO_TIME = re.compile(r"^\d{2}/\d{2}/\d{4}, \d{2}:\d{2}:\d{2}$")
TIME_KEYS = ("createdAt", "lastUpdatedAt")
APPMESH_PREFIX = "/v20190125/"


def to_epoch(value):
    """'22/11/2026, 23:34:17' (moto's day/month/year, UTC) → 1795390457.0; anything else unchanged."""
    if isinstance(value, str) and MOTO_TIME.match(value):
        return float(calendar.timegm(time.strptime(value, "%d/%m/%Y, %H:%M:%S")))
    return value


def rewrite(node):
    """Rewrite the time members anywhere in a JSON document, in place; True when something changed."""
    changed = False
    if isinstance(node, dict):
        for key, value in node.items():
            if key in TIME_KEYS and isinstance(value, str):
                new = to_epoch(value)
                if new is not value:
                    node[key] = new
                    changed = True
            else:
                changed |= rewrite(value)
    elif isinstance(node, list):
        for item in node:
            changed |= rewrite(item)
    return changed


def with_length(headers, body, drop=()):
    """Headers without Content-Length (and `drop`), plus the Content-Length of `body`."""
    drop = {"content-length", *drop}
    return [(k, v) for k, v in headers if k.lower() not in drop] + [("Content-Length", str(len(body)))]


def not_found_as_the_api_says(status, headers, body):
    """moto's 400 ``<Kind>NotFound`` → the API's 404 ``NotFoundException``."""
    try:
        error = json.loads(body)
    except ValueError:
        return status, headers, body
    if not (isinstance(error, dict) and str(error.get("__type", "")).endswith("NotFound")):
        return status, headers, body
    body = json.dumps({"__type": "NotFoundException", "message": error.get("message", "")}).encode()
    headers = with_length(headers, body, drop=("x-amzn-errortype",)) + [("x-amzn-ErrorType", "NotFoundException")]
    return "404 NOT FOUND", headers, body


class ApiShim:
    """WSGI middleware around moto's app: buffers each response and fixes the two departures.

    moto labels App Mesh's JSON as text/html, so the body, not the Content-Type, decides what is
    JSON. Responses that need no change are passed on byte for byte.
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        captured = {}
        written = []

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, list(headers)
            return written.append  # the legacy write() callable

        result = self.app(environ, capture)
        try:
            body = b"".join(written) + b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        status = captured.get("status", "500 INTERNAL SERVER ERROR")
        headers = captured.get("headers", [])
        if environ.get("PATH_INFO", "").startswith(APPMESH_PREFIX) and status.startswith("400"):
            status, headers, body = not_found_as_the_api_says(status, headers, body)
        if body.lstrip().startswith(b"{") and (b'"createdAt"' in body or b'"lastUpdatedAt"' in body):
            try:
                document = json.loads(body)
            except ValueError:
                document = None
            if document is not None and rewrite(document):
                body = json.dumps(document).encode()
                headers = with_length(headers, body)
        start_response(status, headers)
        return [body]


def _subclasses(cls):
    yield cls
    for sub in cls.__subclasses__():
        yield from _subclasses(sub)


def fresh_identities():
    """Give every App Mesh resource moto creates its own uid and creation time."""
    for cls in _subclasses(appmesh_shared.Metadata):
        original = cls.__init__

        def init(self, *args, _original=original, **kwargs):
            _original(self, *args, **kwargs)
            now = datetime.now()
            if "uid" not in kwargs:
                self.uid = uuid4().hex
            if "created_at" not in kwargs:
                self.created_at = now
            if "last_updated_at" not in kwargs:
                self.last_updated_at = now

        cls.__init__ = init


def accounts_as_owners():
    """A mesh is owned by the account it is created in (gateways and nodes inherit the owner)."""
    original = appmesh_models.AppMeshBackend.create_mesh

    def create_mesh(self, *args, **kwargs):
        mesh = original(self, *args, **kwargs)
        mesh.metadata.mesh_owner = self.account_id
        mesh.metadata.resource_owner = self.account_id
        return mesh

    appmesh_models.AppMeshBackend.create_mesh = create_mesh


DYNAMODB_OPERATIONS = ("transact_write_items", "put_item", "update_item", "delete_item",
                       "batch_write_item", "get_item", "query", "scan", "transact_get_items")


APPMESH_UPDATES = ("update_mesh", "update_virtual_gateway", "update_virtual_node")


def idempotent_app_mesh_updates():
    """An update whose clientToken was seen for the same resource is not applied again."""
    lock = threading.Lock()
    seen = {}
    backend = appmesh_models.AppMeshBackend
    for name in APPMESH_UPDATES:
        original = getattr(backend, name)

        def update(self, *args, _original=original, _name=name, **kwargs):
            token = kwargs.get("client_token")
            if not token:
                return _original(self, *args, **kwargs)
            key = (self.account_id, self.region_name, _name, kwargs.get("mesh_name"),
                   kwargs.get("virtual_gateway_name"), kwargs.get("virtual_node_name"), token)
            with lock:
                if key not in seen:
                    seen[key] = _original(self, *args, **kwargs)
                return seen[key]

        setattr(backend, name, update)


def isolated_dynamodb():
    """One DynamoDB operation at a time, so a cancelled transaction's table restore loses nothing."""
    lock = threading.RLock()
    backend = dynamodb_models.DynamoDBBackend
    for name in DYNAMODB_OPERATIONS:
        original = getattr(backend, name)

        def locked(self, *args, _original=original, **kwargs):
            with lock:
                return _original(self, *args, **kwargs)

        setattr(backend, name, locked)


# --- VPC Lattice --------------------------------------------------------------------------------
# moto's vpclattice (5.2.x) lacks the Update* calls and GetServiceNetworkVpcAssociation, and departs
# from the API reference in the ways below. Each shim names what the API documents and what moto
# does instead. Timestamps are written as moto writes its own Lattice ones (RFC 3339, UTC, e.g.
# "2026-11-25T18:17:21.078630+00:00"): the model's Timestamp is `timestampFormat: iso8601`, which
# the Rust SDK reads as a string (offsets allowed) and never as an epoch number.
LatticeBackend = lattice_models.VPCLatticeBackend
LatticeResponse = lattice_responses.VPCLatticeResponse
LATTICE_AUTH_TYPES = ("NONE", "AWS_IAM")


def lattice_now():
    return datetime.now(timezone.utc).isoformat()


def lattice_id(identifier):
    """An id, or the id an ARN ends with (`arn:…:servicenetwork/sn-…` → `sn-…`)."""
    if isinstance(identifier, str) and identifier.startswith("arn:"):
        return identifier.rsplit("/", 1)[-1]
    return identifier


class LatticeConflict(JsonRESTError):
    code = 409

    def __init__(self, message):
        super().__init__("ConflictException", message)


def lattice_not_found_is_404():
    """API: ResourceNotFoundException is HTTP 404 (its shape's httpStatusCode). moto: 400."""
    lattice_exceptions.ResourceNotFoundException.code = 404


def lattice_ids_or_arns():
    """API: every *Identifier takes the resource's id or its ARN. moto: a Get's works by accident
    (moto reads the path's last segment, where an ARN ends with the id), but one read from the
    body, the query or a path label it does not split is looked up as given: ARNs fail in
    CreateListener, CreateServiceNetworkVpcAssociation, the Update* shims below, and
    CreateAccessLogSubscription (400 ValidationException, "must start with 'sn-' or 'svc-'")."""
    for name, keys in (("get_service", ("service_identifier",)),
                       ("get_service_network", ("service_network_identifier",)),
                       ("get_target_group", ("target_group_identifier",)),
                       ("create_access_log_subscription", ("resourceIdentifier",))):
        original = getattr(LatticeBackend, name)

        def resolving(self, *args, _original=original, _keys=keys, **kwargs):
            args = [lattice_id(a) for a in args]
            for key in _keys:
                if key in kwargs:
                    kwargs[key] = lattice_id(kwargs[key])
            return _original(self, *args, **kwargs)

        setattr(LatticeBackend, name, resolving)


def lattice_default_auth_type():
    """API: CreateServiceNetwork/CreateService default authType to NONE. moto stores null, and
    then reports an auth policy on such a resource as Active (it tests authType == "NONE")."""
    for name in ("create_service", "create_service_network"):
        original = getattr(LatticeBackend, name)

        def create(self, *args, _original=original, **kwargs):
            if not kwargs.get("auth_type"):
                kwargs["auth_type"] = "NONE"
            return _original(self, *args, **kwargs)

        setattr(LatticeBackend, name, create)


def lattice_created_and_updated_at():
    """API: GetServiceNetwork and GetService return createdAt and lastUpdatedAt. moto keeps
    neither: both are stamped at creation (and lastUpdatedAt by the Update* shims below)."""
    for cls in (lattice_models.VPCLatticeServiceNetwork, lattice_models.VPCLatticeService):
        original_init, original_to_dict = cls.__init__, cls.to_dict

        def init(self, *args, _original=original_init, **kwargs):
            _original(self, *args, **kwargs)
            self.created_at = self.last_updated_at = lattice_now()

        def to_dict(self, _original=original_to_dict):
            return {**_original(self), "createdAt": self.created_at, "lastUpdatedAt": self.last_updated_at}

        cls.__init__, cls.to_dict = init, to_dict


def lattice_auth_type(value):
    if value not in LATTICE_AUTH_TYPES:
        raise lattice_exceptions.ValidationException(f"authType must be one of {', '.join(LATTICE_AUTH_TYPES)}")
    return value


def lattice_updates():
    """API: UpdateServiceNetwork (authType), UpdateService (authType, certificateArn) and
    UpdateTargetGroup (healthCheck) — PATCH on the resource's path, id or ARN. moto: not
    implemented (HTTP 500 NotImplementedError). Each stores what it is given and refreshes
    lastUpdatedAt; an unknown resource is 404 ResourceNotFoundException."""

    def update_service_network(self, service_network_identifier, auth_type):
        network = self.get_service_network(service_network_identifier)
        network.auth_type = lattice_auth_type(auth_type)
        network.last_updated_at = lattice_now()
        return network

    def update_service(self, service_identifier, auth_type=None, certificate_arn=None):
        service = self.get_service(service_identifier)
        if auth_type is not None:
            service.auth_type = lattice_auth_type(auth_type)
        if certificate_arn is not None:
            service.certificate_arn = certificate_arn
        service.last_updated_at = lattice_now()
        return service

    def update_target_group(self, target_group_identifier, health_check):
        if not isinstance(health_check, dict):
            raise lattice_exceptions.ValidationException("healthCheck is required")
        group = self.get_target_group(target_group_identifier)
        group.config["healthCheck"] = health_check
        group.last_updated_at = lattice_now()
        return group

    LatticeBackend.update_service_network = update_service_network
    LatticeBackend.update_service = update_service
    LatticeBackend.update_target_group = update_target_group

    def respond_service_network(self):
        network = self.backend.update_service_network(self._get_param("serviceNetworkIdentifier"),
                                                      self._get_param("authType"))
        return json.dumps({"arn": network.arn, "authType": network.auth_type, "id": network.id,
                           "name": network.name})

    def respond_service(self):
        service = self.backend.update_service(self._get_param("serviceIdentifier"),
                                              auth_type=self._get_param("authType"),
                                              certificate_arn=self._get_param("certificateArn"))
        return json.dumps({"arn": service.arn, "authType": service.auth_type,
                           "certificateArn": service.certificate_arn,
                           "customDomainName": service.custom_domain_name, "id": service.id,
                           "name": service.name})

    def respond_target_group(self):
        group = self.backend.update_target_group(self._get_param("targetGroupIdentifier"),
                                                 self._get_param("healthCheck"))
        return json.dumps({"arn": group.arn, "config": group.config, "id": group.id, "name": group.name,
                           "status": group.status, "type": group.type})

    LatticeResponse.update_service_network = respond_service_network
    LatticeResponse.update_service = respond_service
    LatticeResponse.update_target_group = respond_target_group


def lattice_get_vpc_association():
    """API: GetServiceNetworkVpcAssociation (GET /servicenetworkvpcassociations/{id or ARN}).
    moto: not implemented (HTTP 500), though its model keeps everything the output needs."""

    def get_service_network_vpc_association(self, identifier):
        association = self.service_network_vpc_associations.get(lattice_id(identifier))
        if association is None:
            raise lattice_exceptions.ResourceNotFoundException(
                f"Service network VPC association {identifier} not found")
        return association

    def respond(self):
        association = self.backend.get_service_network_vpc_association(
            self._get_param("serviceNetworkVpcAssociationIdentifier"))
        return json.dumps(association.to_dict())

    LatticeBackend.get_service_network_vpc_association = get_service_network_vpc_association
    LatticeResponse.get_service_network_vpc_association = respond


def idempotent_access_log_subscriptions():
    """API (CreateAccessLogSubscription's clientToken): a request retried with the same token and
    parameters succeeds without doing anything again; with other parameters it fails (409
    ConflictException). moto ignores the token and creates a second subscription."""
    lock = threading.Lock()
    seen = {}  # (account, region, token) → (the request, the subscription's id)
    original = LatticeBackend.create_access_log_subscription

    def create(self, resourceIdentifier, destinationArn, client_token, serviceNetworkLogType, tags):
        def fresh():
            return original(self, resourceIdentifier=resourceIdentifier, destinationArn=destinationArn,
                            client_token=client_token, serviceNetworkLogType=serviceNetworkLogType, tags=tags)

        if not client_token:
            return fresh()
        key = (self.account_id, self.region_name, client_token)
        request = (lattice_id(resourceIdentifier), destinationArn, serviceNetworkLogType or "SERVICE", tags or {})
        with lock:
            if key in seen:
                seen_request, sub_id = seen[key]
                if seen_request != request:
                    raise LatticeConflict(f"clientToken {client_token} was used with other parameters")
                if sub_id in self.access_log_subscriptions:
                    return self.access_log_subscriptions[sub_id]
            sub = fresh()
            seen[key] = (request, sub.id)
            return sub

    LatticeBackend.create_access_log_subscription = create


def lattice_list_pages():
    """API: ListServiceNetworks and ListServices page with the query's maxResults and nextToken.
    moto reads MaxResults/NextToken instead, so it ignores both: every listing is one page of its
    default 50, and a nextToken starts the listing over."""
    for name in ("list_service_networks", "list_services"):
        def respond(self, _name=name):
            items, token = getattr(self.backend, _name)(
                max_results=self._get_int_param("maxResults"), next_token=self._get_param("nextToken"))
            return json.dumps({"items": [item.to_dict() for item in items], "nextToken": token})

        setattr(LatticeResponse, name, respond)


def lattice_delete_target_group():
    """API: DeleteTargetGroup (DELETE /targetgroups/{id or ARN}) answers its arn, id and status.
    moto: not implemented (HTTP 500). Removed at once (AWS answers DELETE_IN_PROGRESS first); the
    API's refusal of a target group still in use (ConflictException) is not modelled."""

    def respond(self):
        identifier = lattice_id(unquote(self.path.split("/")[-1]))
        group = self.backend.target_groups.pop(identifier, None)
        if group is None:
            raise lattice_exceptions.ResourceNotFoundException(f"Target group {identifier} not found")
        return json.dumps({"arn": group.arn, "id": group.id, "status": "DELETE_IN_PROGRESS"})

    LatticeResponse.delete_target_group = respond


LATTICE_SHIMS = (lattice_not_found_is_404, lattice_ids_or_arns, lattice_default_auth_type,
                 lattice_created_and_updated_at, lattice_updates, lattice_get_vpc_association,
                 idempotent_access_log_subscriptions, lattice_list_pages, lattice_delete_target_group)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args()
    fresh_identities()
    accounts_as_owners()
    isolated_dynamodb()
    idempotent_app_mesh_updates()
    for shim in LATTICE_SHIMS + lattice_fidelity.SHIMS + securityhub_fidelity.SHIMS + ecs_fidelity.SHIMS:
        shim()
    app = ApiShim(lattice_fidelity.LatticeFidelity(DomainDispatcherApplication(create_backend_app)))
    server = make_server("127.0.0.1", args.port, app, threaded=True, request_handler=MotoRequestHandler)

    def stop(_signum, _frame):
        # serve_forever() runs in this (the main) thread, so shutdown() must come from another one;
        # the loop then ends at its next poll.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # The socket is bound and listening: connections made from now on are queued and served.
    print(f"LISTENING {server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()  # handler threads are daemons: nothing to wait for
    return 0


if __name__ == "__main__":
    sys.exit(main())
