import { execFile } from 'node:child_process';
import { createPrivateKey, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evaluateClientCertificate } from '../src/client-certificate-rule.js';
import { identityFromCertificate } from '../src/client-certificate.js';
import { RevocationIndex, parseRevocationList } from '../src/revocation-list.js';
import { canonicalSerial } from '../src/serial-number.js';
import { x509 } from '../src/x509.js';
import { createPkiWorkspace, pki, runPki, type PkiWorkspace } from '../src/testing.js';

const MERCHANT = 'acct_0123456789abcdef';
const PASSPHRASE = 'correct horse battery staple';
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

let dir: PkiWorkspace;
let cwd: string;
beforeEach(() => {
  dir = createPkiWorkspace('tessera-pki-cli-');
  cwd = dir.dir;
});
afterEach(() => dir.remove());

const mode = (path: string) => statSync(join(cwd, path)).mode & 0o777;
const read = (path: string) => readFileSync(join(cwd, path), 'utf8');
const certificate = (path: string) => new x509.X509Certificate(read(path));
const revocations = () => new RevocationIndex(parseRevocationList(read('ca/revocations.json')));

describe('pki init', () => {
  it('creates the CA folder: certificate, 0600 key, empty revocation list and inventory', async () => {
    const run = await pki(['init', '--out', 'ca'], { cwd });
    expect(run.stdout).toContain('created CA "CN=Tessera Partner CA"');
    expect(run.stdout).toContain('not encrypted');
    expect(mode('ca')).toBe(0o700);
    expect(mode('ca/ca-key.pem')).toBe(0o600);
    expect(read('ca/ca-key.pem')).toContain('-----BEGIN PRIVATE KEY-----');
    const ca = certificate('ca/ca.pem');
    expect(ca.subject).toBe('CN=Tessera Partner CA');
    expect(ca.getExtension(x509.BasicConstraintsExtension)).toMatchObject({
      ca: true,
      pathLength: 0,
      critical: true,
    });
    expect(ca.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-256' } });
    expect((ca.publicKey.algorithm as { namedCurve?: string }).namedCurve).toBe('P-256');
    expect(await ca.isSelfSigned()).toBe(true);
    expect(parseRevocationList(read('ca/revocations.json'))).toMatchObject({ serials: [], subjects: [] });
    expect(JSON.parse(read('ca/issued.json'))).toEqual({ certificates: [] });
  });

  it('encrypts the CA key with PKI_CA_PASSPHRASE, which issue then needs', async () => {
    await pki(['init', '--out', 'ca', '--name', 'Acme Partner Root'], {
      cwd,
      env: { PKI_CA_PASSPHRASE: PASSPHRASE },
    });
    expect(read('ca/ca-key.pem')).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----');
    const args = ['issue', '--ca', 'ca', '--name', 'partner-a', '--merchant', MERCHANT, '--out', 'out'];
    const missing = await runPki(args, { cwd });
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.stderr).toMatch(
      /is encrypted; set its passphrase in the PKI_CA_PASSPHRASE environment variable/,
    );
    const wrong = await runPki(args, { cwd, env: { PKI_CA_PASSPHRASE: 'not the passphrase' } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/wrong passphrase in PKI_CA_PASSPHRASE/);
    expect(existsSync(join(cwd, 'out/partner-a.pem'))).toBe(false);
    await pki(args, { cwd, env: { PKI_CA_PASSPHRASE: PASSPHRASE } });
    expect(certificate('out/partner-a.pem').issuer).toBe('CN=Acme Partner Root');
  });

  it('refuses a short passphrase and a folder that is not empty', async () => {
    const short = await runPki(['init', '--out', 'ca'], { cwd, env: { PKI_CA_PASSPHRASE: 'short' } });
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/PKI_CA_PASSPHRASE has 5 characters; use at least 12/);
    await pki(['init', '--out', 'ca'], { cwd });
    const before = read('ca/ca-key.pem');
    const again = await runPki(['init', '--out', 'ca'], { cwd });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/is not empty/);
    expect(read('ca/ca-key.pem')).toBe(before);
  });

  it('makes an RSA CA on request', async () => {
    await pki(['init', '--out', 'ca', '--key-type', 'rsa-2048', '--days', '30'], { cwd });
    const ca = certificate('ca/ca.pem');
    expect(ca.signatureAlgorithm).toMatchObject({ name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } });
    expect((ca.publicKey.algorithm as { modulusLength?: number }).modulusLength).toBe(2048);
    await pki(
      ['issue', '--ca', 'ca', '--name', 'partner-a', '--merchant', MERCHANT, '--out', 'out', '--days', '7'],
      {
        cwd,
      },
    );
    expect(await certificate('out/partner-a.pem').verify({ publicKey: ca.publicKey })).toBe(true);
  });
});

