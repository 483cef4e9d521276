/** Fields an authorizer log line may carry: certificate metadata and reasons, never the PEM or a header. */
export interface AuthorizerLogFields {
  readonly reason?: string;
  readonly serial?: string;
  readonly subject?: string;
  readonly merchantId?: string;
  readonly location?: string;
  readonly error?: string;
}

export type AuthorizerLog = (
  level: 'info' | 'warn' | 'error',
  message: string,
  fields?: AuthorizerLogFields,
) => void;

/** One JSON object per line (CloudWatch Logs parses it). */
export const jsonLog: AuthorizerLog = (level, message, fields = {}) => {
  console.log(JSON.stringify({ level, message, ...fields }));
};
