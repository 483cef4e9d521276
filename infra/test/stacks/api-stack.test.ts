import { Match, type Template } from 'aws-cdk-lib/assertions';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveRepositoryPath } from '../../config/api.js';
import {
  ACCESS_LOG_FORMAT,
  CERTIFICATE_MERCHANT_HEADER,
  PARTNER_API_STAGE,
} from '../../lib/constructs/api/partner-api.js';
import { REVOCATION_LIST_KEY } from '../../lib/constructs/api/partner-pki-bucket.js';
import {
  ALB_DOMAIN,
  PARTNER_DOMAIN,
  TEST_REVOCATION_LIST,
  TEST_TRUSTSTORE,
  WITH_PARTNER_API,
} from '../support/api.js';
import { type DeepPartial, type SynthesizedEnvironment, synthEnvironment } from '../support/synth.js';
import { WafModel } from '../support/waf.js';
import type { EnvironmentConfig } from '../../config/index.js';
import { deepMerge } from '../../config/overrides.js';

// Property tests skip the cdk-nag packs for speed; test/compliance/compliance-gate.test.ts runs them.
const NO_GATE = { complianceGate: false } as const;
const IMPORTED = 'arn:aws:acm:us-east-1:111111111111:certificate/1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b';
const OWNERSHIP = 'arn:aws:acm:us-east-1:111111111111:certificate/2c3d4e5f-6071-4829-9a0b-1c2d3e4f5a6b';

type Json = Record<string, unknown>;

/** The header the payment service checks (read from its source: importing it would pull in the service). */
function serviceMerchantHeader(): string | undefined {
  const source = readFileSync(
    resolveRepositoryPath('services/payment-api/src/http/client-certificates.ts'),
    'utf8',
  );
  return /export const CERTIFICATE_MERCHANT_HEADER = '([^']+)'/.exec(source)?.[1];
}

function withApi(extra: DeepPartial<EnvironmentConfig> = {}): DeepPartial<EnvironmentConfig> {
  return deepMerge<DeepPartial<EnvironmentConfig>>(WITH_PARTNER_API, extra);
}

function only(t: Template, type: string): { id: string; props: Json; resource: Json } {
  const found = Object.entries(t.findResources(type));
  expect(found, type).toHaveLength(1);
  const [id, resource] = found[0]!;
  return { id, props: resource.Properties as Json, resource };
}

