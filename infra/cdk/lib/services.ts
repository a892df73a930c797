import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { acknowledge } from './shared';

/**
 * A statement of a service's permissions, for any region of an account. `resources` are ARN
 * paths after `arn:${Partition}:${arnService}:${region}:${account}:` (the stack fills in its
 * regions and the account); without them the statement is on `*`, for actions that have no
 * resource-level permissions, and `anyResource` says why (the cdk-nag acknowledgement).
 */
export type StatementTemplate =
  | { readonly sid: string; readonly actions: string[]; readonly resources: string[]; readonly conditions?: Record<string, Record<string, unknown>> }
  | { readonly sid: string; readonly actions: string[]; readonly anyResource: string };

/** Where a service's CloudTrail events come from, when its events file does not say it itself. */
export interface EventOrigin {
  /** The EventBridge `source` (`aws.appmesh`). */
  readonly source: string;
  /** The CloudTrail `eventSource` (`appmesh.amazonaws.com`). */
  readonly eventSource: string;
}

/** A role a service's revert passes to it (`iam:PassRole`). */
export interface PassedRole {
  readonly sid: string;
  /** The `iam:PassedToService` value: the service principal the role is passed to. */
  readonly passedToService: string;
}

/** One AWS service Meshwarden watches. */
export interface ServiceDefinition {
  /** Construct ids are derived from it: rules `${id}Changes` and `${id}ServiceEvents`. */
  readonly id: string;
  /** Its name in descriptions. */
  readonly name: string;
  /**
   * The events the Rust router handles, in `crates/rules`: `{"source", "eventSource", "apiCalls",
   * "serviceEvents"}`, or (App Mesh's, older) a bare list of API call names with `origin` here.
   */
  readonly eventsFile: string;
  readonly origin?: EventOrigin;
  /** The service part of its ARNs (`appmesh`, `vpc-lattice`, `ecs`). */
  readonly arnService: string;
  /**
   * The value of the `Service` dimension of the responder's metrics for this service (the engine's
   * `AwsService::as_str`): the dashboard draws one line per service from it.
   */
  readonly metricService: string;
  /**
   * Volume filters: for an API call of the events file, what else its CloudTrail `detail` must hold
   * for the function to be invoked at all (an EventBridge pattern fragment). A call without an
   * entry is matched by its name alone.
   */
  readonly volumeFilters?: Readonly<Record<string, Record<string, unknown>>>;
  /**
   * A role its revert passes to the service (`iam:PassRole`, auto-revert `on` only): granted on
   * exactly the role ARNs of the setting that lists them, to `passedToService` only, and not at all
   * when the list is empty.
   */
  readonly passesRole?: PassedRole;
  /**
   * Why its resources are granted in any region (`*`) rather than in each listed region; absent:
   * each listed region (the member role, which knows no regions, always has `*`).
   */
  readonly anyRegion?: string;
  /** Every auto-revert mode: describe the touched resource, list for the sweep. */
  readonly read: StatementTemplate[];
  /** Auto-revert `on` only. */
  readonly revert: StatementTemplate[];
}

/** App Mesh's read actions (describe the touched resource, list a mesh's children for the sweep). */
export const APPMESH_READ_ACTIONS = [
  'appmesh:DescribeMesh',
  'appmesh:DescribeVirtualGateway',
  'appmesh:DescribeVirtualNode',
  'appmesh:ListVirtualGateways',
  'appmesh:ListVirtualNodes',
  'appmesh:ListTagsForResource',
];
/** App Mesh's updates, granted only with auto-revert `on`. */
export const APPMESH_UPDATE_ACTIONS = ['appmesh:UpdateMesh', 'appmesh:UpdateVirtualGateway', 'appmesh:UpdateVirtualNode'];

/**
 * VPC Lattice's reads on a resource ("Actions, resources, and condition keys for Amazon VPC
 * Lattice", https://docs.aws.amazon.com/service-authorization/latest/reference/list_vpc-lattice.html):
 * GetServiceNetwork (servicenetwork), GetService (service), GetListener (listener, whose ARN is
 * `service/{id}/listener/{id}`: `service/*` covers it), GetAuthPolicy (service or servicenetwork),
 * GetTargetGroup (targetgroup), GetServiceNetworkVpcAssociation (servicenetworkvpcassociation).
 */
