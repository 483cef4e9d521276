import { Match, type Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ComputeMode } from '../../config/app.js';
import { describeFindings, type SynthesizedEnvironment, synthEnvironment } from '../support/synth.js';

// Property tests skip the cdk-nag packs for speed; the compliance tests below and compliance.test.ts run them.
const NO_GATE = { complianceGate: false } as const;

type Json = Record<string, unknown>;

function propsOf(t: Template, type: string): Json[] {
  return Object.values(t.findResources(type)).map((r) => r.Properties as Json);
}

function securityGroupByDescription(t: Template, prefix: string): { id: string; props: Json } {
  const match = Object.entries(t.findResources('AWS::EC2::SecurityGroup')).find(([, r]) =>
    String(r.Properties.GroupDescription).startsWith(prefix),
  );
  if (!match) throw new Error(`no security group described '${prefix}…'`);
  return { id: match[0], props: match[1].Properties as Json };
}

describe.each<ComputeMode>(['fargate', 'ec2'])('AppStack, compute %s (prod)', (compute) => {
  let env: SynthesizedEnvironment;
  let t: Template;
  beforeAll(() => {
    env = synthEnvironment('prod', { compute }, NO_GATE);
    t = env.template(env.stacks.app);
  });

  it('builds the image from services/payment-api for linux/arm64 and uses no public image', () => {
    const manifest = JSON.parse(
      readFileSync(join(env.app.outdir, `${env.stacks.app.artifactId}.assets.json`), 'utf8'),
    ) as { dockerImages: Record<string, { source: { dockerFile?: string; platform?: string } }> };
    const images = Object.values(manifest.dockerImages);
    expect(images).toEqual([
      expect.objectContaining({
        source: expect.objectContaining({
          dockerFile: 'services/payment-api/Dockerfile',
          platform: 'linux/arm64',
        }),
      }),
    ]);
    const template = JSON.stringify(t.toJSON());
    expect(template).toMatch(/container-assets/);
    expect(template).not.toMatch(/(docker\.io|public\.ecr\.aws|nginx|httpd|amazon\/amazon-ecs-sample)/);
  });

  it('serves HTTPS with the configured certificate and a TLS 1.2+ policy, and redirects HTTP permanently', () => {
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      Certificates: [
        { CertificateArn: Match.stringLikeRegexp(`^arn:aws:acm:us-east-1:${env.config.accounts.payment}:`) },
      ],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [
        Match.objectLike({ RedirectConfig: Match.objectLike({ Protocol: 'HTTPS', StatusCode: 'HTTP_301' }) }),
      ],
    });
    const lb = propsOf(t, 'AWS::ElasticLoadBalancingV2::LoadBalancer')[0];
    expect(lb?.LoadBalancerAttributes).toEqual(
      expect.arrayContaining([
        { Key: 'deletion_protection.enabled', Value: 'true' },
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      ]),
    );
  });

  it('protects the load balancer with the regional WAF and logs it to aws-waf-logs-… without credentials', () => {
    t.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'REGIONAL' });
    t.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { Ref: Match.stringLikeRegexp('^LoadBalancer') },
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.stringLikeRegexp('^aws-waf-logs-tessera-prod-alb-'),
      KmsKeyId: Match.anyValue(),
    });
    t.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: Match.arrayWith([{ SingleHeader: { Name: 'authorization' } }]),
    });
  });

  it('opens the load balancer on 443/80 only and the service on 8080 from the load balancer only', () => {
    const alb = securityGroupByDescription(t, 'Payment API load balancer');
    const ports = (alb.props.SecurityGroupIngress as { FromPort: number; CidrIp: string }[]).map((r) => [
      r.FromPort,
      r.CidrIp,
    ]);
    expect(ports.sort()).toEqual([
      [443, '0.0.0.0/0'],
      [80, '0.0.0.0/0'],
    ]);
    const service = securityGroupByDescription(
      t,
      `Payment API ${compute === 'fargate' ? 'tasks' : 'instances'}`,
    );
    const ingress = propsOf(t, 'AWS::EC2::SecurityGroupIngress').filter((r) =>
      JSON.stringify(r.GroupId).includes(service.id),
    );
    expect(ingress).toEqual([
      expect.objectContaining({
        FromPort: 8080,
        ToPort: 8080,
        SourceSecurityGroupId: { 'Fn::GetAtt': [alb.id, 'GroupId'] },
      }),
    ]);
    const egress = [
      ...(service.props.SecurityGroupEgress as Json[]),
      ...propsOf(t, 'AWS::EC2::SecurityGroupEgress').filter((r) =>
        JSON.stringify(r.GroupId).includes(service.id),
      ),
    ].map((r) => [r.FromPort, r.CidrIp ?? r.DestinationPrefixListId]);
    // HTTPS only: interface endpoints, the S3 gateway endpoint, and merchants' webhook endpoints through the NAT.
    expect(egress.sort()).toEqual([
      [443, '0.0.0.0/0'],
      [443, '10.0.0.0/16'],
      [443, 'pl-63a5400a'],
    ]);
    const albEgress = propsOf(t, 'AWS::EC2::SecurityGroupEgress').filter((r) =>
      JSON.stringify(r.GroupId).includes(alb.id),
    );
    // Only 8080, only to the compute tier's groups (its own and the attached data-client group).
    expect(albEgress.length).toBeGreaterThan(0);
    for (const rule of albEgress) {
      expect([rule.FromPort, rule.ToPort]).toEqual([8080, 8080]);
      expect(JSON.stringify(rule.DestinationSecurityGroupId)).toMatch(
        new RegExp(`${service.id}|ServiceSecurityGroup`),
      );
    }
  });

  it('attaches the data tier security group (the only path to the proxy on 5432) without adding rules to it', () => {
    const dataTemplate = env.template(env.stacks.data);
    const ruleIdsInData = Object.keys(dataTemplate.findResources('AWS::EC2::SecurityGroupIngress'));
    expect(ruleIdsInData.some((id) => id.includes('LoadBalancer'))).toBe(false);
    const attached = JSON.stringify(
      compute === 'fargate'
        ? propsOf(t, 'AWS::ECS::Service')[0]?.NetworkConfiguration
        : propsOf(t, 'AWS::EC2::LaunchTemplate')[0]?.LaunchTemplateData,
    );
    expect(attached).toMatch(/Fn::ImportValue.*ServiceSecurityGroup/);
  });

  it("logs in to the proxy with IAM tokens over verified TLS as the secret's current user, with no database password", () => {
    const runtimeEnv =
      compute === 'fargate'
        ? JSON.stringify(propsOf(t, 'AWS::ECS::TaskDefinition')[0]?.ContainerDefinitions)
        : JSON.stringify(propsOf(t, 'AWS::EC2::LaunchTemplate')[0]?.LaunchTemplateData);
    expect(runtimeEnv).not.toMatch(/PGPASSWORD|PGUSER/);
    const vars: Record<string, unknown> = {};
    if (compute === 'fargate') {
      const container = (propsOf(t, 'AWS::ECS::TaskDefinition')[0]?.ContainerDefinitions as Json[])[0];
      for (const e of container?.Environment as { Name: string; Value: unknown }[]) vars[e.Name] = e.Value;
      expect((container?.Secrets as { Name: string }[]).map((x) => x.Name).sort()).toEqual([
        'SERVICE_HMAC_KEY',
        'VAULT_FINGERPRINT_KEY',
      ]);
      expect(vars).toMatchObject({
        DATABASE_AUTH: 'iam',
        DATABASE_SSL: 'verify-full',
        DATABASE_OWNER_ROLE: 'payment_api',
        PGPORT: '5432',
        PGDATABASE: expect.any(String),
        TRUST_PROXY: env.config.network.vpcCidrs.payment,
      });
      expect(JSON.stringify(vars.PGHOST)).toMatch(/Fn::ImportValue.*Proxy.*Endpoint/i);
      expect(JSON.stringify(vars.DATABASE_SECRET_ARN)).toMatch(/Fn::ImportValue.*AppUser/);
    } else {
      for (const line of [
        "echo 'DATABASE_AUTH=iam'",
        "echo 'DATABASE_SSL=verify-full'",
        "echo 'DATABASE_OWNER_ROLE=payment_api'",
        "echo 'PGPORT=5432'",
        `echo 'TRUST_PROXY=${env.config.network.vpcCidrs.payment}'`,
        "echo 'DATABASE_SECRET_ARN=",
        "echo 'PGHOST=",
      ]) {
        expect(runtimeEnv).toContain(line);
      }
    }
    // The identity the code runs as reads the secret (for its username) and may connect as either user.
    const role = compute === 'fargate' ? /TaskRole/ : /InstanceRole/;
    const statements = propsOf(t, 'AWS::IAM::Policy')
      .filter((p) => role.test(JSON.stringify(p.Roles)))
      .flatMap((p) => (p.PolicyDocument as { Statement: Json[] }).Statement);
    const reads = statements.filter((st) =>
      JSON.stringify(st.Action).includes('secretsmanager:GetSecretValue'),
    );
    expect(JSON.stringify(reads)).toMatch(/Fn::ImportValue.*AppUser/);
    const connect = JSON.stringify(
      statements.filter((st) => JSON.stringify(st.Action).includes('rds-db:connect')),
    );
    expect(connect).toMatch(/dbuser:.*\/payment_api"/);
    expect(connect).toMatch(/dbuser:.*\/payment_api_clone"/);
  });

  it('retains the access logs in prod (no emptying on deletion)', () => {
    t.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    expect(Object.keys(t.findResources('Custom::S3AutoDeleteObjects'))).toEqual([]);
  });

  it('outputs the load balancer DNS name, the API URL and the service or group name', () => {
    const outputs = Object.keys(t.findOutputs('*'));
    expect(outputs).toEqual(expect.arrayContaining(['LoadBalancerDnsName', 'ApiUrl']));
    expect(outputs).toContain(compute === 'fargate' ? 'EcsServiceName' : 'AutoScalingGroupName');
  });
});