describe('ApiStack (prod, partner API enabled with the infra test CA)', () => {
  let env: SynthesizedEnvironment;
  let t: Template;
  beforeAll(() => {
    env = synthEnvironment('prod', withApi(), NO_GATE);
    t = env.template(env.stacks.api!);
  });

  it('serves a REGIONAL custom domain with mutual TLS on the truststore object and version it published', () => {
    const domain = only(t, 'AWS::ApiGateway::DomainName').props;
    expect(domain).toMatchObject({
      DomainName: PARTNER_DOMAIN,
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
    });
    // Enhanced policies (and with them the endpoint access mode) are refused with mutual TLS (ADR 0046).
    expect(domain.EndpointAccessMode).toBeUndefined();
    const mtls = domain.MutualTlsAuthentication as { TruststoreUri: unknown; TruststoreVersion: unknown };
    const pkiBucket = Object.keys(t.findResources('AWS::S3::Bucket')).find((id) =>
      id.startsWith('PkiBucket'),
    )!;
    expect(mtls.TruststoreUri).toEqual({
      'Fn::Join': [
        '',
        ['s3://', { Ref: pkiBucket }, expect.stringMatching('^/truststore/truststore-[0-9a-f]{16}\\.pem$')],
      ],
    });
    const version = only(t, 'Custom::AWS');
    expect(mtls.TruststoreVersion).toEqual({ 'Fn::GetAtt': [version.id, 'VersionId'] });
    // The version is read with HeadObject on that very key, after the upload.
    const key = ((mtls.TruststoreUri as { 'Fn::Join': [string, string[]] })['Fn::Join'][1][2] ?? '').slice(1);
    expect(JSON.stringify(version.props.Create)).toContain(`\\"action\\":\\"headObject\\"`);
    expect(JSON.stringify(version.props.Create)).toContain(`\\"Key\\":\\"${key}\\"`);
    const upload = Object.entries(t.findResources('Custom::CDKBucketDeployment')).find(([id]) =>
      id.startsWith('PkiTruststore'),
    )!;
    expect(version.resource.DependsOn).toContain(upload[0]);
    expect(upload[1].Properties).toMatchObject({ Prune: false, RetainOnDelete: true });
  });

  it('uploads exactly the configured truststore and the revocation list at the key the authorizer reads', () => {
    // Each published object is a directory asset holding the file at its bucket key.
    const assetFiles = readdirSync(env.app.outdir, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.startsWith('asset.'),
    );
    const truststores = assetFiles.filter((f) =>
      /^asset\.[0-9a-f]+\/truststore\/truststore-[0-9a-f]{16}\.pem$/.test(f),
    );
    expect(truststores).toHaveLength(1);
    expect(readFileSync(join(env.app.outdir, truststores[0]!), 'utf8')).toBe(
      readFileSync(resolveRepositoryPath(TEST_TRUSTSTORE), 'utf8'),
    );
    const lists = assetFiles.filter((f) => f.endsWith(`/${REVOCATION_LIST_KEY}`));
    expect(lists).toHaveLength(1);
    expect(readFileSync(join(env.app.outdir, lists[0]!), 'utf8')).toBe(
      readFileSync(resolveRepositoryPath(TEST_REVOCATION_LIST), 'utf8'),
    );
  });

  it('keeps the PKI objects in a versioned, KMS-encrypted, TLS-only bucket with access logs', () => {
    const bucket = Object.entries(t.findResources('AWS::S3::Bucket')).find(([id]) =>
      id.startsWith('PkiBucket'),
    )!;
    expect(bucket[1].Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          expect.objectContaining({
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: expect.anything() },
          }),
        ],
      },
      PublicAccessBlockConfiguration: expect.objectContaining({
        BlockPublicAcls: true,
        RestrictPublicBuckets: true,
      }),
      LoggingConfiguration: { DestinationBucketName: expect.anything(), LogFilePrefix: 'pki/' },
    });
    expect(bucket[1].DeletionPolicy).toBe('Retain');
    const policy = JSON.stringify(
      Object.values(t.findResources('AWS::S3::BucketPolicy')).find((p) =>
        JSON.stringify(p.Properties.Bucket).includes(bucket[0]),
      ),
    );
    expect(policy).toContain('"aws:SecureTransport":"false"');
    expect(policy).toContain('"s3:TlsVersion":1.2');
  });

  it('disables the execute-api endpoint and logs execution at INFO without data trace, with X-Ray and metrics', () => {
    expect(only(t, 'AWS::ApiGateway::RestApi').props).toMatchObject({
      DisableExecuteApiEndpoint: true,
      EndpointConfiguration: { Types: ['REGIONAL'] },
      Name: 'tessera-prod-partner-api',
    });
    const stage = only(t, 'AWS::ApiGateway::Stage').props;
    expect(stage).toMatchObject({ StageName: PARTNER_API_STAGE, TracingEnabled: true });
    expect(stage.MethodSettings).toEqual([
      expect.objectContaining({
        ResourcePath: '/*',
        HttpMethod: '*',
        LoggingLevel: 'INFO',
        MetricsEnabled: true,
      }),
    ]);
  });

  it('never enables data trace on any stage or method of any stack (it would log card numbers)', () => {
    for (const stack of env.app.synth().stacks) {
      for (const r of Object.values((stack.template as { Resources: Record<string, Json> }).Resources)) {
        const props = (r.Properties ?? {}) as Json;
        for (const setting of (props.MethodSettings as Json[] | undefined) ?? []) {
          expect(setting.DataTraceEnabled ?? false, stack.stackName).toBe(false);
        }
        expect(JSON.stringify(props)).not.toMatch(/"DataTraceEnabled":true/);
      }
    }
  });

  it('throttles the stage with the configured rate and burst', () => {
    expect(only(t, 'AWS::ApiGateway::Stage').props.MethodSettings).toEqual([
      expect.objectContaining({ ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 }),
    ]);
  });

  it('writes one JSON access-log object with the request, TLS and client-certificate fields', () => {
    const setting = only(t, 'AWS::ApiGateway::Stage').props.AccessLogSetting as {
      Format: string;
      DestinationArn: unknown;
    };
    const format = JSON.parse(setting.Format) as Record<string, string>;
    expect(format).toEqual(ACCESS_LOG_FORMAT);
    for (const variable of [
      '$context.requestId',
      '$context.identity.sourceIp',
      '$context.tlsVersion',
      '$context.identity.clientCert.serialNumber',
      '$context.identity.clientCert.subjectDN',
      '$context.identity.clientCert.issuerDN',
      '$context.identity.clientCert.validity.notBefore',
      '$context.identity.clientCert.validity.notAfter',
      '$context.status',
      '$context.responseLatency',
    ]) {
      expect(Object.values(format)).toContain(variable);
    }
    const accessLogs = Object.keys(t.findResources('AWS::Logs::LogGroup')).find((id) =>
      id.startsWith('PartnerApiAccessLogs'),
    );
    expect(setting.DestinationArn).toEqual({ 'Fn::GetAtt': [accessLogs, 'Arn'] });
  });

  it('encrypts every log group with the logs key and keeps it seven years', () => {
    const groups = Object.entries(t.findResources('AWS::Logs::LogGroup'));
    expect(groups.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'AuthorizerLogGroup',
      'PartnerApiAccessLogs',
      'PartnerApiExecutionLogs',
      'PkiTruststoreVersionLog',
      'WebAclLogs',
    ]);
    for (const [id, group] of groups) {
      expect(group.Properties, id).toMatchObject({
        RetentionInDays: 2557,
        KmsKeyId: { 'Fn::ImportValue': expect.stringMatching('Security:.*KeysLogs') },
      });
      expect(group.DeletionPolicy, id).toBe('Retain');
    }
  });

  it('creates the execution log group API Gateway writes to before the stage, and the account role once', () => {
    const execution = Object.entries(t.findResources('AWS::Logs::LogGroup')).find(([id]) =>
      id.startsWith('PartnerApiExecutionLogs'),
    )!;
    const api = only(t, 'AWS::ApiGateway::RestApi');
    expect(execution[1].Properties.LogGroupName).toEqual({
      'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: api.id }, `/${PARTNER_API_STAGE}`]],
    });
    const account = only(t, 'AWS::ApiGateway::Account');
    expect(only(t, 'AWS::ApiGateway::Stage').resource.DependsOn).toEqual(
      expect.arrayContaining([execution[0], account.id]),
    );
    const role = t.findResources('AWS::IAM::Role', {
      Properties: {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })],
        },
      },
    });
    expect(account.props.CloudWatchRoleArn).toEqual({ 'Fn::GetAtt': [Object.keys(role)[0], 'Arn'] });
  });

  it('associates a REGIONAL web ACL with the stage, logging to an encrypted aws-waf-logs- group', () => {
    const acl = only(t, 'AWS::WAFv2::WebACL');
    expect(acl.props.Scope).toBe('REGIONAL');
    const api = only(t, 'AWS::ApiGateway::RestApi').id;
    const stage = only(t, 'AWS::ApiGateway::Stage').id;
    expect(only(t, 'AWS::WAFv2::WebACLAssociation').props).toEqual({
      WebACLArn: { 'Fn::GetAtt': [acl.id, 'Arn'] },
      ResourceArn: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':apigateway:us-east-1::/restapis/',
            { Ref: api },
            '/stages/',
            { Ref: stage },
          ],
        ],
      },
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.stringLikeRegexp('^aws-waf-logs-tessera-prod-partner-api-'),
    });
    expect(JSON.stringify(acl.props.Rules)).toContain('"Limit":2000');
  });

  it('runs every method through the REQUEST authorizer, asked on every request (no result cache)', () => {
    const authorizer = only(t, 'AWS::ApiGateway::Authorizer');
    expect(authorizer.props).toMatchObject({
      Type: 'REQUEST',
      AuthorizerResultTtlInSeconds: 0,
      IdentitySource: 'method.request.header.Authorization',
    });
    const method = only(t, 'AWS::ApiGateway::Method').props;
    expect(method).toMatchObject({
      HttpMethod: 'ANY',
      AuthorizationType: 'CUSTOM',
      AuthorizerId: { Ref: authorizer.id },
    });
  });

  it('lets only this API invoke the authorizer (Lambda permission scoped to its authorizer ARN)', () => {
    const api = only(t, 'AWS::ApiGateway::RestApi').id;
    const authorizer = only(t, 'AWS::ApiGateway::Authorizer').id;
    expect(only(t, 'AWS::Lambda::Permission').props).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      SourceArn: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':execute-api:us-east-1:111111111111:',
            { Ref: api },
            '/authorizers/',
            { Ref: authorizer },
          ],
        ],
      },
    });
  });

  it('bundles the authorizer for nodejs22.x on arm64 in the app tier, reading only the revocation list', () => {
    const fn = Object.values(t.findResources('AWS::Lambda::Function')).find((f) =>
      String(f.Properties.Description).startsWith('Partner API REQUEST authorizer'),
    )!.Properties as Json;
    expect(fn).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      ReservedConcurrentExecutions: 50,
      Environment: {
        Variables: {
          REVOCATION_LIST_BUCKET: { Ref: expect.stringMatching('^PkiBucket') },
          REVOCATION_LIST_KEY: REVOCATION_LIST_KEY,
          REVOCATION_LIST_TTL_SECONDS: '60',
        },
      },
    });
    expect(JSON.stringify((fn.VpcConfig as Json).SubnetIds)).toMatch(/appSubnet1.*appSubnet2.*appSubnet3/);
    const group = Object.values(t.findResources('AWS::EC2::SecurityGroup')).find((g) =>
      String(g.Properties.GroupDescription).startsWith('Client certificate authorizer'),
    )!;
    expect(group.Properties.SecurityGroupEgress ?? []).toEqual([]);
    const egress = Object.values(t.findResources('AWS::EC2::SecurityGroupEgress')).map(
      (e) => e.Properties as Json,
    );
    expect(egress).toEqual([
      expect.objectContaining({ DestinationPrefixListId: 'pl-63a5400a', FromPort: 443, ToPort: 443 }),
    ]);
    const statements = Object.values(t.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes('AuthorizerFunctionServiceRole'))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Json[] }).Statement);
    expect(statements).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Resource: {
          'Fn::Join': [
            '',
            [{ 'Fn::GetAtt': [expect.stringMatching('^PkiBucket'), 'Arn'] }, `/${REVOCATION_LIST_KEY}`],
          ],
        },
      }),
      expect.objectContaining({
        Action: 'kms:Decrypt',
        Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
      }),
    ]);
  });

  it('proxies to the load balancer through the VPC link (V2), mapping the merchant into the trusted header', () => {
    const link = only(t, 'AWS::ApiGatewayV2::VpcLink');
    expect(JSON.stringify(link.props.SubnetIds)).toMatch(/appSubnet1.*appSubnet2.*appSubnet3/);
    const integration = only(t, 'AWS::ApiGateway::Method').props.Integration as Json;
    expect(integration).toMatchObject({
      Type: 'HTTP_PROXY',
      ConnectionType: 'VPC_LINK',
      ConnectionId: { Ref: link.id },
      IntegrationTarget: { 'Fn::ImportValue': expect.stringMatching('^Tessera-prod-App:.*LoadBalancer') },
      Uri: `https://${ALB_DOMAIN}/{proxy}`,
      IntegrationHttpMethod: 'ANY',
      RequestParameters: {
        'integration.request.path.proxy': 'method.request.path.proxy',
        [`integration.request.header.${CERTIFICATE_MERCHANT_HEADER}`]: 'context.authorizer.merchantId',
      },
    });
    // The service reads the header API Gateway sets (HTTP header names are case-insensitive).
    expect(CERTIFICATE_MERCHANT_HEADER.toLowerCase()).toBe(serviceMerchantHeader());
    // The VPC link's interfaces may only send HTTPS to the load balancer's group.
    const group = Object.values(t.findResources('AWS::EC2::SecurityGroup')).find((g) =>
      String(g.Properties.GroupDescription).startsWith('Partner API VPC link'),
    )!;
    expect(group.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({
        FromPort: 443,
        ToPort: 443,
        DestinationSecurityGroupId: {
          'Fn::ImportValue': expect.stringMatching('LoadBalancerSecurityGroup'),
        },
      }),
    ]);
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
  });

  it('redeploys the stage when the integration target changes (overrides are in the deployment fingerprint)', () => {
    const other = synthEnvironment(
      'prod',
      withApi({ app: { tls: { domainName: 'payments.pay.example.com' } } }),
      NO_GATE,
    );
    const deploymentId = (x: SynthesizedEnvironment) =>
      Object.keys(x.template(x.stacks.api!).findResources('AWS::ApiGateway::Deployment'))[0];
    expect(deploymentId(other)).not.toBe(deploymentId(env));
  });

  it('answers its own refusals in Stripe’s error envelope', () => {
    const responses = Object.values(t.findResources('AWS::ApiGateway::GatewayResponse')).map(
      (r) => r.Properties as Json,
    );
    expect(responses.map((r) => r.ResponseType).sort()).toEqual(['DEFAULT_4XX', 'DEFAULT_5XX']);
    for (const r of responses) {
      const template = (r.ResponseTemplates as Record<string, string>)['application/json']!;
      const rendered = template.replace('$context.error.messageString', '"Forbidden"');
      expect(JSON.parse(rendered)).toEqual({ error: { type: expect.any(String), message: 'Forbidden' } });
    }
  });

  it('maps the domain root to the stage and points the name at it in Route 53', () => {
    const api = only(t, 'AWS::ApiGateway::RestApi').id;
    const stage = only(t, 'AWS::ApiGateway::Stage').id;
    const domain = only(t, 'AWS::ApiGateway::DomainName').id;
    const mapping = only(t, 'AWS::ApiGateway::BasePathMapping').props;
    expect(mapping).toEqual({ DomainName: { Ref: domain }, RestApiId: { Ref: api }, Stage: { Ref: stage } });
    expect(only(t, 'AWS::Route53::RecordSet').props).toMatchObject({
      Name: `${PARTNER_DOMAIN}.`,
      Type: 'A',
      HostedZoneId: 'Z0123456789ABC',
      AliasTarget: { DNSName: { 'Fn::GetAtt': [domain, 'RegionalDomainName'] } },
    });
    t.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: PARTNER_DOMAIN,
      ValidationMethod: 'DNS',
    });
  });

  it('outputs the domain, the base URL and where revocations are published', () => {
    const outputs = t.findOutputs('*');
    expect(outputs.PartnerApiDomainName?.Value).toBe(PARTNER_DOMAIN);
    expect(outputs.PartnerApiUrl?.Value).toBe(`https://${PARTNER_DOMAIN}`);
    expect(JSON.stringify(outputs.RevocationListUri?.Value)).toContain(`/${REVOCATION_LIST_KEY}`);
    expect(outputs.PartnerApiRegionalDomainName).toBeDefined();
  });

  it('blocks the merchant header at the load balancer except from the VPC link subnets, and strips a forwarded stage', () => {
    const app = env.template(env.stacks.app);
    const rules = (Object.values(app.findResources('AWS::WAFv2::WebACL'))[0]!.Properties as { Rules: Json[] })
      .Rules;
    const waf = new WafModel(app);
    const headers = { [CERTIFICATE_MERCHANT_HEADER]: 'acct_1PZ3nQ0aBcDeFgHi' };
    expect(waf.firstMatch(rules, { sourceIp: '198.51.100.20', headers })).toBe('BlockReservedHeaders');
    expect(waf.firstMatch(rules, { sourceIp: '10.0.11.7', headers })).toBeUndefined();
    app.hasResourceProperties('AWS::WAFv2::IPSet', {
      Addresses: ['10.0.10.0/24', '10.0.11.0/24', '10.0.12.0/24'],
    });
    app.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: Match.arrayWith([
        { Field: 'path-pattern', PathPatternConfig: { Values: [`/${PARTNER_API_STAGE}/*`] } },
        { Field: 'source-ip', SourceIpConfig: { Values: ['10.0.10.0/24', '10.0.11.0/24', '10.0.12.0/24'] } },
      ]),
      Transforms: [
        {
          Type: 'url-rewrite',
          UrlRewriteConfig: { Rewrites: [{ Regex: `^/${PARTNER_API_STAGE}/(.*)$`, Replace: '/$1' }] },
        },
      ],
    });
  });
});

