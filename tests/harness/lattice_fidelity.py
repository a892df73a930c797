"""VPC Lattice behaviours of AWS that moto hides, modelled for the tests (see README.md beside this file).

Imported by moto_launcher.py after it has prepared moto's environment. Three shims, each driven
by a harness admin call under ``/__harness/lattice/`` that tests make to the emulator directly
(never through the fault proxy; product code never knows about them):

* **auth policy propagation** — "When you add, update, or remove an auth policy, it might take a
  few minutes to be ready" (VPC Lattice User Guide, auth policies). With a propagation set,
  ``GetAuthPolicy`` keeps answering the previous policy (content, state and times, or 404 when
  there was none) after a ``PutAuthPolicy``/``DeleteAuthPolicy`` until N further reads of that
  resource, or until the test releases it; off by default, no clock involved;
* **another account's resources** — IAM allows a cross-account request only when the resource's
  policy (for VPC Lattice, the AWS RAM share) allows it: an ARN naming another account's resource
  is answered 403 ``AccessDeniedException`` unless a test shared it with the caller's account (then
  reads are served from the owner's account; writes stay denied: RAM's managed permissions for
  VPC Lattice grant no Update/Put/Delete). An ARN of another partition or region names nothing this
  endpoint holds: 404 ``ResourceNotFoundException``. moto strips any ARN to its id and answers our
  same-id resource, or its own "not found";
* **association counts** — ``GetServiceNetwork``/``ListServiceNetworks`` carry
  ``numberOfAssociatedVPCs``/``numberOfAssociatedServices`` and ``GetTargetGroup`` ``serviceArns``;
  moto has none of them and no ``DeleteServiceNetworkVpcAssociation``/
  ``DeleteServiceNetworkServiceAssociation``: counts are computed from the associations at read
  time, the deletes are added (answering ``DELETE_IN_PROGRESS`` and removing at once).

It also counts the writes the emulator applied, per resource and operation (``GET
/__harness/lattice/writes``): a fault test proves each revert was written once, not merely
recorded once (a request the fault proxy faulted never reaches the emulator and is not counted;
the attempts of one SDK operation, which share its ``amz-sdk-invocation-id``, count once).
"""

import io
import json
import re
import threading
from types import SimpleNamespace
from urllib.parse import unquote

from moto.iam.models import get_account_id_from
from moto.vpclattice import exceptions as lattice_exceptions
from moto.vpclattice import models as lattice_models
from moto.vpclattice import responses as lattice_responses

ADMIN_PREFIX = "/__harness/lattice/"
LatticeBackend = lattice_models.VPCLatticeBackend
LatticeResponse = lattice_responses.VPCLatticeResponse
CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/[^/]+/([^/]+)/([^/]+)/")
LATTICE_ARN = re.compile(r"arn:([a-z0-9-]+):vpc-lattice:([a-z0-9-]*):(\d{12}):[A-Za-z0-9/_.-]+")


def backend_of(arn):
    """The moto backend holding the resource an ARN of ours names (its account and region)."""
    _, _, _, region, account = arn.split(":", 5)[:5]
    return lattice_models.vpclattice_backends[account][region]


# --- auth policy propagation --------------------------------------------------------------------

class AuthPolicyPropagation:
    """Pending auth policy changes: what GetAuthPolicy still answers, and for how many reads."""

    def __init__(self):
        self.lock = threading.Lock()
        # resource id (None: every resource) → reads a change stays pending (None: until released);
        # absent or 0: changes are visible at once (the default)
        self.reads = {}
        self.pending = {}  # (account, region, resource id) → [previous answer or None, reads left]

    def configure(self, reads, resource=None):
        """`reads` for `resource` (None: every resource); 0 for a resource drops its own setting."""
        with self.lock:
            if reads == 0 and resource is not None:
                self.reads.pop(resource, None)
            else:
                self.reads[resource] = reads

    def release(self, resource=None):
        with self.lock:
            keys = [k for k in self.pending if resource is None or k[2] == resource]
            for key in keys:
                del self.pending[key]
        return len(keys)

    def changed(self, key, previous):
        """A put or delete landed; `previous` is what GetAuthPolicy answered before it."""
        with self.lock:
            reads = self.reads.get(key[2], self.reads.get(None, 0))
            if reads == 0:
                return
            if key in self.pending:  # a second change while pending: still the first one's previous
                self.pending[key][1] = reads
            else:
                self.pending[key] = [previous, reads]

    def read(self, key):
        """(True, previous) while the change at `key` is pending (counting this read), else (False, None)."""
        with self.lock:
            entry = self.pending.get(key)
            if entry is None:
                return False, None
            previous, left = entry
            if left is not None:
                if left <= 1:
                    del self.pending[key]
                else:
                    entry[1] = left - 1
            return True, previous


