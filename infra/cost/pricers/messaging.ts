import { share, type Pricer } from '../pricing.js';
import { prop } from '../template.js';

export const queue: Pricer = ({ resource, env, profile }) => {
  const queues = env.ofType('AWS::SQS::Queue').length;
  const fifo = prop(resource.properties, 'FifoQueue') === true;
  return [
    {
      label: fifo ? 'FIFO requests' : 'requests',
      item: fifo ? 'sqs.fifo1M' : 'sqs.standard1M',
      quantity: share(profile.volumes.messaging.sqsRequestsPerMonth, queues) / 1_000_000,
      note: `the profile's SQS requests (send, receive, delete; 64 KiB chunks) split evenly over ${queues} queue(s)`,
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
