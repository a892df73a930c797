"""AWS-side helpers for the demo (scripts/demo.sh), run against the local emulator with boto3:
create the table and the seeds' resources, make a drift, write the CloudTrail event a change
would produce, and report the final state.

    demo_aws.py table NAME
    demo_aws.py create-seeds                      → prints the mesh and gateway versions
    demo_aws.py drift-mesh | drift-gateway        → re-applies the bad setting, prints the version
    demo_aws.py event NAME KIND VERSION FILE      → writes an EventBridge CloudTrail event
    demo_aws.py create-lattice                    → a compliant service network and a service with
                                                    an HTTP listener; prints their ids
    demo_aws.py open-network ID                   → deletes its auth policy, sets auth type NONE
    demo_aws.py lattice-event NAME ID FILE        → the EventBridge event of a VPC Lattice call
    demo_aws.py create-ecs                        → a cluster and a service with Service Connect TLS (Private CA)
    demo_aws.py drop-ecs-tls                      → UpdateService: the same configuration without TLS
    demo_aws.py deploy-image                      → UpdateService: a new task definition only (an image deploy)
    demo_aws.py ecs-event NAME KIND FILE          → the EventBridge event of that ECS call (KIND: create,
                                                    drop-tls, image)
    demo_aws.py rules                             → the deployed rules' patterns (infra/cdk/event-patterns.json)
                                                    on an event bus of the emulator, delivering to a queue
    demo_aws.py deliver FILE DIR                  → puts the event on that bus; writes each event the rules
                                                    delivered (each an invocation) to DIR/N.json; prints N
    demo_aws.py final-state [FILE]                → prints (and writes) the resources' settings
"""

import datetime
import json
import os
import sys
import uuid

import boto3

MESH = "cc-production-app-mesh"
GATEWAY = "cc-prod-mesh-virtual-gateway"
ACCOUNT = "123456789012"  # moto's account
REGION = "us-east-1"
ADMIN = "platform-admin"
GATEWAY_SPEC = {"listeners": [{"portMapping": {"port": 8080, "protocol": "http"}}], "backendDefaults": {"clientPolicy": {}}}


POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    "Action": "vpc-lattice-svcs:Invoke", "Resource": "*"}]})
LOGS = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/demo/lattice-access"


def appmesh():
    return boto3.client("appmesh", region_name=REGION)


def lattice():
    return boto3.client("vpc-lattice", region_name=REGION)


def table(name):
    client = boto3.client("dynamodb", region_name=REGION)
    attribute = lambda n: {"AttributeName": n, "AttributeType": "S"}
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[attribute("pk"), attribute("sk"), attribute("nonCompliant")],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[{
            "IndexName": "nonCompliant",
            "KeySchema": [{"AttributeName": "nonCompliant", "KeyType": "HASH"}, {"AttributeName": "pk", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"},
        }],
    )


def create_seeds():
    mesh = appmesh().create_mesh(meshName=MESH, spec={"egressFilter": {"type": "ALLOW_ALL"}})
    gateway = appmesh().create_virtual_gateway(meshName=MESH, virtualGatewayName=GATEWAY, spec=GATEWAY_SPEC)
    print(mesh["mesh"]["metadata"]["version"], gateway["virtualGateway"]["metadata"]["version"])


def drift_mesh():
    out = appmesh().update_mesh(meshName=MESH, spec={"egressFilter": {"type": "ALLOW_ALL"}})
    print(out["mesh"]["metadata"]["version"])


def drift_gateway():
    out = appmesh().update_virtual_gateway(meshName=MESH, virtualGatewayName=GATEWAY, spec=GATEWAY_SPEC)
    print(out["virtualGateway"]["metadata"]["version"])


def event(name, kind, version, path):
    if kind == "mesh":
        request = {"meshName": MESH, "spec": {"egressFilter": {"type": "ALLOW_ALL"}}}
        response = {"mesh": {"meshName": MESH, "spec": request["spec"], "metadata": {"version": int(version)}}}
    else:
        request = {"meshName": MESH, "virtualGatewayName": GATEWAY, "spec": GATEWAY_SPEC}
        response = {"virtualGateway": {**request, "metadata": {"version": int(version)}}}
    write_event(("aws.appmesh", "appmesh.amazonaws.com"), name, request, response, path)


def write_event(source, name, request, response, path):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    record = {
        "eventVersion": "1.09",
        "userIdentity": {"type": "AssumedRole", "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{ADMIN}/alice", "accountId": ACCOUNT,
                         "sessionContext": {"sessionIssuer": {"type": "Role", "arn": f"arn:aws:iam::{ACCOUNT}:role/{ADMIN}"}}},
        "eventTime": now, "eventSource": source[1], "eventName": name, "awsRegion": REGION,
        "sourceIPAddress": "192.0.2.10", "userAgent": "aws-cli/2.22.0", "requestParameters": request,
        "responseElements": response, "requestID": str(uuid.uuid4()), "eventID": str(uuid.uuid4()), "readOnly": False,
        "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": ACCOUNT,
    }
    envelope = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "AWS API Call via CloudTrail", "source": source[0],
                "account": ACCOUNT, "time": now, "region": REGION, "resources": [], "detail": record}
    with open(path, "w") as out:
        json.dump(envelope, out)