describe('AppStack scaling', () => {
  it('Fargate: prod tracks CPU 70% and requests per target, 2-6 tasks (3 desired), weekday floor 4 from 08:00 to 18:00', () => {
    const env = synthEnvironment('prod', { compute: 'fargate' }, NO_GATE);
    const t = env.template(env.stacks.app);
    t.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 3 });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 2,
      MaxCapacity: 6,
      ScheduledActions: [
        {
          ScheduledActionName: Match.anyValue(),
          Schedule: 'cron(0 8 ? * MON-FRI *)',
          Timezone: 'America/New_York',
          ScalableTargetAction: { MinCapacity: 4 },
        },
        {
          ScheduledActionName: Match.anyValue(),
          Schedule: 'cron(0 18 ? * MON-FRI *)',
          Timezone: 'America/New_York',
          ScalableTargetAction: { MinCapacity: 2 },
        },
      ],
    });
    const metrics = propsOf(t, 'AWS::ApplicationAutoScaling::ScalingPolicy').map((p) => {
      const c = p.TargetTrackingScalingPolicyConfiguration as Json;
      return [(c.PredefinedMetricSpecification as Json).PredefinedMetricType, c.TargetValue];
    });
    expect(metrics.sort()).toEqual([
      ['ALBRequestCountPerTarget', 1000],
      ['ECSServiceAverageCPUUtilization', 70],
    ]);
  });

  it('EC2: IMDSv2-only launch template on the pinned AMI, ASG with ELB health checks, same policies and schedule', () => {
    const env = synthEnvironment('prod', { compute: 'ec2' }, NO_GATE);
    const t = env.template(env.stacks.app);
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        ImageId: 'ami-00000000000000000',
        InstanceType: 't4g.medium',
        MetadataOptions: Match.objectLike({ HttpTokens: 'required' }),
        BlockDeviceMappings: [
          Match.objectLike({ Ebs: Match.objectLike({ Encrypted: true, KmsKeyId: Match.anyValue() }) }),
        ],
      }),
    });
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '2',
      MaxSize: '6',
      DesiredCapacity: '3',
      HealthCheckType: 'ELB',
      NotificationConfigurations: [Match.objectLike({ TopicARN: Match.anyValue() })],
    });
    expect(
      propsOf(t, 'AWS::AutoScaling::ScheduledAction')
        .map((a) => [a.Recurrence, a.MinSize, a.TimeZone])
        .sort(),
    ).toEqual([
      ['0 18 * * MON-FRI', 2, 'America/New_York'],
      ['0 8 * * MON-FRI', 4, 'America/New_York'],
    ]);
    expect(JSON.stringify(t.toJSON())).not.toMatch(/KeyName/);
  });
});