PROPAGATION = AuthPolicyPropagation()


def auth_policy_key(backend, identifier):
    return backend.account_id, backend.region_name, identifier.rsplit("/", 1)[-1]


def current_auth_policy(backend, identifier):
    """What GetAuthPolicy answers now (a snapshot), or None for 404."""
    try:
        policy = ORIGINAL_GET_AUTH_POLICY(backend, resourceIdentifier=identifier)
    except lattice_exceptions.ResourceNotFoundException:
        return None
    return SimpleNamespace(policy=policy.policy, state=policy.state, created_at=policy.created_at,
                           last_updated_at=policy.last_updated_at)


ORIGINAL_GET_AUTH_POLICY = LatticeBackend.get_auth_policy


def propagating_auth_policies():
    """PutAuthPolicy/DeleteAuthPolicy take effect for GetAuthPolicy only once propagated."""
    original_put, original_delete = LatticeBackend.put_auth_policy, LatticeBackend.delete_auth_policy

    def put_auth_policy(self, resourceIdentifier, policy):
        previous = current_auth_policy(self, resourceIdentifier)
        answer = original_put(self, resourceIdentifier=resourceIdentifier, policy=policy)
        PROPAGATION.changed(auth_policy_key(self, resourceIdentifier), previous)
        return answer

    def delete_auth_policy(self, resourceIdentifier):
        previous = current_auth_policy(self, resourceIdentifier)
        original_delete(self, resourceIdentifier=resourceIdentifier)
        PROPAGATION.changed(auth_policy_key(self, resourceIdentifier), previous)

    def get_auth_policy(self, resourceIdentifier):
        pending, previous = PROPAGATION.read(auth_policy_key(self, resourceIdentifier))
        if not pending:
            return ORIGINAL_GET_AUTH_POLICY(self, resourceIdentifier=resourceIdentifier)
        if previous is None:
            raise lattice_exceptions.ResourceNotFoundException(f"Resource {resourceIdentifier} not found")
        return previous

    LatticeBackend.put_auth_policy = put_auth_policy
    LatticeBackend.delete_auth_policy = delete_auth_policy
    LatticeBackend.get_auth_policy = get_auth_policy


# --- another account's resources ----------------------------------------------------------------

class Shares:
    """Which resource ARNs a test shared with which accounts (what AWS RAM would grant)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.granted = set()  # (resource ARN, consumer account)

    def share(self, arn, account):
        with self.lock:
            self.granted.add((arn, account))

    def unshare(self, arn, account):
        with self.lock:
            self.granted.discard((arn, account))

    def allows(self, arn, account):
        with self.lock:
            return (arn, account) in self.granted


SHARES = Shares()


def caller(environ):
    """(account, region) of a signed request, as moto resolves the account; None if unsigned."""
    match = CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
    if not match or match.group(3) != "vpc-lattice":
        return None
    account = environ.get("HTTP_X_MOTO_ACCOUNT_ID") or get_account_id_from(match.group(1))
    return account, match.group(2)


def read_body(environ):
    """The request body, put back for the app to read again."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def named_arns(environ):
    """Lattice ARNs the request names: in its path, its query, or a body member ending in Identifier."""
    texts = [unquote(environ.get("PATH_INFO", "")), unquote(environ.get("QUERY_STRING", ""))]
    body = read_body(environ)
    if body.lstrip().startswith(b"{"):
        try:
            document = json.loads(body)
        except ValueError:
            document = {}
        texts += [v for k, v in document.items() if k.endswith("Identifier") and isinstance(v, str)]
    return [match for text in texts for match in LATTICE_ARN.finditer(text)]


