// Shared e2e plumbing: a `vite preview` of the built site on a free port, Debian's Chromium via
// playwright-core (no browser download), the wasm core loaded in this Node process to get the
// numbers the page must show, and a guard that fails a test on any console error, page error or
// HTTP status >= 400.
import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

export const WEB = fileURLToPath(new URL('..', import.meta.url));
export const SCREENSHOTS = fileURLToPath(new URL('../../build/screenshots/', import.meta.url));

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts `vite preview` of web/dist (optionally under a base path). */
export async function startServer({ base } = {}) {
  const port = await freePort();
  const args = ['node_modules/vite/bin/vite.js', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'];
  if (base) args.push('--base', base);
  const proc = spawn(process.execPath, args, { cwd: WEB, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => (log += d));
  proc.stderr.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}${base ?? '/'}`;
  const t0 = Date.now();
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`vite preview exited: ${log}`);
    try {
      const r = await fetch(url);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() - t0 > 15000) throw new Error(`vite preview did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A page that records every console error, page error and failed request. */
export async function openPage(browser, { colorScheme = 'light', viewport = { width: 1280, height: 900 } } = {}) {
  const context = await browser.newContext({ colorScheme, viewport });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  // The built site ships a strict CSP (vite.config.ts): any violation, in the page or a worker,
  // fails the test (Chromium also logs it as a console error; this names the directive).
  await page.exposeFunction('__estiCspViolation', (v) => problems.push(`CSP violation: ${v}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__estiCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} in ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  return {
    page,
    problems,
    assertClean() {
      assert.deepEqual(problems, [], 'no console errors, page errors or failed requests');
    },
    close: () => context.close(),
  };
}

export async function waitReady(page) {
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
}

/** The same wasm module the page bundles, loaded in this process. */
export async function loadCore() {
  const { default: createEstiCore } = await import('../src/wasm/esti_core.mjs');
  const wasmBinary = await readFile(new URL('../src/wasm/esti_core.wasm', import.meta.url));
  const core = await createEstiCore({ wasmBinary });
  return {
    core,
    call(fn, arg) {
      return JSON.parse(arg === undefined ? core[fn]() : core[fn](arg));
    },
  };
}

// Reading the page's formatted numbers back, to check the text (not only data-value) shows the
// core's number: 4 significant digits means a relative rounding error of at most 5e-4.
const PREFIX = {
  '': 1,
  K: 1e3,
  k: 1e3,
  M: 1e6,
  B: 1e9,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  m: 1e-3,
  µ: 1e-6,
  n: 1e-9,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};
export function parseShown(text, unit) {
  const t = text.replace(/,/g, '').trim();
  if (unit === 'fraction') return Number(t.replace(/\s*%$/, '')) / 100;
  if (unit === 'int') return Number(t);
  const m = /^(-?[0-9.]+)\s*(Ki|Mi|Gi|Ti|Pi|[KkMBGTPmµn]?)(B|s|chip·s|FLOP\/s|B\/s| tok\/s)?(?: tok\/s)?$/.exec(t);
  if (!m) throw new Error(`cannot read "${text}" as ${unit}`);
  return Number(m[1]) * PREFIX[m[2]];
}

export function assertShownEquals(shownText, unit, dataValue, expected, label) {
  assert.equal(dataValue, String(expected), `${label}: data-value equals the core's number`);
  const shown = parseShown(shownText, unit);
  const tol = unit === 'fraction' ? 5e-4 : unit === 'int' ? 0 : 5e-4 * Math.abs(expected);
  assert.ok(Math.abs(shown - expected) <= tol + 1e-300, `${label}: shown "${shownText}" vs core ${expected}`);
}

/** All [data-value] numbers inside `selector`, keyed by data-testid. */
export async function readNumbers(page, selector = 'body') {
  return page.$$eval(`${selector} [data-testid][data-value]`, (els) =>
    els.map((e) => ({ id: e.getAttribute('data-testid'), value: e.getAttribute('data-value'), unit: e.getAttribute('data-unit'), text: e.textContent })),
  );
}

export async function screenshot(page, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

/**
 * One preview server, one browser and one wasm core for a test file: started before its tests,
 * closed after them. `use` receives {server, browser, core} once they are up.
 */
export function setUpSuite(use) {
  let server, browser;
  before(async () => {
    let core;
    [server, browser, core] = await Promise.all([startServer(), launchBrowser(), loadCore()]);
    use({ server, browser, core });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
}

/** The scenario text the page's address holds (the link's `s=` part, inflated). */
export async function scenarioOf(page) {
  const hash = await page.evaluate(() => location.hash);
  const m = /[#&]s=([A-Za-z0-9_-]+)/.exec(hash);
  assert.ok(m, `no scenario in ${hash}`);
  return inflateRawSync(Buffer.from(m[1], 'base64url')).toString('utf8');
}

/** One recompute per frame: wait until the worker is idle and the address is written. */
export async function settle(page) {
  await page.waitForFunction(() => document.getElementById('status')?.dataset.kind !== 'busy');
  await page.waitForTimeout(150);
}
