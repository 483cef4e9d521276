import { describe, expect, it } from 'vitest';
import {
  alternateUsername,
  baseUsername,
  parseDatabaseSecret,
  parseMasterSecret,
  serializeDatabaseSecret,
} from '../../src/rotation/database-secret.js';

const valid = {
  engine: 'postgres',
  host: 'db.cluster-abc.eu-west-1.rds.amazonaws.com',
  port: 5432,
  dbname: 'payments',
  username: 'payments_app',
  password: 'S3cret-Value-That-Must-Not-Leak',
  masterarn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!cluster-x',
  ssl: true,
};
const parse = (value: unknown) => parseDatabaseSecret(JSON.stringify(value), 'AWSCURRENT secret');

describe('parseDatabaseSecret', () => {
  it('accepts the AWS RDS secret shape (port and ssl may be strings)', () => {
    expect(parse(valid)).toEqual(valid);
    expect(parse({ ...valid, port: '5432', ssl: 'true' })).toEqual(valid);
  });

  it.each([
    [{ ...valid, engine: 'mysql' }, 'field "engine" must be "postgres", got "mysql"'],
    [{ ...valid, port: 70000 }, 'field "port" must be an integer 1-65535, got 70000'],
    [{ ...valid, ssl: false }, 'field "ssl" must be true (TLS is mandatory), got false'],
    [{ ...valid, host: '' }, 'field "host" must be a non-empty string'],
    [{ ...valid, masterarn: undefined }, 'field "masterarn" must be a non-empty string'],
    [{ ...valid, username: 'u'.repeat(58) }, 'field "username" is too long'],
  ])('names the bad field: %j', (value, message) => {
    expect(() => parse(value)).toThrow(`AWSCURRENT secret: ${message}`);
  });

  it('never echoes the password, even when it is the broken field', () => {
    const error = (() => {
      try {
        parse({ ...valid, password: 12345678901234 });
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('no error');
    })();
    expect(error.message).toBe('AWSCURRENT secret: field "password" must be a non-empty string');
    expect(() => parseDatabaseSecret('{"password":"S3cret-Value"', 'x')).toThrow(
      /^x: the secret value is not valid JSON$/,
    );
  });
});

describe('serializeDatabaseSecret', () => {
  it('carries fields it does not know (e.g. dbClusterIdentifier) into the next version', () => {
    const parsed = parse({ ...valid, dbClusterIdentifier: 'tessera-prod-db' });
    expect(parsed.otherFields).toEqual({ dbClusterIdentifier: 'tessera-prod-db' });
    const next = JSON.parse(serializeDatabaseSecret({ ...parsed, username: 'payments_app_clone' })) as object;
    expect(next).toEqual({
      ...valid,
      username: 'payments_app_clone',
      dbClusterIdentifier: 'tessera-prod-db',
    });
  });
});

describe('parseMasterSecret', () => {
  it('accepts the RDS-managed master secret (username and password only)', () => {
    expect(parseMasterSecret('{"username":"postgres","password":"pw-long-enough"}', 'master')).toEqual({
      username: 'postgres',
      password: 'pw-long-enough',
    });
  });
});

describe('alternating user names', () => {
  it('flips between base and clone', () => {
    expect(alternateUsername('payments_app')).toBe('payments_app_clone');
    expect(alternateUsername('payments_app_clone')).toBe('payments_app');
    expect(baseUsername('payments_app_clone')).toBe('payments_app');
    expect(baseUsername('payments_app')).toBe('payments_app');
  });
});