describe('ApiStack options', () => {
  it('is not built while api.enabled is false, and the load balancer then refuses the header from everyone', () => {
    const env = synthEnvironment('prod', {}, NO_GATE);
    expect(env.stacks.api).toBeUndefined();
    const app = env.template(env.stacks.app);
    const rules = (Object.values(app.findResources('AWS::WAFv2::WebACL'))[0]!.Properties as { Rules: Json[] })
      .Rules;
    const headers = { [CERTIFICATE_MERCHANT_HEADER]: 'acct_1PZ3nQ0aBcDeFgHi' };
    expect(new WafModel(app).firstMatch(rules, { sourceIp: '10.0.11.7', headers })).toBe(
      'BlockReservedHeaders',
    );
    app.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 0);
  });

  it.each([
    ['dev', 50, 100, 30],
    ['staging', 100, 200, 365],
  ] as const)('%s throttles at %i/s (burst %i) and keeps logs %i days', (envName, rate, burst, days) => {
    const env = synthEnvironment(envName, withApi(), NO_GATE);
    const t = env.template(env.stacks.api!);
    expect(only(t, 'AWS::ApiGateway::Stage').props.MethodSettings).toEqual([
      expect.objectContaining({
        ThrottlingRateLimit: rate,
        ThrottlingBurstLimit: burst,
        DataTraceEnabled: false,
      }),
    ]);
    for (const group of Object.values(t.findResources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.RetentionInDays).toBe(days);
      expect(group.DeletionPolicy).toBe('Delete');
    }
  });

  it('caches decisions keyed by the API key and the certificate serial when a result TTL is set', () => {
    const env = synthEnvironment(
      'staging',
      withApi({
        api: {
          authorizer: { resultsCacheTtlSeconds: 60, revocationListTtlSeconds: 30, reservedConcurrency: 10 },
        },
      }),
      NO_GATE,
    );
    const t = env.template(env.stacks.api!);
    expect(only(t, 'AWS::ApiGateway::Authorizer').props).toMatchObject({
      AuthorizerResultTtlInSeconds: 60,
      IdentitySource: 'method.request.header.Authorization,context.identity.clientCert.serialNumber',
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REVOCATION_LIST_TTL_SECONDS: '30' }) },
    });
  });

  it('uses an imported certificate with its ownership verification certificate, and an existing account role', () => {
    // No zone: the operator points the name at the regional domain name (an output) in their own DNS.
    const { hostedZone: _zone, ...withoutZone } = WITH_PARTNER_API.api;
    const env = synthEnvironment(
      'staging',
      {
        app: WITH_PARTNER_API.app,
        api: {
          ...withoutZone,
          certificateArn: IMPORTED,
          ownershipVerificationCertificateArn: OWNERSHIP,
          accountCloudWatchRole: 'existing',
        },
      },
      NO_GATE,
    );
    const t = env.template(env.stacks.api!);
    expect(only(t, 'AWS::ApiGateway::DomainName').props).toMatchObject({
      RegionalCertificateArn: IMPORTED,
      OwnershipVerificationCertificateArn: OWNERSHIP,
    });
    t.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    t.resourceCountIs('AWS::Route53::RecordSet', 0);
    t.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  it('publishes a changed truststore under a new key whose version is read again', () => {
    const keyOf = (x: SynthesizedEnvironment) =>
      JSON.stringify(
        only(x.template(x.stacks.api!), 'AWS::ApiGateway::DomainName').props.MutualTlsAuthentication,
      );
    const before = synthEnvironment('dev', withApi(), NO_GATE);
    const after = synthEnvironment(
      'dev',
      withApi({ api: { truststoreFile: 'infra/test/support/partner-ca/truststore-rotation.pem' } }),
      NO_GATE,
    );
    expect(keyOf(after)).not.toBe(keyOf(before));
  });
});