export const LATTICE_READ_ACTIONS = [
  'vpc-lattice:GetServiceNetwork',
  'vpc-lattice:GetService',
  'vpc-lattice:GetListener',
  'vpc-lattice:GetAuthPolicy',
  'vpc-lattice:GetTargetGroup',
  'vpc-lattice:GetServiceNetworkVpcAssociation',
];
const LATTICE_READ_RESOURCES = ['servicenetwork/*', 'service/*', 'targetgroup/*', 'servicenetworkvpcassociation/*'];
/**
 * VPC Lattice's lists: the same reference gives none of them a resource type (ListListeners,
 * ListAccessLogSubscriptions and ListServiceNetworkVpcAssociations included, although they name a
 * parent; ListTagsForResource too), so they can only be granted on `*`.
 */
export const LATTICE_LIST_ACTIONS = [
  'vpc-lattice:ListServiceNetworks',
  'vpc-lattice:ListServices',
  'vpc-lattice:ListTargetGroups',
  'vpc-lattice:ListListeners',
  'vpc-lattice:ListAccessLogSubscriptions',
  'vpc-lattice:ListServiceNetworkVpcAssociations',
  'vpc-lattice:ListTagsForResource',
];
/**
 * VPC Lattice's auth-type reverts, granted only with auto-revert `on`: UpdateServiceNetwork
 * (servicenetwork) and UpdateService (service). Both take the condition key `vpc-lattice:AuthType`
 * ("Filters access by the auth type specified in the request", the reference above), so the
 * statement allows them only when the request sets `AWS_IAM`: a revert only ever restores IAM
 * auth (the engine calls them with the auth type alone), and stolen responder credentials cannot
 * switch a service's or network's auth to `NONE`.
 */
export const LATTICE_AUTH_TYPE_ACTIONS = ['vpc-lattice:UpdateServiceNetwork', 'vpc-lattice:UpdateService'];
/** The only auth type a revert may set. */
export const LATTICE_REVERT_AUTH_TYPE = 'AWS_IAM';
/**
 * VPC Lattice's other reverts, granted only with auto-revert `on`: UpdateTargetGroup (targetgroup;
 * the health check), PutAuthPolicy (service or servicenetwork), CreateAccessLogSubscription (the new
 * accesslogsubscription, required, and the service network or service it is for). The reference
 * gives them no condition key on what they write (only aws:ResourceTag, and for
 * CreateAccessLogSubscription vpc-lattice:CreateAction and the request's tags): nothing can pin
 * the policy or the health check they set.
 */
export const LATTICE_OTHER_UPDATE_ACTIONS = ['vpc-lattice:UpdateTargetGroup', 'vpc-lattice:PutAuthPolicy', 'vpc-lattice:CreateAccessLogSubscription'];
/** Every VPC Lattice revert action. */
export const LATTICE_UPDATE_ACTIONS = [...LATTICE_AUTH_TYPE_ACTIONS, ...LATTICE_OTHER_UPDATE_ACTIONS];
const LATTICE_AUTH_TYPE_RESOURCES = ['servicenetwork/*', 'service/*'];
const LATTICE_UPDATE_RESOURCES = ['servicenetwork/*', 'service/*', 'targetgroup/*', 'accesslogsubscription/*'];
/**
 * What creating an access log subscription also takes from the caller: CloudWatch Logs' log
 * delivery, the dependent actions of vpc-lattice:CreateAccessLogSubscription in the reference above
 * and in "Amazon VPC Lattice API permissions"
 * (https://docs.aws.amazon.com/vpc-lattice/latest/ug/additional-api-permissions.html), whatever the
 * destination (CloudWatch Logs, S3 or Firehose). These actions have no resource-level permissions.
 * The access logs page (https://docs.aws.amazon.com/vpc-lattice/latest/ug/monitoring-access-logs.html)
 * lists UpdateLogDelivery, DeleteLogDelivery and ListLogDeliveries too, for managing subscriptions;
 * a revert only creates one. Not granted either: what a destination that never received access
 * logs needs for its resource policy to be written (logs:PutResourcePolicy, DescribeResourcePolicies
 * and DescribeLogGroups for a log group; s3:GetBucketPolicy and PutBucketPolicy for a bucket;
 * firehose:TagDeliveryStream and iam:CreateServiceLinkedRole for Firehose: "Enabling logging from
 * AWS services", CloudWatch Logs User Guide). A revert re-creates a subscription of the last
 * compliant copy, to a destination that already received this service's logs.
 */
