import { describe, expect, it } from 'vitest';
import { defaultsFor, loadConfig, validateConfig } from '../../config/index.js';
import { rejected } from '../support/config.js';

describe('documents section (config/documents.ts)', () => {
  it('moves documents to Standard-IA at 30, Glacier Flexible Retrieval at 90, Deep Archive at 180 days everywhere', () => {
    for (const env of ['dev', 'staging', 'prod'] as const) {
      expect(defaultsFor(env).documents.lifecycle, env).toMatchObject({
        infrequentAccessDays: 30,
        glacierFlexibleRetrievalDays: 90,
        deepArchiveDays: 180,
        abortIncompleteMultipartUploadDays: 7,
      });
      expect(defaultsFor(env).documents.replication, env).toMatchObject({
        enabled: true,
        timeControlMinutes: 15,
      });
    }
  });

  it('expires noncurrent versions after 30 days in dev and staging; prod locks and keeps them seven years', () => {
    for (const env of ['dev', 'staging'] as const) {
      const { documents } = defaultsFor(env);
      expect(documents.lifecycle.noncurrentVersionExpirationDays, env).toBe(30);
      expect(documents.objectLockRetentionDays, env).toBe(0);
    }
    const { documents } = defaultsFor('prod');
    expect(documents.objectLockRetentionDays).toBe(2557);
    expect(documents.lifecycle.noncurrentVersionExpirationDays).toBe(2557);
    expect(documents.replication.alarms).toEqual({
      latencySeconds: 900,
      latencyMinutes: 5,
      failedOperations: 1,
    });
  });

  it('refuses a Standard-IA transition younger than 30 days, as S3 does', () => {
    expect(rejected((c) => (c.documents.lifecycle.infrequentAccessDays = 29)).message).toContain(
      'documents.lifecycle.infrequentAccessDays: got 29; must be at least 30 (S3 moves nothing younger than 30 days to Standard-IA)',
    );
  });

  it('refuses a Glacier transition within 30 days of the Standard-IA transition, naming the floor', () => {
    const e = rejected((c) => {
      c.documents.lifecycle.infrequentAccessDays = 45;
      c.documents.lifecycle.glacierFlexibleRetrievalDays = 60;
    });
    expect(e.message).toContain(
      'documents.lifecycle.glacierFlexibleRetrievalDays: got 60; must be at least documents.lifecycle.infrequentAccessDays + 30 (75)',
    );
  });

  it('refuses a Deep Archive transition inside Glacier Flexible Retrieval’s 90-day minimum', () => {
    expect(rejected((c) => (c.documents.lifecycle.deepArchiveDays = 179)).message).toContain(
      'documents.lifecycle.deepArchiveDays: got 179; must be at least documents.lifecycle.glacierFlexibleRetrievalDays + 90 (180)',
    );
  });

  it('accepts other schedules that keep the minimums', () => {
    const c = defaultsFor('staging');
    c.documents.lifecycle = {
      ...c.documents.lifecycle,
      infrequentAccessDays: 60,
      glacierFlexibleRetrievalDays: 90,
    };
    c.documents.lifecycle.deepArchiveDays = 365;
    expect(validateConfig(c).documents.lifecycle.deepArchiveDays).toBe(365);
  });

  it('refuses prod retention under seven years, and prod without replication', () => {
    const e = rejected((c) => {
      c.documents.objectLockRetentionDays = 365;
      c.documents.lifecycle.noncurrentVersionExpirationDays = 365;
      c.documents.replication.enabled = false;
    }, 'prod');
    expect(e.message).toContain(
      "documents.objectLockRetentionDays: got 365; must be at least 2557 when removalPolicy is 'retain'",
    );
    expect(e.message).toContain(
      "documents.replication.enabled: got false; must be true when removalPolicy is 'retain'",
    );
  });

  it('refuses noncurrent versions expiring while Object Lock still holds them', () => {
    expect(
      rejected((c) => (c.documents.lifecycle.noncurrentVersionExpirationDays = 30), 'prod').message,
    ).toContain(
      'documents.lifecycle.noncurrentVersionExpirationDays: got 30; must be at least documents.objectLockRetentionDays (2557)',
    );
  });

  it('refuses Object Lock where the buckets must be destroyable', () => {
    expect(rejected((c) => (c.documents.objectLockRetentionDays = 30)).message).toContain(
      "documents.objectLockRetentionDays: got 30; must be 0 when removalPolicy is 'destroy'",
    );
  });

  it('refuses a Replication Time Control threshold S3 does not offer and alarm values out of range', () => {
    const e = rejected((c) => {
      (c.documents.replication as { timeControlMinutes: number }).timeControlMinutes = 30;
      c.documents.replication.alarms.latencySeconds = 30;
      c.documents.replication.alarms.failedOperations = 0;
    });
    expect(e.message).toContain(
      'documents.replication.timeControlMinutes: got 30; must be 15 (the only threshold S3 Replication Time Control offers)',
    );
    expect(e.message).toContain(
      'documents.replication.alarms.latencySeconds: got 30; must be between 60 and 86400 seconds',
    );
    expect(e.message).toContain(
      'documents.replication.alarms.failedOperations: got 0; must be between 1 and 1000000 operations',
    );
  });

  it('lets dev turn replication off and takes single keys from the context', () => {
    const ctx: Record<string, string> = {
      'documents.replication.enabled': 'false',
      'documents.lifecycle.deepArchiveDays': '365',
    };
    const config = loadConfig({ envName: 'dev', getContext: (k) => ctx[k] });
    expect(config.documents.replication.enabled).toBe(false);
    expect(config.documents.lifecycle.deepArchiveDays).toBe(365);
  });
});
