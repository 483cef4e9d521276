import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

const SCRIPT = readFileSync(
  fileURLToPath(new URL('../../services/status-page/status.js', import.meta.url)),
  'utf8',
);

interface FakeElement {
  textContent: string;
  className: string;
  children: FakeElement[];
  append(...c: FakeElement[]): void;
  replaceChildren(...c: FakeElement[]): void;
}

function element(): FakeElement {
  return {
    textContent: '',
    className: '',
    children: [],
    append(...c) {
      this.children.push(...c);
    },
    replaceChildren(...c) {
      this.children = c;
    },
  };
}

type Answer = { status: number } | 'cors-blocked' | 'down';

/** Runs the page script against a fake DOM and a fake fetch that models the browser's CORS behaviour. */
async function render(
  answers: Record<string, Answer>,
  config: unknown = { environment: 'prod', region: 'us-east-1', apiUrl: 'https://api.example.com' },
) {
  const elements: Record<string, FakeElement> = {
    environment: element(),
    checks: element(),
    updated: element(),
  };
  const fetch = async (url: string, options: { mode?: string } = {}) => {
    if (url === 'config.json') {
      return config === null
        ? { ok: false, status: 404 }
        : { ok: true, status: 200, json: async () => config };
    }
    const answer = answers[new URL(url).pathname];
    if (answer === undefined || answer === 'down') throw new TypeError('Failed to fetch');
    if (answer === 'cors-blocked') {
      if (options.mode === 'no-cors') return { ok: false, status: 0, type: 'opaque' };
      throw new TypeError('Failed to fetch');
    }
    return { ok: answer.status >= 200 && answer.status < 300, status: answer.status };
  };
  runInNewContext(SCRIPT, {
    document: { getElementById: (id: string) => elements[id], createElement: () => element() },
    fetch,
    performance: { now: () => 0 },
    AbortController,
    setTimeout,
    clearTimeout,
    setInterval: () => 0,
    URL,
    Date,
  });
  for (
    let i = 0;
    i < 20 && elements.updated!.textContent === '' && elements.environment!.className !== 'down';
    i++
  ) {
    await new Promise((r) => setTimeout(r, 5));
  }
  const rows = elements.checks!.children.map((tr) => tr.children.map((td) => [td.textContent, td.className]));
  return { rows, environment: elements.environment! };
}

describe('status page', () => {
  it('shows the deployment and both probes with their HTTP status', async () => {
    const { rows, environment } = await render({ '/health': { status: 200 }, '/ready': { status: 503 } });
    expect(environment.textContent).toBe('Environment prod in us-east-1 — API https://api.example.com');
    expect(rows.map((r) => [r[0]?.[0], r[1]?.[0], r[2]?.[0], r[2]?.[1]])).toEqual([
      ['Liveness', 'https://api.example.com/health', 'up (HTTP 200)', 'up'],
      ['Readiness', 'https://api.example.com/ready', 'down (HTTP 503)', 'down'],
    ]);
  });

  it('tells an API without CORS headers apart from an unreachable one', async () => {
    const { rows } = await render({ '/health': 'cors-blocked', '/ready': 'down' });
    expect(rows.map((r) => r[2])).toEqual([
      ['reachable (answered; status hidden (no CORS headers))', 'pending'],
      ['down (unreachable)', 'down'],
    ]);
  });

  it('says so when the deployed config.json is missing, and probes nothing', async () => {
    const { rows, environment } = await render({ '/health': { status: 200 } }, null);
    expect(environment.textContent).toBe('Cannot read deployment details: config.json answered HTTP 404');
    expect(environment.className).toBe('down');
    expect(rows).toEqual([]);
  });
});