export const LATTICE_LOG_DELIVERY_ACTIONS = ['logs:CreateLogDelivery', 'logs:GetLogDelivery'];

/**
 * Amazon ECS's reads ("Actions, resources, and condition keys for Amazon Elastic Container
 * Service", https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html):
 * DescribeServices authorizes on the service (`service/{cluster}/{service}`: `service/*` covers
 * every cluster's). Its tags come with it (`include: TAGS`), so no ListTagsForResource.
 */
export const ECS_READ_ACTIONS = ['ecs:DescribeServices'];
/**
 * Amazon ECS's lists, for the sweep (clusters, then each cluster's services): the same reference
 * gives ListClusters and ListServices no resource type, so they can only be granted on `*`.
 * ListServices takes the condition key `ecs:cluster`, which would only repeat the account and the
 * regions (a cluster ARN names them) and which a ListServices without `cluster` (the `default`
 * cluster) may not carry: not used.
 */
export const ECS_LIST_ACTIONS = ['ecs:ListClusters', 'ecs:ListServices'];
/**
 * Amazon ECS's revert, granted only with auto-revert `on`: UpdateService (service), with the
 * Service Connect configuration of the last compliant copy and nothing else. The reference lists
 * `ecs:enable-service-connect` for UpdateService ("Filters access by the enable field value in the
 * Service Connect configuration", a String `"true"` or `"false"`: "How Amazon Elastic Container
 * Service works with IAM",
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security_iam_service-with-iam.html):
 * the statement allows UpdateService only when the request turns Service Connect on, so these
 * credentials can neither turn it off nor send an UpdateService without a Service Connect
 * configuration (an image deploy, a scale-in). Its other keys (`ecs:task-definition`,
 * `ecs:subnet`, `ecs:capacity-provider`, `ecs:enable-execute-command`, ...) name what a request
 * sets; the reference does not say a key is absent when the request leaves its field out, so a
 * `Null` condition on them could refuse every revert: not used. `ecs:namespace` names the Cloud
 * Map namespace of the configuration, which is the service's own and not known here.
 */
export const ECS_UPDATE_ACTIONS = ['ecs:UpdateService'];
/** The only `ecs:enable-service-connect` value a revert's UpdateService may carry. */
export const ECS_REVERT_ENABLE_SERVICE_CONNECT = 'true';
/**
 * The principal a Service Connect TLS role (`tls.roleArn`, the Amazon ECS infrastructure role,
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/infrastructure_IAM_role.html) is
 * passed to: UpdateService's `iam:PassRole` with `iam:PassedToService` `ecs.amazonaws.com` (the
 * reference's UpdateService row lists `ecs-tasks.amazonaws.com` and `ecs.amazonaws.com`; a revert
 * passes only the infrastructure role).
 */
export const ECS_TLS_ROLE_PASSED_TO = 'ecs.amazonaws.com';

/**
 * The services, in the order their rules and statements are created. Everything per service (the
 * EventBridge rules of every stack, the responder's and the member role's permissions) is derived
 * from this table: adding a service is adding an entry (and its events file in `crates/rules`).
 */
