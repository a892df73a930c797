import { Match, Template } from 'aws-cdk-lib/assertions';
import { SECURITY_HUB_ACTIONS, SECURITY_HUB_TRIAGE_ACTIONS, TRAIL_NAME } from '../lib/responder-stack';
import { grantedActions, synthWith } from './helpers';

type Resource = { Type: string; Properties: Record<string, any> };

function variables(template: Template): Record<string, unknown> {
  return Object.values(template.findResources('AWS::Lambda::Function'))[0].Properties.Environment.Variables;
}

describe('Security Hub', () => {
  test('off by default: MESHWARDEN_SECURITY_HUB=off and no securityhub action', () => {
    const { template } = synthWith({});
    expect(variables(template).MESHWARDEN_SECURITY_HUB).toBe('off');
    expect(grantedActions(template).filter((a) => a.startsWith('securityhub:'))).toEqual([]);
  });

  test("securityHub: true sets it on and grants BatchImportFindings on this account's default product and BatchUpdateFindings on its hub in each listed region", () => {
    const { template } = synthWith({ securityHub: true, regions: ['us-east-1', 'eu-west-1'] });
    expect(variables(template).MESHWARDEN_SECURITY_HUB).toBe('on');
    const product = (region: string) => ({
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, `:securityhub:${region}:`, { Ref: 'AWS::AccountId' }, ':product/', { Ref: 'AWS::AccountId' }, '/default'],
      ],
    });
    const hub = (region: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:securityhub:${region}:`, { Ref: 'AWS::AccountId' }, ':hub/default']],
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'ImportFindings',
            Effect: 'Allow',
            Action: SECURITY_HUB_ACTIONS[0],
            Resource: [product('us-east-1'), product('eu-west-1')],
            Condition: { StringEquals: { 'securityhub:TargetAccount': { Ref: 'AWS::AccountId' } } },
          },
          {
            Sid: 'TriageFindings',
            Effect: 'Allow',
            Action: SECURITY_HUB_TRIAGE_ACTIONS[0],
            Resource: [hub('us-east-1'), hub('eu-west-1')],
          },
        ]),
      },
    });
    expect(grantedActions(template).filter((a) => a.startsWith('securityhub:')).sort()).toEqual([
      'securityhub:BatchImportFindings',
      'securityhub:BatchUpdateFindings',
    ]);
  });
});

describe('the forwarder role', () => {
  test('only EventBridge acting for this account may assume it, and it may only put events on the home bus', () => {
    const { forwarders } = synthWith({ regions: ['us-east-1', 'eu-west-1'] });
    const template = Template.fromStack(forwarders[0]);
    const roles = Object.entries(template.findResources('AWS::IAM::Role')) as [string, Resource][];
    expect(roles).toHaveLength(1);
    expect(roles[0][1].Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ RoleArn: { 'Fn::GetAtt': [roles[0][0], 'Arn'] } })],
    });
  });
});

/** The optional trail's bucket passes checkov's CKV_AWS_35 (trail KMS), CKV_AWS_21 (versioning) and CKV_AWS_18 (access logging). */
describe('the optional trail', () => {
  const { template, settings } = synthWith({ createTrail: true, trailRetentionDays: 400 });
  const buckets = template.findResources('AWS::S3::Bucket') as Record<string, Resource>;
  const trailBucketId = Object.keys(buckets).find((id) => id.startsWith('TrailBucket'))!;
  const logsBucketId = Object.keys(buckets).find((id) => id.startsWith('TrailAccessLogsBucket'))!;
  const keyId = Object.keys(template.findResources('AWS::KMS::Key')).find((id) => id.startsWith('TrailKey'))!;

  test('records write management events in every region, encrypted with its key (CKV_AWS_35)', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      TrailName: TRAIL_NAME,
      IsMultiRegionTrail: true,
      IsLogging: true,
      EnableLogFileValidation: true,
      KMSKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      S3BucketName: { Ref: trailBucketId },
      EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'WriteOnly' }],
    });
  });

  test('its bucket: KMS-encrypted with the key, versioned (CKV_AWS_21), access-logged (CKV_AWS_18), expiring, private, retained', () => {
    const expiry = {
      Rules: [
        Match.objectLike({
          Status: 'Enabled',
          ExpirationInDays: settings.trailRetentionDays,
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        }),
      ],
    };
    expect(buckets[trailBucketId]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } },
          ],
        },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: { DestinationBucketName: { Ref: logsBucketId }, LogFilePrefix: 'trail-bucket/' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      },
    });
    template.hasResourceProperties('AWS::S3::Bucket', { LoggingConfiguration: Match.anyValue(), LifecycleConfiguration: expiry });
    // The access-log bucket: S3-managed keys (the only encryption server access logging delivers to), versioned, expiring.
    expect(buckets[logsBucketId]).toMatchObject({
      DeletionPolicy: 'Retain',
      Metadata: { checkov: { skip: [{ id: 'CKV_AWS_18', comment: expect.stringMatching(/receives the trail bucket's access logs/) }] } },
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        VersioningConfiguration: { Status: 'Enabled' },
      },
    });
    expect(settings.trailRetentionDays).toBe(400);
  });

  test("its key rotates and lets CloudTrail use it only for this account's trail (aws:SourceAccount, aws:SourceArn)", () => {
    const key = template.findResources('AWS::KMS::Key')[keyId] as Resource;
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const cloudTrail = key.Properties.KeyPolicy.Statement.filter(
      (s: { Principal?: { Service?: string } }) => s.Principal?.Service === 'cloudtrail.amazonaws.com',
    );
    expect(cloudTrail.map((s: { Action: string }) => s.Action).sort()).toEqual(['kms:DescribeKey', 'kms:GenerateDataKey*']);
    for (const statement of cloudTrail) {
      expect(statement.Condition).toEqual({
        StringEquals: {
          'aws:SourceAccount': { Ref: 'AWS::AccountId' },
          'aws:SourceArn': {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudtrail:us-east-1:', { Ref: 'AWS::AccountId' }, `:trail/${TRAIL_NAME}`]],
          },
        },
      });
    }
  });
});
