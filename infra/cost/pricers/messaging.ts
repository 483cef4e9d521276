import { share, type Pricer } from '../pricing.js';
import { type EnvironmentModel, prop, type Resource } from '../template.js';

/** A queue that another queue's redrive policy dead-letters into: it only ever holds failed messages. */
function isDeadLetterQueue(resource: Resource, env: EnvironmentModel): boolean {
  return env
    .ofType('AWS::SQS::Queue')
    .some(
      (q) =>
        q !== resource && env.pointsAt(q, prop(q.properties, 'RedrivePolicy.deadLetterTargetArn'), resource),
    );
}

/**
 * Requests: the profile's SQS requests split evenly over the work queues; a dead-letter queue gets none (it holds
 * messages that failed every attempt, which the alarm on its depth keeps at about zero). Idle, the workers' long
 * polls (20 s) are ~131,000 empty receives a month per worker, cents, and not priced.
 */
export const queue: Pricer = ({ resource, env, profile }) => {
  const fifo = prop(resource.properties, 'FifoQueue') === true;
  const label = fifo ? 'FIFO requests' : 'requests';
  const item = fifo ? 'sqs.fifo1M' : 'sqs.standard1M';
  if (isDeadLetterQueue(resource, env)) {
    return [
      { label, item, quantity: 0, note: 'dead-letter queue: only messages that failed every attempt (~0)' },
    ];
  }
  const workQueues = env.ofType('AWS::SQS::Queue').filter((q) => !isDeadLetterQueue(q, env)).length;
  return [
    {
      label,
      item,
      quantity: share(profile.volumes.messaging.sqsRequestsPerMonth, workQueues) / 1_000_000,
      note: `the profile's SQS requests (send, receive, delete; 64 KiB chunks) split evenly over ${workQueues} work queue(s)`,
    },
  ];
};

export const hostedZone: Pricer = ({ env, profile }) => {
  const zones = env.ofType('AWS::Route53::HostedZone').length;
  return [
    { label: 'hosted zone', item: 'route53.hostedZoneMonth', quantity: 1, note: 'one zone' },
    {
      label: 'standard queries',
      item: 'route53.queries1M',
      quantity: share(profile.volumes.dns.queriesPerMonth, zones) / 1_000_000,
      note: `the profile's DNS queries split evenly over ${zones} zone(s); alias queries to AWS resources are free`,
    },
  ];
};