export const SERVICES: readonly ServiceDefinition[] = [
  {
    id: 'AppMesh',
    name: 'App Mesh',
    eventsFile: 'handled-events.json',
    origin: { source: 'aws.appmesh', eventSource: 'appmesh.amazonaws.com' },
    arnService: 'appmesh',
    metricService: 'appmesh',
    read: [
      // A virtual gateway's or node's ARN is `mesh/{mesh}/virtualGateway/{name}`: `mesh/*` covers it.
      { sid: 'ReadMeshResources', actions: APPMESH_READ_ACTIONS, resources: ['mesh/*'] },
      { sid: 'ListMeshes', actions: ['appmesh:ListMeshes'], anyResource: 'ListMeshes has no resource-level permissions; it only lists names' },
    ],
    // App Mesh's Update* take no condition key on what they write (only aws:ResourceTag,
    // aws:RequestTag and aws:TagKeys: "Actions, resources, and condition keys for AWS App Mesh",
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsappmesh.html).
    revert: [{ sid: 'RevertMeshResources', actions: APPMESH_UPDATE_ACTIONS, resources: ['mesh/*'] }],
  },
  {
    id: 'VpcLattice',
    name: 'VPC Lattice',
    eventsFile: 'handled-events.vpc-lattice.json',
    arnService: 'vpc-lattice',
    metricService: 'vpc-lattice',
    anyRegion:
      "four resource types in each listed region would take the role's inline policies past IAM's 10,240-character limit " +
      'at about ten regions (with auto-revert on and Security Hub); the resource types and the account stay scoped',
    read: [
      { sid: 'ReadLatticeResources', actions: LATTICE_READ_ACTIONS, resources: LATTICE_READ_RESOURCES },
      {
        sid: 'ListLatticeResources',
        actions: LATTICE_LIST_ACTIONS,
        anyResource: "VPC Lattice's List* and ListTagsForResource have no resource-level permissions; they only list",
      },
    ],
    revert: [
      {
        sid: 'RevertLatticeAuthType',
        actions: LATTICE_AUTH_TYPE_ACTIONS,
        resources: LATTICE_AUTH_TYPE_RESOURCES,
        conditions: { StringEquals: { 'vpc-lattice:AuthType': LATTICE_REVERT_AUTH_TYPE } },
      },
      { sid: 'RevertLatticeResources', actions: LATTICE_OTHER_UPDATE_ACTIONS, resources: LATTICE_UPDATE_RESOURCES },
      {
        sid: 'CreateLatticeLogDeliveries',
        actions: LATTICE_LOG_DELIVERY_ACTIONS,
        anyResource: 'CloudWatch Logs log delivery actions (needed by CreateAccessLogSubscription) have no resource-level permissions',
      },
    ],
  },
  {
    id: 'Ecs',
    name: 'Amazon ECS Service Connect',
    eventsFile: 'handled-events.ecs.json',
    arnService: 'ecs',
    metricService: 'ecs',
    anyRegion:
      "service/* in each listed region, for the reads and the revert, would take the role's inline policies past IAM's 10,240-character " +
      'limit at 17 regions with every option (beside VPC Lattice); the resource type and the account stay scoped',
    // Every image deploy is an UpdateService; one without serviceConnectConfiguration keeps the
    // configuration, so it must not invoke the function. EventBridge's `exists` matches leaf
    // fields only ("Comparison operators for use in event patterns in Amazon EventBridge",
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html):
    // `enabled`, which the API requires in every ServiceConnectConfiguration
    // (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectConfiguration.html).
    volumeFilters: {
      UpdateService: { requestParameters: { serviceConnectConfiguration: { enabled: [{ exists: true }] } } },
    },
    read: [
      { sid: 'ReadEcsServices', actions: ECS_READ_ACTIONS, resources: ['service/*'] },
      { sid: 'ListEcsResources', actions: ECS_LIST_ACTIONS, anyResource: 'ListClusters and ListServices have no resource-level permissions; they only list' },
    ],
    revert: [
      {
        sid: 'RevertEcsServiceConnect',
        actions: ECS_UPDATE_ACTIONS,
        resources: ['service/*'],
        conditions: { StringEquals: { 'ecs:enable-service-connect': ECS_REVERT_ENABLE_SERVICE_CONNECT } },
      },
    ],
    passesRole: { sid: 'PassEcsServiceConnectTlsRoles', passedToService: ECS_TLS_ROLE_PASSED_TO },
  },
];