def error(status, code, message):
    body = json.dumps({"__type": code, "message": message}).encode()
    return status, [("Content-Type", "application/json"), ("x-amzn-ErrorType", code),
                    ("Content-Length", str(len(body)))], body


def foreign_resource_answer(environ):
    """None to serve the request as is (maybe as the sharing owner), else the error AWS answers."""
    who = caller(environ)
    if who is None:
        return None
    account, region = who
    for match in named_arns(environ):
        partition, arn_region, owner = match.group(1), match.group(2), match.group(3)
        if partition != "aws" or arn_region != region:
            return error("404 NOT FOUND", "ResourceNotFoundException", f"Resource {match.group(0)} not found")
        if owner == account:
            continue
        if environ.get("REQUEST_METHOD") == "GET" and SHARES.allows(match.group(0), account):
            environ["HTTP_X_MOTO_ACCOUNT_ID"] = owner
            continue
        return error("403 FORBIDDEN", "AccessDeniedException",
                     f"User in account {account} is not authorized to access {match.group(0)}: "
                     f"no resource-based policy allows it")
    return None


# --- association counts --------------------------------------------------------------------------

def associations_counted():
    """numberOfAssociatedVPCs/Services and serviceArns follow the associations and listeners."""
    network_to_dict = lattice_models.VPCLatticeServiceNetwork.to_dict
    group_to_dict = lattice_models.VPCLatticeTargetGroup.to_dict

    def network(self):
        backend = backend_of(self.arn)
        return {**network_to_dict(self),
                "numberOfAssociatedVPCs": sum(a.service_network_id == self.id
                                              for a in backend.service_network_vpc_associations.values()),
                "numberOfAssociatedServices": sum(a.service_network_id == self.id
                                                  for a in backend.service_network_service_associations.values())}

    def forwards_to(action, group):
        targets = ((action or {}).get("forward") or {}).get("targetGroups") or []
        return any(t.get("targetGroupIdentifier") in (group.id, group.arn) for t in targets)

    def group(self):
        backend = backend_of(self.arn)
        services = sorted({listener.service_arn for listener in backend.listeners.values()
                           if forwards_to(listener.default_action, self)})
        document = group_to_dict(self)
        if services:
            document["serviceArns"] = services
        return document

    lattice_models.VPCLatticeServiceNetwork.to_dict = network
    lattice_models.VPCLatticeTargetGroup.to_dict = group

    def deleting(kind, table, parameter):
        def delete(self):
            identifier = unquote(self._get_param(parameter) or self.path.split("/")[-1]).rsplit("/", 1)[-1]
            association = getattr(self.backend, table).pop(identifier, None)
            if association is None:
                raise lattice_exceptions.ResourceNotFoundException(f"{kind} {identifier} not found")
            return json.dumps({"arn": association.arn, "id": association.id, "status": "DELETE_IN_PROGRESS"})
        return delete

    LatticeResponse.delete_service_network_vpc_association = deleting(
        "Service network VPC association", "service_network_vpc_associations",
        "serviceNetworkVpcAssociationIdentifier")
    LatticeResponse.delete_service_network_service_association = deleting(
        "Service network service association", "service_network_service_associations",
        "serviceNetworkServiceAssociationIdentifier")


# --- counted writes -------------------------------------------------------------------------------

REQUEST = threading.local()  # the request being served (werkzeug serves each on its own thread)


