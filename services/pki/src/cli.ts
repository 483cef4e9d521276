import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isMerchantId } from './merchant-binding.js';
import { REVOCATION_REASONS, type RevocationReason } from './revocation-list.js';
import { bundle } from './cli/bundle.js';
import { PASSPHRASE_VARIABLE } from './cli/ca-folder.js';
import { UsageError } from './cli/errors.js';
import { initCa } from './cli/init.js';
import { issueCertificate } from './cli/issue.js';
import { KEY_TYPES, type KeyType } from './cli/keys.js';
import { listIssued } from './cli/list.js';
import { NAME_PATTERN } from './cli/profiles.js';
import { revoke } from './cli/revoke.js';

const USAGE: Record<string, string> = {
  init: `npm run pki -- init --out DIR [--name "Tessera Partner CA"] [--days 3650] [--key-type ec-p256]
  Creates a root CA in DIR (a new or empty folder): ca.pem, ca-key.pem (mode 0600), an empty
  revocations.json and the issued.json inventory. With ${PASSPHRASE_VARIABLE} set in the environment the CA
  key is encrypted with it (at least 12 characters; never pass it as an argument).`,
  issue: `npm run pki -- issue --ca DIR --name NAME [--merchant acct_…] --out DIR [--days 365] [--key-type ec-p256]
npm run pki -- issue --ca DIR --server --name localhost --out DIR [--days 365]
  Issues a client certificate (clientAuth; --merchant binds it to a merchant account through the SAN URI
  urn:tessera:merchant:acct_…) or, with --server, a server certificate (serverAuth; SAN DNS:NAME, and
  127.0.0.1 and ::1 for localhost). Writes NAME.pem and NAME-key.pem (mode 0600) into --out.`,
  revoke: `npm run pki -- revoke --ca DIR --serial SERIAL [--reason keyCompromise]
npm run pki -- revoke --ca DIR --subject "CN=NAME" [--reason cessationOfOperation]
  Adds the certificate (by serial) or every certificate with that subject to DIR/revocations.json.
  Reasons: ${REVOCATION_REASONS.join(', ')}.`,
  bundle: `npm run pki -- bundle --ca DIR [--ca DIR2 …] --out truststore.pem
  Writes the truststore (PEM) with the CA certificate of each CA folder, for API Gateway or TLS_CLIENT_CA_FILE.`,
  list: `npm run pki -- list --ca DIR
  Lists the certificates the CA issued, with their status (valid, revoked, expired).`,
};

const OVERVIEW = `usage: npm run pki -- <command> [options]

${Object.values(USAGE).join('\n\n')}

Relative paths are resolved from the folder npm was started in. Exit codes: 0 done, 1 failed, 2 bad usage.`;

const OPTIONS = {
  init: {
    out: { type: 'string' },
    name: { type: 'string' },
    days: { type: 'string' },
    'key-type': { type: 'string' },
  },
  issue: {
    ca: { type: 'string' },
    out: { type: 'string' },
    name: { type: 'string' },
    merchant: { type: 'string' },
    server: { type: 'boolean' },
    days: { type: 'string' },
    'key-type': { type: 'string' },
  },
  revoke: {
    ca: { type: 'string' },
    serial: { type: 'string' },
    subject: { type: 'string' },
    reason: { type: 'string' },
  },
  bundle: { ca: { type: 'string', multiple: true }, out: { type: 'string' } },
  list: { ca: { type: 'string' } },
} satisfies Record<string, ParseArgsConfig['options']>;

type Command = keyof typeof OPTIONS;

interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly now: () => Date;
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`--${flag} is required`);
  return value;
}

function days(value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new UsageError(`--days is ${JSON.stringify(value)}; expected an integer from 1 to ${max}`);
  }
  return n;
}

function keyType(value: string | undefined): KeyType {
  if (value === undefined) return 'ec-p256';
  if (!KEY_TYPES.includes(value as KeyType)) {
    throw new UsageError(`--key-type is ${JSON.stringify(value)}; allowed: ${KEY_TYPES.join(', ')}`);
  }
  return value as KeyType;
}