def create_lattice():
    client = lattice()
    network = client.create_service_network(name="payments-network", authType="AWS_IAM")["id"]
    client.put_auth_policy(resourceIdentifier=network, policy=POLICY)
    client.create_access_log_subscription(resourceIdentifier=network, destinationArn=LOGS)
    group = client.create_target_group(name="payments-targets", type="IP", config={
        "port": 443, "protocol": "HTTPS", "vpcIdentifier": "vpc-0demo", "healthCheck": {"enabled": True}})["id"]
    service = client.create_service(name="payments", authType="AWS_IAM")["id"]
    client.put_auth_policy(resourceIdentifier=service, policy=POLICY)
    client.create_access_log_subscription(resourceIdentifier=service, destinationArn=LOGS)
    client.create_listener(serviceIdentifier=service, name="plain-http", protocol="HTTP", port=80,
                           defaultAction={"forward": {"targetGroups": [{"targetGroupIdentifier": group, "weight": 100}]}})
    print(network, service)


def open_network(network):
    client = lattice()
    try:
        client.delete_auth_policy(resourceIdentifier=network)
    except client.exceptions.ResourceNotFoundException:
        pass
    client.update_service_network(serviceNetworkIdentifier=network, authType="NONE")


def lattice_event(name, resource_id, path):
    key = "serviceNetworkIdentifier" if resource_id.startswith("sn-") else "serviceIdentifier"
    requests = {"CreateServiceNetwork": ({"name": "payments-network", "authType": "AWS_IAM"}, {"id": resource_id}),
                "UpdateServiceNetwork": ({key: resource_id, "authType": "NONE"}, {"id": resource_id, "authType": "NONE"}),
                "CreateListener": ({key: resource_id, "name": "plain-http", "protocol": "HTTP", "port": 80},
                                   {"serviceId": resource_id, "protocol": "HTTP", "port": 80})}
    request, response = requests[name]
    write_event(("aws.vpc-lattice", "vpc-lattice.amazonaws.com"), name, request, response, path)


# The EventBridge stand-in: the rules the CDK app deploys, with their patterns as rendered
# (infra/cdk/event-patterns.json, kept current by a jest test), on the emulator's EventBridge.
BUS = "meshwarden-demo"
PATTERNS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "infra", "cdk", "event-patterns.json")


CLUSTER, SERVICE = "payments", "checkout"
CA = f"arn:aws:acm-pca:{REGION}:{ACCOUNT}:certificate-authority/0d3e3f2a-demo-ca"
TLS_ROLE = f"arn:aws:iam::{ACCOUNT}:role/demo-service-connect-tls"


def ecs():
    return boto3.client("ecs", region_name=REGION)


def service_connect(tls):
    """The service's Service Connect configuration: TLS from the Private CA, access logs."""
    service = {"portName": "http", "discoveryName": SERVICE, "clientAliases": [{"port": 8080}]}
    if tls:
        service["tls"] = {"issuerCertificateAuthority": {"awsPcaAuthorityArn": CA}, "roleArn": TLS_ROLE}
    return {"enabled": True, "namespace": CLUSTER, "services": [service],
            "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/demo/service-connect",
                                                                     "awslogs-region": REGION,
                                                                     "awslogs-stream-prefix": "sc"}},
            "accessLogConfiguration": {"format": "TEXT", "includeQueryParameters": "DISABLED"}}


def task_definition(image):
    return ecs().register_task_definition(family=SERVICE, containerDefinitions=[{
        "name": "app", "image": image, "memory": 256,
        "portMappings": [{"name": "http", "containerPort": 8080}]}])["taskDefinition"]["taskDefinitionArn"]


def create_ecs():
    ecs().create_cluster(clusterName=CLUSTER)
    ecs().create_service(cluster=CLUSTER, serviceName=SERVICE, taskDefinition=task_definition("checkout:1.0"),
                         desiredCount=0, serviceConnectConfiguration=service_connect(tls=True))


def drop_ecs_tls():
    ecs().update_service(cluster=CLUSTER, service=SERVICE, serviceConnectConfiguration=service_connect(tls=False))