describe('one-way flow: the App stack changes no other stack', () => {
  it('synthesizes a byte-identical Network template (and Data, DataDr, Edge) for fargate and ec2', () => {
    const templates = (compute: ComputeMode) => {
      const { app } = synthEnvironment('prod', { compute }, NO_GATE);
      return Object.fromEntries(
        app.synth().stacks.map((s) => [s.stackName, readFileSync(s.templateFullPath, 'utf8')]),
      );
    };
    const fargate = templates('fargate');
    const ec2 = templates('ec2');
    expect(ec2['Tessera-prod-Network']).toBe(fargate['Tessera-prod-Network']);
    const differing = Object.keys(fargate).filter((stack) => fargate[stack] !== ec2[stack]);
    // The Monitoring stack watches what the App stack hands over: ECS alarms or Auto Scaling alarms.
    expect(differing.sort()).toEqual([
      'Tessera-prod-App',
      'Tessera-prod-Monitoring',
      'Tessera-prod-Security',
    ]);
    // The Security stack differs by what it adds itself, from the config, for EC2 Auto Scaling's service-linked
    // role: the role (created first), the keys waiting for it and their key-policy statements; nothing else.
    const isAutoScalingRole = (id: unknown) => String(id).startsWith('AutoScalingServiceLinkedRole');
    const withoutAutoScaling = (template: string) =>
      JSON.stringify(JSON.parse(template), (key, value: unknown) => {
        if (key === 'Statement' && Array.isArray(value))
          return value.filter((st: { Sid?: string }) => !st.Sid?.startsWith('AllowAutoScaling'));
        if (key === 'DependsOn' && Array.isArray(value)) {
          const rest = value.filter((id) => !isAutoScalingRole(id));
          return rest.length > 0 ? rest : undefined;
        }
        if (key === 'Resources' && value !== null && typeof value === 'object')
          return Object.fromEntries(Object.entries(value).filter(([id]) => !isAutoScalingRole(id)));
        return value;
      });
    expect(withoutAutoScaling(ec2['Tessera-prod-Security'] ?? '')).toBe(
      withoutAutoScaling(fargate['Tessera-prod-Security'] ?? ''),
    );
    // The EC2 instances install Docker from the Amazon Linux repositories, admitted by the Network stack's
    // S3 endpoint in every mode (network.awsOwnedBuckets).
    expect(fargate['Tessera-prod-Network']).toMatch(/al2023-repos-us-east-1-de612dc2\/\*/);
  });
});