function name(value: string | undefined): string {
  const n = required(value, 'name');
  if (!NAME_PATTERN.test(n)) {
    throw new UsageError(
      `--name is ${JSON.stringify(n)}; expected 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
  return n;
}

function passphrase(env: NodeJS.ProcessEnv): string | undefined {
  const value = env[PASSPHRASE_VARIABLE];
  return value === undefined || value === '' ? undefined : value;
}

async function run(command: Command, args: string[], io: Io): Promise<void> {
  const { values } = parseArgs({ args, options: OPTIONS[command], strict: true, allowPositionals: false });
  const v = values as Record<string, string | string[] | boolean | undefined>;
  const str = (key: string) => v[key] as string | undefined;
  const path = (value: string) => resolve(io.cwd, value);
  const now = io.now();
  switch (command) {
    case 'init': {
      const result = await initCa({
        out: path(required(str('out'), 'out')),
        commonName: str('name') ?? 'Tessera Partner CA',
        days: days(str('days'), 3650, 7300),
        keyType: keyType(str('key-type')),
        passphrase: passphrase(io.env),
        now,
      });
      io.out(
        `created CA "${result.subject}" (serial ${result.serial}, valid until ${result.notAfter.toISOString()})`,
      );
      io.out(`  certificate: ${result.certificatePath}`);
      io.out(
        `  private key: ${result.keyPath} (mode 0600${result.encrypted ? `, encrypted with ${PASSPHRASE_VARIABLE}` : ', not encrypted'})`,
      );
      return;
    }
    case 'issue': {
      const server = v.server === true;
      const merchant = str('merchant');
      if (server && merchant !== undefined)
        throw new UsageError('--merchant applies to client certificates, not --server');
      if (merchant !== undefined && !isMerchantId(merchant)) {
        throw new UsageError(
          `--merchant is ${JSON.stringify(merchant)}; expected a merchant account id: acct_ followed by 8 to 64 letters or digits`,
        );
      }
      const result = await issueCertificate({
        ca: path(required(str('ca'), 'ca')),
        out: path(required(str('out'), 'out')),
        profile: {
          kind: server ? 'server' : 'client',
          name: name(str('name')),
          ...(merchant ? { merchantId: merchant } : {}),
        },
        days: days(str('days'), 365, 3650),
        keyType: keyType(str('key-type')),
        passphrase: passphrase(io.env),
        now,
      });
      const { record } = result;
      io.out(
        `issued ${record.kind} certificate "${record.subject}" serial ${record.serial} (valid until ${record.notAfter})`,
      );
      if (record.merchantId) io.out(`  bound to merchant ${record.merchantId}`);
      else if (record.kind === 'client') {
        io.err(
          '  note: no --merchant given; the authorizer and the local mTLS mode deny this certificate on /v1/ routes',
        );
      }
      io.out(`  certificate: ${result.certificatePath}`);
      io.out(`  private key: ${result.keyPath} (mode 0600)`);
      return;
    }
    case 'revoke': {
      const serial = str('serial');
      const subject = str('subject');
      if ((serial === undefined) === (subject === undefined))
        throw new UsageError('give either --serial or --subject');
      const reason = str('reason');
      if (reason !== undefined && !REVOCATION_REASONS.includes(reason as RevocationReason)) {
        throw new UsageError(
          `--reason is ${JSON.stringify(reason)}; allowed: ${REVOCATION_REASONS.join(', ')}`,
        );
      }
      const ca = path(required(str('ca'), 'ca'));
      const result = revoke({
        ca,
        target: serial !== undefined ? { serial } : { subject: subject as string },
        ...(reason ? { reason: reason as RevocationReason } : {}),
        now,
      });
      const what =
        'serial' in result.entry ? `serial ${result.entry.serial}` : `subject "${result.entry.subject}"`;
      if (result.status === 'already-revoked') {
        io.out(`${what} was already revoked at ${result.entry.revokedAt}; nothing changed`);
        return;
      }
      io.out(
        `revoked ${what}; ${ca}/revocations.json now lists ${result.list.serials.length} serial(s) and ${result.list.subjects.length} subject(s)`,
      );
      io.out('  publish the file where the authorizer reads it (README: "Partner API with mutual TLS")');
      return;
    }
    case 'bundle': {
      const cas = ((v.ca as string[] | undefined) ?? []).map(path);
      if (cas.length === 0) throw new UsageError('--ca is required');
      const result = bundle({ cas, out: path(required(str('out'), 'out')), now });
      io.out(
        `wrote ${result.path} with ${result.subjects.length} CA certificate(s): ${result.subjects.join('; ')}`,
      );
      return;
    }
    case 'list': {
      const rows = listIssued(path(required(str('ca'), 'ca')), now);
      if (rows.length === 0) io.out('no certificates issued yet');
      for (const row of rows) {
        io.out(
          [row.serial, row.status, row.kind, row.name, row.merchantId ?? '-', `until ${row.notAfter}`].join(
            '\t',
          ),
        );
      }
      return;
    }
  }
}

/** Runs the CLI; returns the exit code (0 done, 1 failed, 2 bad usage). */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    (command === undefined ? io.err : io.out)(OVERVIEW);
    return command === undefined ? 2 : 0;
  }
  if (!(command in OPTIONS)) {
    io.err(`error: unknown command "${command}"\n\n${OVERVIEW}`);
    return 2;
  }
  const cmd = command as Command;
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`usage: ${USAGE[cmd]}`);
    return 0;
  }
  try {
    await run(cmd, args, io);
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`error: ${message}\n\nusage: ${USAGE[cmd]}`);
      return 2;
    }
    io.err(`error: ${message}`);
    return 1;
  }
}