describe('pki issue', () => {
  beforeEach(async () => {
    await pki(['init', '--out', 'ca'], { cwd });
  });

  it('issues a client certificate bound to the merchant, which the shared rule maps back', async () => {
    const run = await pki(
      ['issue', '--ca', 'ca', '--name', 'partner-a', '--merchant', MERCHANT, '--out', 'clients'],
      {
        cwd,
      },
    );
    expect(run.stdout).toContain(`bound to merchant ${MERCHANT}`);
    expect(mode('clients/partner-a-key.pem')).toBe(0o600);
    const cert = certificate('clients/partner-a.pem');
    const ca = certificate('ca/ca.pem');
    expect(await cert.verify({ publicKey: ca.publicKey })).toBe(true);
    expect(cert.subject).toBe('CN=partner-a');
    expect(cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual([
      x509.ExtendedKeyUsage.clientAuth,
    ]);
    expect(cert.getExtension(x509.BasicConstraintsExtension)).toMatchObject({ ca: false });
    expect(cert.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON()).toEqual([
      { type: 'url', value: `urn:tessera:merchant:${MERCHANT}` },
    ]);
    expect(cert.notAfter.getTime() - Date.now()).toBeGreaterThan(364 * 86_400_000);
    const decision = evaluateClientCertificate(
      identityFromCertificate(read('clients/partner-a.pem')),
      revocations(),
      new Date(),
    );
    expect(decision).toEqual({ allowed: true, merchantId: MERCHANT });
    // the key file holds the certificate's private key
    const nodeCert = new NodeX509Certificate(read('clients/partner-a.pem'));
    expect(nodeCert.checkPrivateKey(createPrivateKey(read('clients/partner-a-key.pem')))).toBe(true);
    // recorded in the inventory, with a copy of the certificate
    const [record] = JSON.parse(read('ca/issued.json')).certificates;
    expect(record).toMatchObject({
      serial: cert.serialNumber,
      kind: 'client',
      name: 'partner-a',
      merchantId: MERCHANT,
    });
    expect(read(`ca/certificates/${cert.serialNumber}.pem`)).toBe(read('clients/partner-a.pem'));
  });

  it('issues a server certificate for localhost with both loopback addresses', async () => {
    await pki(['issue', '--ca', 'ca', '--server', '--name', 'localhost', '--out', 'server'], { cwd });
    const cert = certificate('server/localhost.pem');
    expect(cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual([
      x509.ExtendedKeyUsage.serverAuth,
    ]);
    expect(cert.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON()).toEqual([
      { type: 'dns', value: 'localhost' },
      { type: 'ip', value: '127.0.0.1' },
      { type: 'ip', value: '::1' },
    ]);
    // a server certificate is no client credential
    const decision = evaluateClientCertificate(
      identityFromCertificate(read('server/localhost.pem')),
      revocations(),
      new Date(),
    );
    expect(decision).toMatchObject({ allowed: false, reason: 'not_for_client_auth' });
  });

  it('issues an unbound client certificate with a warning; the rule denies it', async () => {
    const run = await pki(['issue', '--ca', 'ca', '--name', 'monitor', '--out', 'out'], { cwd });
    expect(run.stderr).toMatch(/no --merchant given/);
    const decision = evaluateClientCertificate(
      identityFromCertificate(read('out/monitor.pem')),
      revocations(),
      new Date(),
    );
    expect(decision).toMatchObject({ allowed: false, reason: 'no_merchant_binding' });
  });

  it.each([
    [['--merchant', 'cus_123'], /--merchant is "cus_123"; expected a merchant account id/],
    [
      ['--merchant', 'acct_short'],
      /expected a merchant account id: acct_ followed by 8 to 64 letters or digits/,
    ],
    [['--server', '--merchant', MERCHANT], /--merchant applies to client certificates/],
    [['--days', '0'], /--days is "0"; expected an integer from 1 to 3650/],
    [['--key-type', 'dsa'], /--key-type is "dsa"; allowed: ec-p256, rsa-2048/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('exits 2 on bad usage %j', async (extra, message) => {
    const run = await runPki(['issue', '--ca', 'ca', '--name', 'partner-a', '--out', 'out', ...extra], {
      cwd,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('usage: npm run pki -- issue');
    expect(existsSync(join(cwd, 'out'))).toBe(false);
  });

  it('exits 2 on a bad or missing name', async () => {
    expect((await runPki(['issue', '--ca', 'ca', '--out', 'out'], { cwd })).stderr).toMatch(
      /--name is required/,
    );
    const run = await runPki(['issue', '--ca', 'ca', '--name', '../x', '--out', 'out'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--name is "..\/x"; expected 1 to 64 letters/);
  });

  it('exits 1 for a missing CA folder, a certificate outliving the CA, or an existing output', async () => {
    const missing = await runPki(
      ['issue', '--ca', 'nope', '--name', 'a', '--merchant', MERCHANT, '--out', 'out'],
      { cwd },
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/CA folder .*nope does not exist; create one with: npm run pki -- init/);
    const long = await runPki(['issue', '--ca', 'ca', '--name', 'a', '--out', 'out', '--days', '3650'], {
      cwd,
    });
    expect(long.code).toBe(1);
    expect(long.stderr).toMatch(/--days 3650 would outlive the CA certificate .*; use --days 3649 or less/);
    await pki(['issue', '--ca', 'ca', '--name', 'a', '--merchant', MERCHANT, '--out', 'out'], { cwd });
    const before = read('out/a-key.pem');
    const again = await runPki(
      ['issue', '--ca', 'ca', '--name', 'a', '--merchant', MERCHANT, '--out', 'out'],
      { cwd },
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/a.pem already exists; refusing to overwrite it/);
    expect(read('out/a-key.pem')).toBe(before);
    expect(JSON.parse(read('ca/issued.json')).certificates).toHaveLength(1);
  });

  it('refuses a CA key that others can read', async () => {
    chmodSync(join(cwd, 'ca/ca-key.pem'), 0o644);
    const run = await runPki(['issue', '--ca', 'ca', '--name', 'a', '--out', 'out'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/readable by others \(mode 644\); restrict it with: chmod 600/);
  });
});

describe('pki revoke', () => {
  let serial: string;
  beforeEach(async () => {
    await pki(['init', '--out', 'ca'], { cwd });
    await pki(['issue', '--ca', 'ca', '--name', 'partner-a', '--merchant', MERCHANT, '--out', 'out'], {
      cwd,
    });
    serial = certificate('out/partner-a.pem').serialNumber;
  });

  it('lists the serial (in any notation) and the rule then denies the certificate', async () => {
    const colons = serial.toUpperCase().match(/../g)?.join(':') as string;
    const run = await pki(['revoke', '--ca', 'ca', '--serial', colons, '--reason', 'keyCompromise'], {
      cwd,
      now: new Date('2026-12-01T12:00:00Z'),
    });
    // The list keeps the canonical serial (no leading zeros), whatever notation was typed.
    expect(run.stdout).toContain(`revoked serial ${canonicalSerial(serial)}`);
    const list = parseRevocationList(read('ca/revocations.json'));
    expect(list.updatedAt).toBe('2026-12-01T12:00:00.000Z');
    expect(list.serials).toEqual([
      {
        serial: canonicalSerial(serial),
        revokedAt: '2026-12-01T12:00:00.000Z',
        reason: 'keyCompromise',
        certificateSubject: 'CN=partner-a',
      },
    ]);
    const decision = evaluateClientCertificate(
      identityFromCertificate(read('out/partner-a.pem')),
      revocations(),
      new Date(),
    );
    expect(decision).toMatchObject({ allowed: false, reason: 'revoked_serial' });
    const again = await pki(['revoke', '--ca', 'ca', '--serial', serial], { cwd });
    expect(again.stdout).toMatch(/was already revoked at 2026-12-01T12:00:00.000Z; nothing changed/);
    expect(parseRevocationList(read('ca/revocations.json')).serials).toHaveLength(1);
  });

  it('finds the serial in the inventory whatever its leading zeros (x509 pads odd-length serials)', async () => {
    // As @peculiar/x509 prints a serial with an odd number of digits: one more leading 0.
    const inventory = JSON.parse(read('ca/issued.json')) as { certificates: { serial: string }[] };
    inventory.certificates[0]!.serial = `00${canonicalSerial(serial)}`;
    writeFileSync(join(cwd, 'ca/issued.json'), JSON.stringify(inventory));
    const run = await pki(['revoke', '--ca', 'ca', '--serial', canonicalSerial(serial)!], { cwd });
    expect(run.stdout).toContain(`revoked serial ${canonicalSerial(serial)}`);
    const listed = await pki(['list', '--ca', 'ca'], { cwd });
    expect(listed.stdout.split('\t')[1]).toBe('revoked');
  });

  it('revokes every certificate of a subject', async () => {
    await pki(['revoke', '--ca', 'ca', '--subject', 'cn=Partner-A', '--reason', 'cessationOfOperation'], {
      cwd,
    });
    await pki(['issue', '--ca', 'ca', '--name', 'partner-a', '--merchant', MERCHANT, '--out', 'later'], {
      cwd,
    });
    const decision = evaluateClientCertificate(
      identityFromCertificate(read('later/partner-a.pem')),
      revocations(),
      new Date(),
    );
    expect(decision).toMatchObject({ allowed: false, reason: 'revoked_subject' });
  });

  it('exits 1 for a serial or subject this CA never issued, 2 for bad input', async () => {
    const unknown = await runPki(['revoke', '--ca', 'ca', '--serial', 'abcdef'], { cwd });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /no certificate with serial abcdef was issued by the CA in .*ca \(see: npm run pki -- list/,
    );
    expect((await runPki(['revoke', '--ca', 'ca', '--subject', 'CN=nobody'], { cwd })).code).toBe(1);
    const bad = await runPki(['revoke', '--ca', 'ca', '--serial', 'not-hex'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--serial "not-hex" is not a hexadecimal serial number/);
    expect((await runPki(['revoke', '--ca', 'ca', '--subject', 'nobody'], { cwd })).stderr).toMatch(
      /not a distinguished name/,
    );
    expect((await runPki(['revoke', '--ca', 'ca'], { cwd })).stderr).toMatch(
      /give either --serial or --subject/,
    );
    expect(
      (await runPki(['revoke', '--ca', 'ca', '--serial', serial, '--reason', 'hold'], { cwd })).code,
    ).toBe(2);
    expect((await runPki(['revoke', '--ca', 'elsewhere', '--serial', serial], { cwd })).code).toBe(1);
    expect(parseRevocationList(read('ca/revocations.json')).serials).toEqual([]);
  });

  it('shows the status in pki list', async () => {
    await pki(['revoke', '--ca', 'ca', '--serial', serial], { cwd });
    const run = await pki(['list', '--ca', 'ca'], { cwd });
    expect(run.stdout).toMatch(
      new RegExp(`^${serial}\\trevoked\\tclient\\tpartner-a\\t${MERCHANT}\\tuntil `),
    );
  });
});

describe('pki bundle', () => {
  it('writes the CA certificates of one or more CA folders as a PEM truststore', async () => {
    await pki(['init', '--out', 'old', '--name', 'Old CA'], { cwd });
    await pki(['init', '--out', 'new', '--name', 'New CA'], { cwd });
    const run = await pki(
      ['bundle', '--ca', 'old', '--ca', 'new', '--ca', 'old', '--out', 'trust/truststore.pem'],
      { cwd },
    );
    expect(run.stdout).toContain('2 CA certificate(s): CN=Old CA; CN=New CA');
    const pem = read('trust/truststore.pem');
    expect(pem).toBe(`${read('old/ca.pem')}${read('new/ca.pem')}`);
  });

  it('refuses a folder without a CA certificate', async () => {
    mkdirSync(join(cwd, 'empty'));
    writeFileSync(join(cwd, 'empty/ca.pem'), 'x');
    const run = await runPki(['bundle', '--ca', 'empty', '--out', 't.pem'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/empty is not a CA folder: revocations.json is missing/);
  });
});

describe('pki help and usage', () => {
  it('prints help with exit 0, and usage with exit 2 for no or an unknown command', async () => {
    const help = await runPki(['--help'], { cwd });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(
      /init --out DIR[\s\S]*issue --ca DIR[\s\S]*revoke --ca DIR[\s\S]*bundle --ca DIR/,
    );
    expect((await runPki(['issue', '--help'], { cwd })).stdout).toMatch(/^usage: npm run pki -- issue/);
    expect((await runPki([], { cwd })).code).toBe(2);
    const unknown = await runPki(['sign'], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "sign"/);
  });
});

describe('npm run pki (root script)', () => {
  it('runs the CLI, resolves paths from where npm was started, and exits with its code', async () => {
    const exec = promisify(execFile);
    const npm = (args: string[]) =>
      exec('npm', ['--prefix', repoRoot, 'run', '--silent', 'pki', '--', ...args], { cwd });
    const { stdout } = await npm(['init', '--out', 'ca']);
    expect(stdout).toContain(`${join(cwd, 'ca', 'ca.pem')}`);
    await expect(npm(['revoke', '--ca', 'ca', '--serial', 'ab'])).rejects.toMatchObject({ code: 1 });
    await expect(npm(['issue', '--ca', 'ca'])).rejects.toMatchObject({ code: 2 });
  });
});
