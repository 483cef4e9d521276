import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, rejection, startSdkServer } from '../support/stripe-client.js';

/** Debian's chromium, driven headless; no browser is ever downloaded. */
const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

const card = (number: string) => ({
  type: 'card' as const,
  card: { number, exp_month: 12, exp_year: new Date().getFullYear() + 2, cvc: '123' },
});

/** The merchant's return page: records every visit's query string. */
async function merchantSite(): Promise<{ url: string; visits: URLSearchParams[]; server: Server }> {
  const visits: URLSearchParams[] = [];
  const server = createServer((req, res) => {
    visits.push(new URL(req.url ?? '/', 'http://localhost').searchParams);
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><title>Order</title><h1>Thanks</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/order/complete`, visits, server };
}

describe.each(BACKENDS)('3D Secure in the sandbox (%s)', (backend) => {
  let stripe: Stripe;
  let close: () => Promise<void>;
  let browser: Browser;
  let merchant: Awaited<ReturnType<typeof merchantSite>>;

  beforeAll(async () => {
    ({ stripe, close } = await startSdkServer(backend));
    browser = await chromium.launch(CHROMIUM);
    merchant = await merchantSite();
  });
  afterAll(async () => {
    await browser?.close();
    merchant?.server.close();
    await close?.();
  });

  /** Opens the challenge in Chromium, answers it, and returns the page it ends on and the CSP violations. */
  async function answer(url: string, button: 'Complete authentication' | 'Fail authentication') {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await page.locator('h1').textContent()).toBe('Confirm this payment');
    // the stylesheet is allowed by its hash: it applied
    const color = await page.evaluate(
      "getComputedStyle(document.querySelector('button[value=approve]')).backgroundColor",
    );
    expect(color).toBe('rgb(11, 107, 47)');
    await Promise.all([
      page.waitForURL((u) => !u.pathname.startsWith('/3ds/')),
      page.click(`text=${button}`),
    ]);
    const landed = page.url();
    await page.close();
    return { landed, violations };
  }

  it.each(['4000002500003155', '4000002760003184', '4000000000003220'])(
    '%s requires action; approving in the browser completes the payment and returns to return_url',
    async (number) => {
      const pm = await stripe.paymentMethods.create(card(number));
      const pi = await stripe.paymentIntents.create({
        amount: 2_500,
        currency: 'eur',
        payment_method: pm.id,
        confirm: true,
        return_url: merchant.url,
      });
      expect(pi.status).toBe('requires_action');
      expect(pi.next_action?.type).toBe('redirect_to_url');
      const redirect = pi.next_action?.redirect_to_url;
      expect(redirect?.return_url).toBe(merchant.url);
      expect(redirect?.url).toMatch(new RegExp(`/3ds/challenge/${pi.id}\\?secret=`));
      expect(pi.amount_received).toBe(0);
      expect(pi.latest_charge).toBeNull();
      // retrieve shows the same next action
      expect((await stripe.paymentIntents.retrieve(pi.id)).next_action).toEqual(pi.next_action);

      const { landed, violations } = await answer(redirect?.url as string, 'Complete authentication');
      expect(violations).toEqual([]);
      const back = new URL(landed);
      expect(back.pathname).toBe('/order/complete');
      expect(back.searchParams.get('payment_intent')).toBe(pi.id);
      expect(back.searchParams.get('redirect_status')).toBe('succeeded');
      expect(back.searchParams.get('payment_intent_client_secret')).toBe(pi.client_secret);

      const done = await stripe.paymentIntents.retrieve(pi.id);
      expect(done.status).toBe('succeeded');
      expect(done.amount_received).toBe(2_500);
      expect(done.next_action).toBeNull();
      expect(done.latest_charge).toMatch(/^ch_/);
    },
  );

  it('failing the challenge leaves requires_payment_method with payment_intent_authentication_failure', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 1_200,
      currency: 'usd',
      payment_method: 'pm_card_authenticationRequired',
      capture_method: 'manual',
      confirm: true,
      return_url: merchant.url,
    });
    expect(pi.status).toBe('requires_action');
    const url = pi.next_action?.redirect_to_url?.url as string;
    const { landed } = await answer(url, 'Fail authentication');
    expect(new URL(landed).searchParams.get('redirect_status')).toBe('failed');
    const failed = await stripe.paymentIntents.retrieve(pi.id);
    expect(failed.status).toBe('requires_payment_method');
    expect(failed.last_payment_error?.code).toBe('payment_intent_authentication_failure');
    expect(failed.next_action).toBeNull();

    // the old link is dead once answered; a new card then authorizes (manual capture → requires_capture)
    const stale = await fetch(url);
    expect(await stale.text()).toContain('already authenticated or failed');
    const retried = await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' });
    expect(retried.status).toBe('requires_capture');
  });

  it('a forged or replayed answer changes nothing', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 900,
      currency: 'usd',
      payment_method: 'pm_card_threeDSecure2Required',
      confirm: true,
    });
    const url = new URL(pi.next_action?.redirect_to_url?.url as string);
    expect(pi.next_action?.redirect_to_url?.return_url).toBeNull();
    const forged = await fetch(`${url.origin}${url.pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'secret=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&outcome=approve',
    });
    expect(forged.status).toBe(404);
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('requires_action');
    const post = (outcome: string) =>
      fetch(`${url.origin}${url.pathname}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `secret=${url.searchParams.get('secret')}&outcome=${outcome}`,
      });
    expect((await post('approve')).status).toBe(200);
    // the same answer again (a form sent twice) replays; the other answer is refused
    expect((await post('approve')).status).toBe(200);
    const changed = await post('fail');
    expect(changed.status).toBe(409);
    expect(changed.headers.get('content-type')).toMatch(/^text\/html/);
    const done = await stripe.paymentIntents.retrieve(pi.id);
    expect([done.status, done.amount_received]).toEqual(['succeeded', 900]);
  });

  it('frictionless cards succeed at once; off-session a challenge card fails with authentication_required', async () => {
    for (const number of ['4000000000003063', '4000000000003055']) {
      const pm = await stripe.paymentMethods.create(card(number));
      const pi = await stripe.paymentIntents.create({
        amount: 1_000,
        currency: 'usd',
        payment_method: pm.id,
        confirm: true,
      });
      expect([number, pi.status, pi.next_action]).toEqual([number, 'succeeded', null]);
    }
    const customer = await stripe.customers.create({});
    const always = await stripe.paymentMethods.attach('pm_card_authenticationRequired', {
      customer: customer.id,
    });
    const err = await rejection(
      stripe.paymentIntents.create({
        amount: 1_000,
        currency: 'usd',
        customer: customer.id,
        payment_method: always.id,
        off_session: true,
        confirm: true,
      }),
    );
    expect([err.statusCode, err.code, err.decline_code]).toEqual([
      402,
      'authentication_required',
      'authentication_required',
    ]);
    // 4000002500003155 needs no authentication once saved, for off-session payments
    const onSetup = await stripe.paymentMethods.attach('pm_card_authenticationRequiredOnSetup', {
      customer: customer.id,
    });
    const offSession = await stripe.paymentIntents.create({
      amount: 1_000,
      currency: 'usd',
      customer: customer.id,
      payment_method: onSetup.id,
      off_session: true,
      confirm: true,
    });
    expect(offSession.status).toBe('succeeded');
  });

  it('return_url must be an absolute http(s) URL', async () => {
    const err = await rejection(
      stripe.paymentIntents.create({
        amount: 1_000,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        confirm: true,
        return_url: 'javascript:alert(1)',
      }),
    );
    expect([err.code, err.param]).toEqual(['url_invalid', 'return_url']);
  });
});