describe('one-way flow: the partner API changes no earlier stack but the App stack’s WAF and listener', () => {
  it('leaves the Network, Security, Data, DataDr and Edge templates byte-identical', () => {
    const templates = (overrides: DeepPartial<EnvironmentConfig>) =>
      Object.fromEntries(
        synthEnvironment('prod', overrides, NO_GATE)
          .app.synth()
          .stacks.map((s) => [s.stackName, readFileSync(s.templateFullPath, 'utf8')]),
      );
    // Both with the same load balancer name, so that only the partner API differs.
    const off = templates({ app: WITH_PARTNER_API.app });
    const on = templates(withApi());
    const differing = Object.keys(on).filter((stack) => on[stack] !== off[stack]);
    // The Monitoring stack reads what the Api stack hands over (its stage, authorizer and web ACL alarms).
    expect(differing.sort()).toEqual(['Tessera-prod-Api', 'Tessera-prod-App', 'Tessera-prod-Monitoring']);
    const app = (template: string | undefined) =>
      Object.values(
        (JSON.parse(template ?? '{}') as { Resources: Record<string, { Type: string }> }).Resources,
      )
        .map((r) => r.Type)
        .sort();
    // The App stack gains the IP set its WAF trusts and the stage-stripping listener rule, nothing else.
    const added = [...app(on['Tessera-prod-App'])];
    for (const type of app(off['Tessera-prod-App'])) added.splice(added.indexOf(type), 1);
    expect(added.sort()).toEqual(['AWS::ElasticLoadBalancingV2::ListenerRule', 'AWS::WAFv2::IPSet']);
  });
});
