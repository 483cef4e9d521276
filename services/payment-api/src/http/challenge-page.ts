import { createHash } from 'node:crypto';

/**
 * The HTML of the simulated 3D Secure challenge page (ADR 0027): no script at all, one stylesheet allowed
 * by its hash, forms that may post only to this page (and the merchant's return origin the answer
 * redirects to), never framed.
 */
const STYLE = `body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.25rem}p.amount{font-size:1.5rem;font-weight:600}.test{color:#8a5300;font-size:.875rem}
form{display:flex;gap:.75rem;margin-top:1.5rem}button{flex:1;padding:.75rem;font-size:1rem;border-radius:.375rem;
border:1px solid #888;cursor:pointer}button[value=approve]{background:#0b6b2f;color:#fff;border-color:#0b6b2f}`;

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page's Content-Security-Policy; `returnOrigin` is where the answer redirects the browser to. */
export function challengeCsp(returnOrigin: string | null): string {
  return [
    "default-src 'none'",
    `style-src 'sha256-${STYLE_HASH}'`,
    `form-action 'self'${returnOrigin ? ` ${returnOrigin}` : ''}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** Headers of every answer of the page: strict CSP, never cached, never sniffed, no referrer. */
export function challengeHeaders(returnOrigin: string | null): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': challengeCsp(returnOrigin),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  };
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

export function formatAmount(amount: number, currency: string): string {
  const format = new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() });
  return format.format(amount / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

/** The challenge: what is paid, and the two answers a test cardholder can give. */
export function challengePage(p: { action: string; secret: string; amount: string; card: string }): string {
  return page(
    '3D Secure authentication',
    `<h1>Confirm this payment</h1>
<p class="test">Tessera test mode: simulated 3D Secure challenge. No bank is contacted.</p>
<p class="amount">${escapeHtml(p.amount)}</p>
<p>Card ${escapeHtml(p.card)}</p>
<form method="post" action="${escapeHtml(p.action)}">
<input type="hidden" name="secret" value="${escapeHtml(p.secret)}">
<button type="submit" name="outcome" value="approve">Complete authentication</button>
<button type="submit" name="outcome" value="fail">Fail authentication</button>
</form>`,
  );
}

/** A page with a message only (a link that is not valid, an authentication already answered). */
export function messagePage(title: string, message: string, link: string | null = null): string {
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>${link ? `\n<p><a href="${escapeHtml(link)}">Return to the merchant</a></p>` : ''}`,
  );
}
