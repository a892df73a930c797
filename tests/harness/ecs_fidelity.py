"""Amazon ECS as the API reference says, where moto 5.2.x differs on the calls Meshwarden makes
(CreateService, UpdateService, DescribeServices, DeleteService, ListClusters, ListServices).

- Service Connect: moto ignores ``serviceConnectConfiguration``. ECS keeps it per deployment
  (``Deployment.serviceConnectConfiguration``): CreateService stores it in the service's PRIMARY
  deployment; an UpdateService that carries one starts a new PRIMARY deployment with it and the
  previous PRIMARY becomes ACTIVE; an update that starts a deployment without one (a new task
  definition, ``forceNewDeployment``) keeps the service's configuration in the new deployment; any
  other update changes no deployment. A configuration without ``enabled`` (required) is refused.
  https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectConfiguration.html
  https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html
  https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html
- UpdateService with ``taskDefinition``: moto leaves the deployment alone and stores the service's
  ``taskDefinition`` as given (``web:2``); the API answers the task definition's full ARN.
- Service ``createdAt``/``createdBy``: moto has neither; both are stamped at creation (a service
  re-created under the same name is a new one, with a new ``createdAt``).
  https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html
- DeleteService: a service with tasks to stop is ``DRAINING`` (moto: ``INACTIVE`` at once; without
  tasks it is right); ListServices no longer lists a ``DRAINING``/``INACTIVE`` service (moto lists
  it); CreateService of a name that is ``ACTIVE`` or ``DRAINING`` is refused (moto replaces the
  service); UpdateService of a service that is not ``ACTIVE`` is ``ServiceNotActiveException``
  (moto updates it).
  https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html
- ListClusters/ListServices page: at most ``maxResults`` (1–100; defaults 100 and 10) and a
  ``nextToken`` to continue. moto answers everything in one page and ignores both.
  https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListClusters.html
  https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListServices.html
"""

import base64
import binascii
import copy
import threading

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.ecs import models as ecs_models
from moto.ecs import responses as ecs_responses
from moto.ecs.exceptions import ECSException, InvalidParameterException
from moto.moto_api._internal import mock_random
from moto.utilities.utils import get_partition

Backend = ecs_models.EC2ContainerServiceBackend
Response = ecs_responses.EC2ContainerServiceResponse

# Create/Update/Delete read a service and then change it: one at a time, as ECS applies them.
LOCK = threading.RLock()
LIVE = ("ACTIVE", "DRAINING")


class ServiceNotActiveException(ECSException):
    def __init__(self):
        super().__init__("ServiceNotActiveException", "Service was not ACTIVE.")


def service_connect_param(response):
    """The request's serviceConnectConfiguration (None when absent), refused when malformed as the
    API model refuses it: ``enabled`` is a required boolean."""
    config = response._get_param("serviceConnectConfiguration")
    if config is None:
        return None
    if not isinstance(config, dict) or not isinstance(config.get("enabled"), bool):
        raise InvalidParameterException("serviceConnectConfiguration.enabled is required and must be a boolean.")
    return copy.deepcopy(config)


def named_service(backend, cluster, service):
    """The service a request names (name or either ARN format), None when there is none."""
    try:
        return backend._get_service(cluster, service.split("/")[-1])
    except ECSException:
        return None


def snapshot(service):
    """The service as this request left it, for an answer serialized after LOCK is released (a
    concurrent update replaces `deployments`, never edits them: readers see one whole list)."""
    copied = copy.copy(service)
    copied.deployments = copy.deepcopy(service.deployments)
    return copied


def primary(service):
    return next((d for d in service.deployments if d.get("status") == "PRIMARY"), None)


def new_deployment(service, config):
    """Start a deployment with `config` (None: the PRIMARY's configuration, kept): it becomes the
    PRIMARY, the previous PRIMARY ACTIVE; older ACTIVE deployments have drained and are gone."""
    previous = primary(service)
    now = utcnow()
    deployment_id = f"ecs-svc/{mock_random.randint(0, 10**19 - 1):019d}"
    deployment = {**copy.deepcopy(previous or {}), "id": deployment_id, "status": "PRIMARY",
                  "taskDefinition": service.task_definition, "desiredCount": service.desired_count,
                  "pendingCount": service.desired_count, "runningCount": 0, "failedTasks": 0,
                  "createdAt": now, "updatedAt": now, "rolloutState": "IN_PROGRESS",
                  "rolloutStateReason": f"ECS deployment {deployment_id} in progress."}
    if config is not None:
        deployment["serviceConnectConfiguration"] = config
    kept = [{**previous, "status": "ACTIVE", "updatedAt": now}] if previous is not None else []
    service.deployments = [deployment, *kept]


def service_connect_on_create():
    """CreateService: the configuration is the PRIMARY deployment's."""
    original = Response.create_service

    def create_service(self):
        config = service_connect_param(self)
        with LOCK:
            original(self)
            service = named_service(self.ecs_backend, self._get_param("cluster", "default"),
                                    self._get_param("serviceName"))
            if config is not None:
                service.deployments = [{**d, "serviceConnectConfiguration": copy.deepcopy(config)}
                                       for d in service.deployments]
            return ActionResult({"service": snapshot(service)})

    Response.create_service = create_service


