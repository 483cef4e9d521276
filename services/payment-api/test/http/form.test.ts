import { describe, expect, it } from 'vitest';
import { FormError, parseForm } from '../../src/http/form.js';

describe('form-encoded bodies', () => {
  it('nests brackets like Stripe clients send them', () => {
    expect(parseForm('amount=100&metadata[order]=42&metadata[note]=a+b%26c&card[number]=4242')).toEqual({
      amount: '100',
      metadata: { order: '42', note: 'a b&c' },
      card: { number: '4242' },
    });
    expect(parseForm('expand[]=a&expand[]=b')).toEqual({ expand: ['a', 'b'] });
    expect(parseForm('items[0][price]=1&items[1][price]=2')).toEqual({
      items: [{ price: '1' }, { price: '2' }],
    });
    expect(parseForm('')).toEqual({});
  });

  it('rejects conflicts, bad escapes, prototype keys and deep nesting', () => {
    expect(() => parseForm('a=1&a[b]=2')).toThrow(FormError);
    expect(() => parseForm('a[b]=2&a=1')).toThrow(FormError);
    expect(() => parseForm('a=%E0%A4%A')).toThrow(FormError);
    expect(() => parseForm('__proto__[polluted]=1')).toThrow(FormError);
    expect(() => parseForm('a[b][c][d][e][f][g]=1')).toThrow(FormError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a parameter sent twice, naming it; lists stay lists', () => {
    const duplicate = (body: string) => {
      try {
        parseForm(body);
      } catch (err) {
        return [(err as FormError).code, (err as FormError).param];
      }
      return 'parsed';
    };
    expect(duplicate('amount=111&amount=222')).toEqual(['parameter_duplicate', 'amount']);
    expect(duplicate('metadata[k]=1&metadata[k]=2')).toEqual(['parameter_duplicate', 'metadata[k]']);
    expect(duplicate('items[0]=a&items[0]=b')).toEqual(['parameter_duplicate', 'items[0]']);
    expect(duplicate('amount=&amount=5')).toEqual(['parameter_duplicate', 'amount']);
    expect(duplicate('a=%E0%A4%A')).toEqual(['parameter_malformed', '']);
    expect(parseForm('types[]=card&types[]=card')).toEqual({ types: ['card', 'card'] });
    expect(parseForm('items[0]=a&items[1]=b')).toEqual({ items: ['a', 'b'] });
  });
});