def deploy_image():
    ecs().update_service(cluster=CLUSTER, service=SERVICE, taskDefinition=task_definition("checkout:1.1"))


def ecs_event(name, kind, path):
    requests = {"create": {"cluster": CLUSTER, "serviceName": SERVICE, "taskDefinition": f"{SERVICE}:1",
                           "desiredCount": 0, "serviceConnectConfiguration": service_connect(tls=True)},
                "drop-tls": {"cluster": CLUSTER, "service": SERVICE,
                             "serviceConnectConfiguration": service_connect(tls=False)},
                "image": {"cluster": CLUSTER, "service": SERVICE, "taskDefinition": f"{SERVICE}:2"}}
    response = {"service": {"serviceArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/{CLUSTER}/{SERVICE}",
                            "serviceName": SERVICE, "clusterArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/{CLUSTER}"}}
    write_event(("aws.ecs", "ecs.amazonaws.com"), name, requests[kind], response, path)


def rules():
    events, sqs = boto3.client("events", region_name=REGION), boto3.client("sqs", region_name=REGION)
    events.create_event_bus(Name=BUS)
    queue = sqs.create_queue(QueueName=BUS)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    with open(PATTERNS) as patterns:
        for rule in json.load(patterns):
            events.put_rule(Name=rule["rule"], EventBusName=BUS, EventPattern=json.dumps(rule["eventPattern"]))
            events.put_targets(Rule=rule["rule"], EventBusName=BUS, Targets=[{"Id": "function", "Arn": arn}])


def deliver(path, directory):
    events, sqs = boto3.client("events", region_name=REGION), boto3.client("sqs", region_name=REGION)
    with open(path) as source:
        event = json.load(source)
    answer = events.put_events(Entries=[{"EventBusName": BUS, "Source": event["source"], "DetailType": event["detail-type"],
                                         "Detail": json.dumps(event["detail"])}])
    assert answer["FailedEntryCount"] == 0, answer
    queue = sqs.get_queue_url(QueueName=BUS)["QueueUrl"]
    os.makedirs(directory, exist_ok=True)
    delivered = 0
    while True:  # the emulator delivers within PutEvents: the queue holds all there is
        messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            break
        for message in messages:
            with open(os.path.join(directory, f"{delivered}.json"), "w") as out:
                out.write(message["Body"])
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
            delivered += 1
    print(delivered)


def final_state(path=None):
    mesh = appmesh().describe_mesh(meshName=MESH)["mesh"]
    gateway = appmesh().describe_virtual_gateway(meshName=MESH, virtualGatewayName=GATEWAY)["virtualGateway"]
    tls = gateway["spec"].get("backendDefaults", {}).get("clientPolicy", {}).get("tls") or {}
    state = {"meshEgress": (mesh["spec"].get("egressFilter") or {}).get("type"),
             "gatewayTlsEnforced": tls.get("enforce") if tls else None,
             "gatewayTrust": sorted((tls.get("validation") or {}).get("trust", {}).keys()) if tls else []}
    client = lattice()
    for network in client.list_service_networks()["items"]:
        state["networkAuthType"] = client.get_service_network(serviceNetworkIdentifier=network["id"]).get("authType")
        try:
            policy = client.get_auth_policy(resourceIdentifier=network["id"]).get("policy")
        except client.exceptions.ResourceNotFoundException:
            policy = None
        state["networkPolicyRestored"] = policy == POLICY
    for service in client.list_services()["items"]:
        listeners = client.list_listeners(serviceIdentifier=service["id"])["items"]
        state["listenerProtocols"] = sorted(l["protocol"] for l in listeners)
    described = ecs().describe_services(cluster=CLUSTER, services=[SERVICE])["services"][0]
    primary = next(d for d in described["deployments"] if d["status"] == "PRIMARY")
    config = primary.get("serviceConnectConfiguration") or {}
    state["serviceConnectTls"] = bool(config.get("services")) and all(
        s.get("tls", {}).get("issuerCertificateAuthority", {}).get("awsPcaAuthorityArn") for s in config["services"])
    state["ecsTaskDefinition"] = primary["taskDefinition"].rsplit("/", 1)[-1]
    print(json.dumps(state))
    if path:
        with open(path, "w") as out:
            json.dump(state, out)


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"table": table, "create-seeds": create_seeds, "drift-mesh": drift_mesh, "drift-gateway": drift_gateway,
     "event": event, "create-lattice": create_lattice, "open-network": open_network,
     "lattice-event": lattice_event, "rules": rules, "deliver": deliver,
     "create-ecs": create_ecs, "drop-ecs-tls": drop_ecs_tls, "deploy-image": deploy_image, "ecs-event": ecs_event, "final-state": final_state}[command](*args)
