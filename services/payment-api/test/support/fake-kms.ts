import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  DecryptCommand,
  DisabledException,
  GenerateDataKeyCommand,
  IncorrectKeyException,
  InvalidCiphertextException,
  KMSClient,
  NotFoundException,
} from '@aws-sdk/client-kms';
import type {
  DecryptCommandInput,
  DecryptCommandOutput,
  GenerateDataKeyCommandInput,
  GenerateDataKeyCommandOutput,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const MAGIC = Buffer.from('FKMS1');

/**
 * In-process model of the parts of AWS KMS the vault uses, with the rules that matter:
 * - keys are addressed by id, ARN or alias; unknown → NotFoundException, disabled → DisabledException;
 * - the ciphertext blob names the KMS key that produced it, and Decrypt with a KeyId for another key
 *   fails with IncorrectKeyException;
 * - the encryption context is authenticated: Decrypt with any other context (or altered bytes) fails
 *   with InvalidCiphertextException, as the real service does.
 * It is wired into a real KMSClient through aws-sdk-client-mock, so the adapter under test is unchanged.
 */
export class FakeKms {
  readonly client = new KMSClient({
    region: REGION,
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
  readonly calls = { generateDataKey: 0, decrypt: 0 };
  private readonly material = new Map<string, Buffer>();
  private readonly aliases = new Map<string, string>();
  private readonly disabled = new Set<string>();

  constructor() {
    const stub = mockClient(this.client);
    stub
      .on(GenerateDataKeyCommand)
      .callsFake(async (input: GenerateDataKeyCommandInput) => this.generate(input));
    stub.on(DecryptCommand).callsFake(async (input: DecryptCommandInput) => this.decrypt(input));
  }

  /** Creates a key and returns its ARN; `alias` (without the `alias/` prefix) optionally points at it. */
  createKey(alias?: string): string {
    const id = randomBytes(16).toString('hex');
    const arn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`;
    this.material.set(arn, randomBytes(32));
    if (alias !== undefined) this.aliases.set(`alias/${alias}`, arn);
    return arn;
  }

  disable(arn: string): void {
    this.disabled.add(arn);
  }

  private resolve(keyId: string | undefined): string {
    const candidates = [
      keyId,
      `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`,
      keyId === undefined ? undefined : this.aliases.get(keyId),
    ];
    const arn = candidates.find((c) => c !== undefined && this.material.has(c));
    if (arn === undefined) {
      throw new NotFoundException({ message: `Key '${keyId}' does not exist`, $metadata: {} });
    }
    if (this.disabled.has(arn))
      throw new DisabledException({ message: `${arn} is disabled.`, $metadata: {} });
    return arn;
  }

  private generate(input: GenerateDataKeyCommandInput): GenerateDataKeyCommandOutput {
    this.calls.generateDataKey += 1;
    const arn = this.resolve(input.KeyId);
    if (input.KeySpec !== 'AES_256')
      throw new Error(`fake KMS only models KeySpec AES_256, got ${input.KeySpec}`);
    const plaintext = randomBytes(32);
    return {
      KeyId: arn,
      Plaintext: new Uint8Array(plaintext),
      CiphertextBlob: this.wrap(arn, plaintext, input.EncryptionContext ?? {}),
      $metadata: {},
    };
  }

  private decrypt(input: DecryptCommandInput): DecryptCommandOutput {
    this.calls.decrypt += 1;
    const blob = Buffer.from(input.CiphertextBlob ?? new Uint8Array());
    const invalid = () =>
      new InvalidCiphertextException({ message: 'InvalidCiphertextException', $metadata: {} });
    if (blob.length < MAGIC.length + 2 || !blob.subarray(0, MAGIC.length).equals(MAGIC)) throw invalid();
    const arnLength = blob.readUInt16BE(MAGIC.length);
    const arnStart = MAGIC.length + 2;
    const arn = blob.subarray(arnStart, arnStart + arnLength).toString('utf8');
    if (!this.material.has(arn)) throw invalid();
    if (input.KeyId !== undefined && this.resolve(input.KeyId) !== arn) {
      throw new IncorrectKeyException({
        message: 'The key ID in the request does not identify the key',
        $metadata: {},
      });
    }
    this.resolve(arn);
    const body = blob.subarray(arnStart + arnLength);
    if (body.length !== 12 + 16 + 32) throw invalid();
    const decipher = createDecipheriv('aes-256-gcm', this.material.get(arn) as Buffer, body.subarray(0, 12));
    decipher.setAAD(contextAad(input.EncryptionContext ?? {}));
    decipher.setAuthTag(body.subarray(12, 28));
    try {
      const plaintext = Buffer.concat([decipher.update(body.subarray(28)), decipher.final()]);
      return {
        KeyId: arn,
        Plaintext: new Uint8Array(plaintext),
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        $metadata: {},
      };
    } catch {
      throw invalid();
    }
  }

  private wrap(arn: string, plaintext: Buffer, context: Record<string, string>): Uint8Array {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.material.get(arn) as Buffer, iv);
    cipher.setAAD(contextAad(context));
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const arnBytes = Buffer.from(arn, 'utf8');
    const length = Buffer.alloc(2);
    length.writeUInt16BE(arnBytes.length);
    return new Uint8Array(Buffer.concat([MAGIC, length, arnBytes, iv, cipher.getAuthTag(), ct]));
  }
}

/** KMS compares the context as an unordered map of strings. */
function contextAad(context: Record<string, string>): Buffer {
  return Buffer.from(
    JSON.stringify(Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  );
}
