import { UnpricedError, type Pricer } from '../pricing.js';
import { DAYS_PER_MONTH } from '../prices.js';
import { parseSchedule, runsPerMonth } from '../schedule.js';
import { numberAt, prop, stringAt, type EnvironmentModel, type Resource } from '../template.js';
import type { TrafficProfile } from '../traffic/index.js';

/** Secrets Manager calls a rotation function once per step: createSecret, setSecret, testSecret, finishSecret. */
const ROTATION_STEPS = 4;
/** A rotation step opens a TLS connection to the database and runs a few statements. */
const ROTATION_STEP_SECONDS = 3;
/** A warm authorizer run checks one certificate against the list it cached (an S3 read once per list TTL). */
const AUTHORIZER_SECONDS = 0.05;

/** Resources that refer to a function without invoking it (an alarm names it in a metric dimension). */
const NOT_INVOKERS = /^AWS::(IAM|Logs|CloudWatch)::|^AWS::Lambda::Permission$|^AWS::EC2::SecurityGroup/;

export interface Invocations {
  readonly perMonth: number;
  /** Average duration of one invocation. */
  readonly seconds: number;
  readonly note: string;
}

/** How often a function runs, from what invokes it in the templates; an invoker the model does not know throws. */
export function lambdaInvocations(env: EnvironmentModel, fn: Resource, profile: TrafficProfile): Invocations {
  const invokers = env
    .referrers(fn)
    .filter((r) => !NOT_INVOKERS.test(r.type) && env.pointsAt(r, r.properties, fn));
  let perMonth = 0;
  let seconds = 0;
  const notes: string[] = [];
  for (const invoker of invokers) {
    if (invoker.type === 'AWS::SecretsManager::RotationSchedule') {
      const expression = stringAt(invoker.properties, 'RotationRules.ScheduleExpression');
      const afterDays = numberAt(invoker.properties, 'RotationRules.AutomaticallyAfterDays');
      const rotations =
        expression !== undefined
          ? runsPerMonth(parseSchedule(expression))
          : afterDays
            ? DAYS_PER_MONTH / afterDays
            : 0;
      perMonth += rotations * ROTATION_STEPS;
      seconds += rotations * ROTATION_STEPS * ROTATION_STEP_SECONDS;
      notes.push(`${rotations.toFixed(2)} rotations × ${ROTATION_STEPS} steps`);
    } else if (invoker.type === 'AWS::ApiGateway::Authorizer') {
      // Without a result cache every request runs it; with one, the count is an upper bound.
      const requests = profile.volumes.partnerApi.requestsPerMonth;
      const cached = (numberAt(invoker.properties, 'AuthorizerResultTtlInSeconds') ?? 300) > 0;
      perMonth += requests;
      seconds += requests * AUTHORIZER_SECONDS;
      notes.push(
        `API Gateway authorizer: every partner API request${cached ? ' (upper bound: results are cached)' : ''}`,
      );
    } else if (
      invoker.type.startsWith('Custom::') ||
      invoker.type === 'AWS::CloudFormation::CustomResource'
    ) {
      notes.push(`${invoker.logicalId} runs it during deployments only`);
    } else {
      throw new UnpricedError(
        `invoked by ${invoker.type} ${invoker.logicalId}: its invocation volume is not modelled`,
      );
    }
  }
  return {
    perMonth,
    seconds: perMonth > 0 ? seconds / perMonth : 0,
    note: notes.length > 0 ? notes.join('; ') : 'nothing in the templates invokes it',
  };
}

export const lambdaFunction: Pricer = ({ resource, env, profile }) => {
  const invocations = lambdaInvocations(env, resource, profile);
  const memoryGb = (numberAt(resource.properties, 'MemorySize') ?? 128) / 1024;
  const architecture = JSON.stringify(prop(resource.properties, 'Architectures') ?? []).includes('arm64')
    ? 'arm64'
    : 'x86';
  return [
    {
      label: 'requests',
      item: 'lambda.requests1M',
      quantity: invocations.perMonth / 1_000_000,
      note: invocations.note,
    },
    {
      label: `${architecture} compute`,
      item: `lambda.${architecture}.gbSecond`,
      quantity: invocations.perMonth * invocations.seconds * memoryGb,
      note:
        invocations.perMonth > 0
          ? `${memoryGb * 1024} MB × ~${invocations.seconds} s per invocation`
          : 'no invocations a month',
    },
  ];
};