/** The services' names for descriptions: "App Mesh, VPC Lattice and Amazon ECS Service Connect". */
export function serviceNames(): string {
  const names = SERVICES.map((s) => s.name);
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export type Permissions = 'read' | 'revert';

/** The regions of a service's resource ARNs: `regions`, or `*` where the service says why. */
function regionsOf(service: ServiceDefinition, regions: string[]): string[] {
  return service.anyRegion === undefined ? regions : ['*'];
}

/**
 * Every service's `read` or `revert` statements, their resources in each of `regions` (`*`: any
 * region; and any region for a service with `anyRegion`) of this account.
 */
export function serviceStatements(permissions: Permissions, regions: string[]): iam.PolicyStatement[] {
  return SERVICES.flatMap((service) =>
    service[permissions].map(
      (t) =>
        new iam.PolicyStatement({
          sid: t.sid,
          actions: t.actions,
          conditions: 'conditions' in t ? t.conditions : undefined,
          resources:
            'resources' in t
              ? regionsOf(service, regions).flatMap((r) =>
                  t.resources.map((p) => `arn:${Aws.PARTITION}:${service.arnService}:${r}:${Aws.ACCOUNT_ID}:${p}`),
                )
              : ['*'],
        }),
    ),
  );
}

/**
 * The `iam:PassRole` statements of the services whose revert passes a role (`passesRole`: Amazon
 * ECS's Service Connect TLS role), on exactly `roleArns` (the `ecsServiceConnectTlsRoleArns`
 * setting, or the member template's parameter) and to the service's principal only
 * (`iam:PassedToService`, "Granting a user permissions to pass a role to an AWS service",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html). None for an empty
 * list: the caller decides (the member template, whose list is a parameter, with a condition).
 */
export function passRoleStatements(roleArns: string[]): iam.PolicyStatement[] {
  if (roleArns.length === 0) return [];
  return SERVICES.flatMap((service) =>
    service.passesRole
      ? [
          new iam.PolicyStatement({
            sid: service.passesRole.sid,
            actions: ['iam:PassRole'],
            resources: roleArns,
            conditions: { StringEquals: { 'iam:PassedToService': service.passesRole.passedToService } },
          }),
        ]
      : [],
  );
}

/**
 * Acknowledge on `scope` the cdk-nag wildcard findings (AwsSolutions-IAM5) of the statements
 * `serviceStatements(p, regions)` for each `p` of `permissions`: `*` with the reasons its actions
 * have no resource-level permissions, each `.../type/*` because `who` evaluates whichever resource
 * an event names.
 */
export function acknowledgeServiceStatements(scope: IConstruct, permissions: Permissions[], regions: string[], who: string) {
  const templates = (service: ServiceDefinition) => permissions.flatMap((p) => service[p]);
  const anyResource = SERVICES.flatMap((s) => templates(s).flatMap((t) => ('anyResource' in t ? [t.anyResource] : [])));
  if (anyResource.length > 0) acknowledge(scope, 'AwsSolutions-IAM5', ['Resource::*'], anyResource.join('; '));
  for (const service of SERVICES) {
    const paths = [...new Set(templates(service).flatMap((t) => ('resources' in t ? t.resources : [])))];
    if (paths.length === 0) continue;
    const where = regionsOf(service, regions);
    acknowledge(
      scope,
      'AwsSolutions-IAM5',
      where.flatMap((r) => paths.map((p) => `Resource::arn:<AWS::Partition>:${service.arnService}:${r}:<AWS::AccountId>:${p}`)),
      `${who} evaluates whichever ${service.name} resource an event names: every one of these types of this account ` +
        (where.includes('*') ? `in any region${service.anyRegion ? ` (${service.anyRegion})` : ''}` : 'in the listed regions') +
        ', nothing else',
    );
  }
}
