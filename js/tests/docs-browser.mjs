// Loads /docs (Swagger UI) and /redoc of a running Forecourt in Debian's chromium, driven
// by playwright-core: every tag of the OpenAPI document must render, no Content-Security-
// Policy violation may happen, and screenshots are saved.
//   node js/tests/docs-browser.mjs <base-url> <output-dir>
// Prints one JSON line with what it found; exits non-zero on any failure.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [baseUrl, outDir] = process.argv.slice(2);
if (!baseUrl || !outDir) {
  console.error('usage: node docs-browser.mjs <base-url> <output-dir>');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'forecourt-chromium-'));
const failures = [];
const violations = [];

const doc = await (await fetch(`${baseUrl}/openapi.json`)).json();
const tags = [...new Set(Object.values(doc.paths).flatMap((item) =>
  Object.values(item).flatMap((op) => op.tags || [])))].sort();

const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await context.newPage();
  page.on('console', (msg) => {
    const text = msg.text();
    if (/Content Security Policy|Refused to/i.test(text)) violations.push(text);
  });
  page.on('pageerror', (err) => failures.push(`page error: ${err.message}`));

  await page.goto(`${baseUrl}/docs`, { waitUntil: 'networkidle' });
  await page.waitForSelector('.opblock-tag', { timeout: 30000 });
  const rendered = await page.$$eval('.opblock-tag', (els) =>
    els.map((e) => e.getAttribute('data-tag')).filter(Boolean));
  for (const tag of tags) {
    if (!rendered.includes(tag)) failures.push(`Swagger UI did not render tag '${tag}'`);
  }
  await page.screenshot({ path: path.join(outDir, 'docs.png'), fullPage: true });

  await page.goto(`${baseUrl}/redoc`, { waitUntil: 'networkidle' });
  await page.waitForSelector('.menu-content', { timeout: 30000 });
  const menu = await page.$$eval('.menu-content label', (els) => els.map((e) => e.textContent.trim()));
  for (const tag of tags) {
    if (!menu.some((m) => m.toLowerCase() === tag.toLowerCase()))
      failures.push(`Redoc did not render tag '${tag}'`);
  }
  await page.screenshot({ path: path.join(outDir, 'redoc.png') });
  // Redoc's sidebar links a logo from Redocly's CDN: blocked by design (no CDN), harmless.
  // Any other violation (a script, style or API call of our own refused) is a failure.
  for (const v of violations) {
    if (!/Loading the image 'https:\/\/cdn\.redoc\.ly\//.test(v)) failures.push(`CSP: ${v}`);
  }
  console.log(JSON.stringify({ tags, swagger_tags: rendered, redoc_menu: menu.length, violations, failures }));
} finally {
  await context.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(failures.length === 0 ? 0 : 1);
