import { Signer } from '@aws-sdk/rds-signer';

type SignerConfig = ConstructorParameters<typeof Signer>[0];

/** Gives the password for a login as `user`: an IAM auth token in AWS, a fixed password in tests. */
export interface AuthTokenProvider {
  token(user: string): Promise<string>;
}

export interface RdsIamTokenProviderProps {
  /** Endpoint the token is valid for (the RDS Proxy endpoint), exactly as the client connects to it. */
  readonly hostname: string;
  readonly port: number;
  readonly region: string;
  /** @default - the default credential provider chain (task role, instance role) */
  readonly credentials?: SignerConfig['credentials'];
}

/**
 * Signs an `rds-db:connect` token (valid 15 minutes, only for opening a connection) for every new
 * connection. Signing is local; the credentials come from the task or instance role.
 */
export class RdsIamTokenProvider implements AuthTokenProvider {
  constructor(private readonly props: RdsIamTokenProviderProps) {}

  token(user: string): Promise<string> {
    return new Signer({ ...this.props, username: user }).getAuthToken();
  }
}
