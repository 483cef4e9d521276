import { describe, expect, it } from 'vitest';
import {
  addDays,
  settlementReportCsv,
  totalsOf,
  utcDay,
  type SettlementDate,
  type SettledLine,
} from '../../src/domain/settlement.js';

const day = '2026-11-30' as SettlementDate;
const line = (id: string, currency: string, amount: number, fee: number, at: string): SettledLine => ({
  id,
  type: 'charge',
  created: new Date(at),
  availableOn: new Date(`${day}T00:00:00Z`),
  currency,
  amount,
  fee,
  source: `ch_${id}`,
});

describe('settlement days', () => {
  it('are UTC calendar days, across month and leap-year ends', () => {
    expect(utcDay(new Date('2026-11-30T23:59:59.999Z'))).toBe('2026-11-30');
    expect(utcDay(new Date('2026-12-01T00:00:00Z'))).toBe('2026-12-01');
    expect(addDays('2028-02-28' as SettlementDate, 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01' as SettlementDate, -1)).toBe('2026-02-28');
    expect(addDays(day, 31)).toBe('2026-12-31');
  });
});

describe('settlement report', () => {
  it('lists lines oldest first, then one total per currency whose net is the sum of the nets', () => {
    const lines = [
      line('b', 'usd', 1_500, 74, '2026-11-28T17:00:00Z'),
      line('a', 'usd', 10_000, 320, '2026-11-28T09:00:00Z'),
      line('c', 'jpy', 900, 56, '2026-11-28T12:00:00Z'),
    ];
    const totals = totalsOf(
      lines,
      new Map([
        ['usd', 'txn_usd'],
        ['jpy', 'txn_jpy'],
      ]),
    );
    expect(totals).toEqual([
      { currency: 'jpy', count: 1, amount: 900, fee: 56, net: 844, ledgerTransactionId: 'txn_jpy' },
      { currency: 'usd', count: 2, amount: 11_500, fee: 394, net: 11_106, ledgerTransactionId: 'txn_usd' },
    ]);
    expect(settlementReportCsv(day, lines, totals).split('\r\n')).toEqual([
      'id,type,created,available_on,currency,amount,fee,net,source',
      'a,charge,2026-11-28T09:00:00.000Z,2026-11-30,usd,10000,320,9680,ch_a',
      'c,charge,2026-11-28T12:00:00.000Z,2026-11-30,jpy,900,56,844,ch_c',
      'b,charge,2026-11-28T17:00:00.000Z,2026-11-30,usd,1500,74,1426,ch_b',
      'total,1 transactions,,2026-11-30,jpy,900,56,844,txn_jpy',
      'total,2 transactions,,2026-11-30,usd,11500,394,11106,txn_usd',
      '',
    ]);
  });

  it('quotes what CSV needs quoted and defuses text a spreadsheet would run as a formula', () => {
    const odd = { ...line('x', 'usd', 100, 100, '2026-11-28T09:00:00Z'), source: '=HYPERLINK("a,b")' };
    const csv = settlementReportCsv(day, [odd], totalsOf([odd], new Map()));
    expect(csv.split('\r\n')[1]).toBe(
      `x,charge,2026-11-28T09:00:00.000Z,2026-11-30,usd,100,100,0,"'=HYPERLINK(""a,b"")"`,
    );
    // a zero net (the fee took it all) moves nothing: the total names no ledger transaction
    expect(csv.split('\r\n')[2]).toBe('total,1 transactions,,2026-11-30,usd,100,100,0,');
  });
});
