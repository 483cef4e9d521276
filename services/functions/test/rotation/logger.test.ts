import { describe, expect, it } from 'vitest';
import { createJsonLogger, type LogFields } from '../../src/rotation/logger.js';
import { Redactor } from '../../src/rotation/redactor.js';

describe('createJsonLogger', () => {
  it('writes one JSON object per line with only the allowed fields', () => {
    const lines: string[] = [];
    const logger = createJsonLogger(new Redactor(), (line) => lines.push(line));
    const smuggled = { step: 'setSecret', username: 'app', password: 'oops-a-password' } as LogFields;
    logger.info('step started', smuggled);
    expect(lines).toEqual(['{"level":"info","message":"step started","step":"setSecret","username":"app"}']);
  });

  it('scrubs every remembered secret from message and fields, also ones JSON would escape', () => {
    const lines: string[] = [];
    const redactor = new Redactor();
    const secret = 'pa"ss\\word-123';
    redactor.remember(secret);
    const logger = createJsonLogger(redactor, (line) => lines.push(line));
    logger.error(`failed near ${secret}`, { error: `syntax error at "${secret}"` });
    expect(lines[0]).not.toContain('pa\\"ss');
    expect(JSON.parse(lines[0]!)).toEqual({
      level: 'error',
      message: 'failed near [REDACTED]',
      error: 'syntax error at "[REDACTED]"',
    });
  });
});
