export { AcquirerError } from './acquirer.js';
export type {
  Acquirer,
  AcquirerErrorCode,
  AuthenticationDecision,
  AuthenticationRequest,
  AuthorizationRequest,
  AuthorizationResult,
  CaptureRequest,
  CvcCheck,
  DeclineCode,
  RefundRequest,
  VoidRequest,
} from './acquirer.js';
export { MeteredAcquirer } from './metered-acquirer.js';
export { SandboxAcquirer } from './sandbox-acquirer.js';
export type { SandboxAcquirerOptions, SandboxEffect } from './sandbox-acquirer.js';
export { SANDBOX_DECLINES } from './sandbox-cards.js';
