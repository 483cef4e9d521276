import { describe, expect, it } from 'vitest';
import { canonicalSerial, randomSerial } from '../src/serial-number.js';

describe('canonicalSerial', () => {
  it('accepts the forms tools print and returns lower-case hex without leading zeros', () => {
    expect(canonicalSerial('2B:7E:0E:1C')).toBe('2b7e0e1c');
    expect(canonicalSerial('0x00FF01')).toBe('ff01');
    expect(canonicalSerial(' 00 0a ')).toBe('a');
    expect(canonicalSerial('0')).toBe('0');
    expect(canonicalSerial('000')).toBe('0');
  });

  it('rejects what is not a hexadecimal serial', () => {
    for (const bad of ['', 'xyz', '12-34', 'serial=0A', 'f'.repeat(65)])
      expect(canonicalSerial(bad)).toBeNull();
  });
});

describe('randomSerial', () => {
  it('is canonical, at most 16 bytes, positive and different every time', () => {
    const serials = new Set(Array.from({ length: 200 }, () => randomSerial()));
    expect(serials.size).toBe(200);
    for (const serial of serials) {
      expect(canonicalSerial(serial)).toBe(serial);
      expect(serial.length).toBeLessThanOrEqual(32);
      // top bit clear: a 32-digit serial starts with 0-7
      if (serial.length === 32) expect(parseInt(serial[0] as string, 16)).toBeLessThan(8);
    }
  });
});
