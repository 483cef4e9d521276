import type { EnvironmentModel, Resource } from './template.js';
import type { TrafficProfile } from './traffic/index.js';

/** One billable dimension of a resource, e.g. a NAT gateway's hours or its processed GB. */
export interface Charge {
  /** What is charged, e.g. `NAT gateway hours`; unique within the resource. */
  readonly label: string;
  /** Price table item; undefined when the charge is included in another resource's line (the note says where). */
  readonly item?: string;
  /** Quantity in the price item's unit. */
  readonly quantity: number;
  /** How the quantity was derived, and what is assumed. */
  readonly note: string;
  /** Region of the price when it is not the stack's (a copy priced in the DR region). @default - the stack's */
  readonly region?: string;
}

export interface PricingContext {
  readonly resource: Resource;
  readonly env: EnvironmentModel;
  readonly profile: TrafficProfile;
}

/** Prices one resource type: returns the same charges for the idle and the traffic profile, only quantities differ. */
export type Pricer = (ctx: PricingContext) => readonly Charge[];

/** Thrown by a pricer when the resource's configuration is outside what the model prices. */
export class UnpricedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnpricedError';
  }
}

/** An even share of `total` over `count` items (0 when there are none). */
export function share(total: number, count: number): number {
  return count > 0 ? total / count : 0;
}
