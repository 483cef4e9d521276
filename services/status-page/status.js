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

async function timedFetch(url, options) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    return await fetch(url, { ...options, cache: 'no-store', signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
}

// A CORS-enabled answer shows the status code. Without CORS headers the browser hides the answer; a second,
// opaque request then still tells "the endpoint answered" apart from "nothing reachable".
async function probe(url) {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await timedFetch(url, {});
    return { state: response.ok ? 'up' : 'down', detail: `HTTP ${response.status}`, ms: elapsed() };
  } catch (error) {
    if (error.name === 'AbortError') return { state: 'down', detail: 'timed out', ms: elapsed() };
  }
  try {
    await timedFetch(url, { mode: 'no-cors' });
    return { state: 'pending', detail: 'answered; status hidden (no CORS headers)', ms: elapsed() };
  } catch (error) {
    const detail = error.name === 'AbortError' ? 'timed out' : 'unreachable';
    return { state: 'down', detail, ms: elapsed() };
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
        cell(`${result.state === 'pending' ? 'reachable' : result.state} (${result.detail})`, result.state),
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
