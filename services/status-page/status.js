/* global document */
// Operator status page: reads config.json (written at deploy time with the API URL) and probes the
// payment API's liveness and readiness endpoints. Plain browser JavaScript, no build step.
'use strict';

const CHECKS = [
  { name: 'Liveness', path: '/health' },
  { name: 'Readiness', path: '/ready' },
];
const INTERVAL_MS = 30000;
const TIMEOUT_MS = 5000;

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

async function probe(url) {
  const started = performance.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    const response = await fetch(url, { cache: 'no-store', signal: controller.signal });
    return {
      up: response.ok,
      detail: `HTTP ${response.status}`,
      ms: Math.round(performance.now() - started),
    };
  } catch (error) {
    const detail = error.name === 'AbortError' ? 'timed out' : 'unreachable (network or CORS)';
    return { up: false, detail, ms: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}

async function runChecks(apiUrl) {
  const rows = await Promise.all(
    CHECKS.map(async (check) => {
      const url = new URL(check.path, apiUrl).toString();
      const result = await probe(url);
      const tr = document.createElement('tr');
      tr.append(
        cell(check.name),
        cell(url),
        cell(result.up ? `up (${result.detail})` : `down (${result.detail})`, result.up ? 'up' : 'down'),
        cell(`${result.ms} ms`),
      );
      return tr;
    }),
  );
  document.getElementById('checks').replaceChildren(...rows);
  document.getElementById('updated').textContent = `Last checked ${new Date().toLocaleTimeString()}`;
}

async function main() {
  const environment = document.getElementById('environment');
  let config;
  try {
    const response = await fetch('config.json', { cache: 'no-store' });
    if (!response.ok) throw new Error(`config.json answered HTTP ${response.status}`);
    config = await response.json();
  } catch (error) {
    environment.textContent = `Cannot read deployment details: ${error.message}`;
    environment.className = 'down';
    return;
  }
  environment.textContent = `Environment ${config.environment} in ${config.region} — API ${config.apiUrl}`;
  await runChecks(config.apiUrl);
  setInterval(() => runChecks(config.apiUrl), INTERVAL_MS);
}

main();