class Writes:
    """Writes applied, per (resource id, operation). The SDKs send one `amz-sdk-invocation-id`
    with every attempt of one operation: attempts of the same operation (an SDK retry after a
    timed-out attempt the server did apply) count once, as the one operation the caller made."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}
        self.seen = set()  # (resource id, operation, invocation id)

    def count(self, resource, operation):
        resource = resource.rsplit("/", 1)[-1]
        invocation = getattr(REQUEST, "invocation", None)
        with self.lock:
            if invocation is not None:
                if (resource, operation, invocation) in self.seen:
                    return
                self.seen.add((resource, operation, invocation))
            key = (resource, operation)
            self.counts[key] = self.counts.get(key, 0) + 1

    def snapshot(self):
        with self.lock:
            out = {}
            for (resource, operation), n in self.counts.items():
                out.setdefault(resource, {})[operation] = n
            return out


WRITES = Writes()
COUNTED = (("update_service_network", "UpdateServiceNetwork"), ("update_service", "UpdateService"),
           ("update_target_group", "UpdateTargetGroup"), ("put_auth_policy", "PutAuthPolicy"),
           ("delete_auth_policy", "DeleteAuthPolicy"))


def writes_counted():
    """Each applied write counted once: the backend's update calls on success, an access log
    subscription when it is made (a clientToken replay makes none) or deleted."""
    for name, operation in COUNTED:
        original = getattr(LatticeBackend, name)

        def counted(self, *args, _original=original, _operation=operation, **kwargs):
            answer = _original(self, *args, **kwargs)
            identifier = args[0] if args else next(v for k, v in kwargs.items() if "dentifier" in k)
            WRITES.count(identifier, _operation)
            return answer

        setattr(LatticeBackend, name, counted)

    subscription = lattice_models.VPCLatticeAccessLogSubscription
    original_init = subscription.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        WRITES.count(self.resourceId, "CreateAccessLogSubscription")

    subscription.__init__ = init
    original_delete = LatticeBackend.delete_access_log_subscription

    def delete(self, accessLogSubscriptionIdentifier):
        owner = self.get_access_log_subscription(accessLogSubscriptionIdentifier).resourceId
        original_delete(self, accessLogSubscriptionIdentifier)
        WRITES.count(owner, "DeleteAccessLogSubscription")

    LatticeBackend.delete_access_log_subscription = delete


SHIMS = (propagating_auth_policies, associations_counted, writes_counted)


# --- the admin calls and the middleware -----------------------------------------------------------

def admin(method, path, body):
    """POST /__harness/lattice/auth-policy-propagation {"reads": N | null, "resource": id?}  (0: off)
    POST /__harness/lattice/auth-policy-propagation/release {"resource": id?} → {"released": n}
    POST|DELETE /__harness/lattice/shares {"resourceArn": ..., "account": ...}
    GET /__harness/lattice/writes → {resource id: {operation: n}}"""
    try:
        document = json.loads(body or b"{}")
    except ValueError:
        return error("400 BAD REQUEST", "ValidationException", "the body is not JSON")
    action = path[len(ADMIN_PREFIX):]
    resource = document.get("resource")
    if resource is not None and not isinstance(resource, str):
        return error("400 BAD REQUEST", "ValidationException", "resource: a service network's or service's id")
    if method == "POST" and action == "auth-policy-propagation":
        reads = document.get("reads")
        if reads is not None and (not isinstance(reads, int) or reads < 0):
            return error("400 BAD REQUEST", "ValidationException", "reads: a non-negative integer or null")
        PROPAGATION.configure(reads, resource)
        answer = {"reads": reads, "resource": resource}
    elif method == "POST" and action == "auth-policy-propagation/release":
        answer = {"released": PROPAGATION.release(resource)}
    elif method in ("POST", "DELETE") and action == "shares":
        arn, account = document.get("resourceArn"), document.get("account")
        if not (isinstance(arn, str) and LATTICE_ARN.fullmatch(arn) and isinstance(account, str)):
            return error("400 BAD REQUEST", "ValidationException", "resourceArn (a Lattice ARN) and account")
        (SHARES.share if method == "POST" else SHARES.unshare)(arn, account)
        answer = {"resourceArn": arn, "account": account, "shared": method == "POST"}
    elif method == "GET" and action == "writes":
        answer = WRITES.snapshot()
    else:
        return error("404 NOT FOUND", "NotFound", f"no harness call {method} {path}")
    body = json.dumps(answer).encode()
    return "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))], body


class LatticeFidelity:
    """WSGI middleware: the admin calls, and the foreign-ARN answers before moto sees a request."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        REQUEST.invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
        path = environ.get("PATH_INFO", "")
        if path.startswith(ADMIN_PREFIX):
            answer = admin(environ.get("REQUEST_METHOD"), path, read_body(environ))
        else:
            answer = foreign_resource_answer(environ)
        if answer is None:
            return self.app(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [body]
