export { AcquirerError } from './acquirer.js';
export type {
  Acquirer,
  AcquirerErrorCode,
  AuthorizationRequest,
  AuthorizationResult,
  DeclineCode,
} from './acquirer.js';
export { SandboxAcquirer } from './sandbox-acquirer.js';
export type { SandboxAcquirerOptions } from './sandbox-acquirer.js';
export { SANDBOX_DECLINES } from './sandbox-cards.js';
