/**
 * How an account-level security service is provided. `create`: this stack creates it. `existing`: the
 * organization's delegated administrator already runs it in this account and region (a second GuardDuty
 * detector or Config recorder would fail to deploy), so this stack creates nothing for that service.
 */
export type ServiceMode = 'create' | 'existing';