describe('AppStack domain', () => {
  it('DNS-validates a certificate in the configured zone (no lookup) and aliases the API name to the load balancer', () => {
    const env = synthEnvironment(
      'dev',
      {
        app: {
          tls: {
            hostedZone: { id: 'Z0123456789ABC', name: 'pay.example.com' },
            domainName: 'api.pay.example.com',
          },
        },
      },
      NO_GATE,
    );
    const t = env.template(env.stacks.app);
    t.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'api.pay.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'api.pay.example.com', HostedZoneId: 'Z0123456789ABC' }],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Certificates: [{ CertificateArn: { Ref: Match.stringLikeRegexp('^ApiCertificate') } }],
    });
    t.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'api.pay.example.com.',
      Type: 'A',
      HostedZoneId: 'Z0123456789ABC',
      AliasTarget: Match.objectLike({ DNSName: Match.anyValue() }),
    });
    t.hasOutput('ApiUrl', { Value: 'https://api.pay.example.com' });
  });

  it('serves an imported certificate under its domain name: ApiUrl and the status page use it, no alias record', () => {
    const env = synthEnvironment(
      'dev',
      {
        app: {
          tls: {
            certificateArn:
              'arn:aws:acm:us-east-1:111111111111:certificate/1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b',
            domainName: 'api.pay.example.com',
          },
        },
      },
      NO_GATE,
    );
    const t = env.template(env.stacks.app);
    t.hasOutput('ApiUrl', { Value: 'https://api.pay.example.com' });
    expect(Object.keys(t.findResources('AWS::Route53::RecordSet'))).toEqual([]);
    expect(JSON.stringify(env.template(env.stacks.edge).toJSON())).toContain('https://api.pay.example.com');
  });
});

describe('compliance gate: EC2 compute mode', () => {
  it.each(['dev', 'staging', 'prod'] as const)(
    '%s with compute=ec2 has zero unacknowledged findings',
    (envName) => {
      const { report } = synthEnvironment(envName, { compute: 'ec2' });
      expect(report.findings, describeFindings(report.findings)).toEqual([]);
    },
  );
});