def service_connect_on_update():
    """UpdateService: a configuration, a new task definition or forceNewDeployment start a new
    PRIMARY deployment (the configuration given, else the service's own); nothing else does.
    moto instead rewrites the id of its one deployment on forceNewDeployment: undone."""
    original = Response.update_service

    def update_service(self):
        config = service_connect_param(self)
        with LOCK:
            service = named_service(self.ecs_backend, self._get_param("cluster", "default"),
                                    self._get_param("service") or "")
            if service is None:
                return original(self)  # moto's own not-found answers
            deployments = service.deployments
            service.deployments = copy.deepcopy(deployments)  # moto's forceNewDeployment edits them in place
            task_definition = service.task_definition
            try:
                original(self)
            finally:
                service.deployments = deployments
            if (config is not None or service.task_definition != task_definition
                    or self._get_bool_param("forceNewDeployment", False)):
                new_deployment(service, config)
            return ActionResult({"service": snapshot(service)})

    Response.update_service = update_service


def task_definition_arn_on_update():
    """UpdateService(taskDefinition=family[:revision]): the service names the task definition by
    its ARN, as CreateService already makes it."""
    original = Backend.update_service

    def update_service(self, service_properties):
        task_definition = service_properties.get("task_definition")
        service = original(self, service_properties)
        if task_definition:
            service.task_definition = self.describe_task_definition(task_definition).arn
        return service

    Backend.update_service = update_service


def service_created_at_and_by():
    """Service.createdAt and createdBy, stamped when moto creates the service."""
    original = ecs_models.Service.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.created_at = utcnow()
        self.created_by = f"arn:{get_partition(self.region_name)}:iam::{self._account_id}:root"

    ecs_models.Service.__init__ = init


def service_lifecycle():
    """DeleteService → DRAINING while the service has tasks (INACTIVE without); a name ACTIVE or
    DRAINING cannot be created again; only an ACTIVE service can be updated."""
    original_delete, original_create, original_update = (
        Backend.delete_service, Backend.create_service, Backend.update_service)

    def delete_service(self, cluster_name, service_name, force):
        with LOCK:
            service = self._get_service(cluster_name, service_name.split("/")[-1])
            if service.status != "ACTIVE":
                return service  # already deleted: nothing more happens
            tasks = service.running_count + service.pending_count
            service = original_delete(self, cluster_name, service_name, force)
            if tasks > 0:
                service.status = "DRAINING"
            return service

    def create_service(self, cluster_str, service_name, *args, **kwargs):
        with LOCK:
            existing = named_service(self, cluster_str, service_name)
            if existing is not None and existing.status in LIVE:
                raise InvalidParameterException("Creation of service was not idempotent.")
            return original_create(self, cluster_str, service_name, *args, **kwargs)

    def update_service(self, service_properties):
        with LOCK:
            service = named_service(self, service_properties.get("cluster", "default"),
                                    service_properties.get("service", ""))
            if service is not None and service.status != "ACTIVE":
                raise ServiceNotActiveException()
            return original_update(self, service_properties)

    Backend.delete_service, Backend.create_service, Backend.update_service = (
        delete_service, create_service, update_service)


def page(items, max_results, next_token, default):
    """One page of the sorted `items` after the token's item, and the token of the next page."""
    if max_results is None:
        max_results = default
    if not 1 <= max_results <= 100:
        raise InvalidParameterException("maxResults must be between 1 and 100.")
    items = sorted(items)
    if next_token:
        try:
            after = base64.urlsafe_b64decode(next_token.encode()).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise InvalidParameterException("Invalid nextToken.")
        items = [item for item in items if item > after]
    chunk = items[:max_results]
    token = base64.urlsafe_b64encode(chunk[-1].encode()).decode() if len(items) > max_results else None
    return chunk, token


def list_pages():
    """ListClusters and ListServices page; ListServices lists ACTIVE services only."""

    def list_clusters(self):
        arns, token = page(self.ecs_backend.list_clusters(), self._get_int_param("maxResults"),
                           self._get_param("nextToken"), default=100)
        return ActionResult({"clusterArns": arns, **({"nextToken": token} if token else {})})

    def list_services(self):
        backend = self.ecs_backend
        cluster = backend._get_cluster(self._get_param("cluster", "default"))
        active = {s.arn for s in backend.services.values() if s.cluster_name == cluster.name and s.status == "ACTIVE"}
        listed = [arn for arn in backend.list_services(cluster.name, self._get_param("schedulingStrategy"),
                                                       launch_type=self._get_param("launchType"))
                  if arn in active]
        arns, token = page(listed, self._get_int_param("maxResults"), self._get_param("nextToken"), default=10)
        return ActionResult({"serviceArns": arns, **({"nextToken": token} if token else {})})

    Response.list_clusters = list_clusters
    Response.list_services = list_services


SHIMS = (service_connect_on_create, service_connect_on_update, task_definition_arn_on_update,
         service_created_at_and_by, service_lifecycle, list_pages)
