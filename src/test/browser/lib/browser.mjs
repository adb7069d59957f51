// Debian's Chromium driven by playwright-core: a fresh profile directory per launch, the flags
// this machine needs (no background networking: the network is closed), console kept for reports.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { SCREENSHOTS, tempDir } from './env.mjs';

export const CHROMIUM = process.env.BROWSER_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'
];

/**
 * Opens a browser page. Returns { page, consoleLines, screenshot(name), close() }.
 * consoleLines collects the page's console and errors, printed by the tests on failure.
 */
export async function openBrowser(label) {
  const profile = tempDir(`chromium-${label}`);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1400, height: 900 },
    timeout: 60000
  });
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(30000);
  const consoleLines = [];
  page.on('console', msg => {
    const text = msg.text();
    // Known and harmless with JupyterLab 4.6.4 on yjs 13.6 (README): kept out of the report.
    if (/^Invalid access: Add Yjs type to a document|^\[yjs#509\] Not same Y\.Doc/.test(text)) return;
    consoleLines.push(`[${msg.type()}] ${text}`);
  });
  page.on('pageerror', err => consoleLines.push(`[pageerror] ${err.stack || err.message}`));
  const screenshot = async name => {
    const file = path.join(SCREENSHOTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage: false });
    return file;
  };
  const close = async () => {
    await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return { context, page, consoleLines, screenshot, close };
}

/**
 * Runs `body`; on failure takes a screenshot named `<label>-failure` and appends its path and
 * the browser console to the error, so a failed run says where to look.
 */
export async function withDiagnostics(browser, label, body) {
  try {
    return await body();
  } catch (err) {
    let shot = '(no screenshot)';
    try { shot = await browser.screenshot(`${label}-failure`); } catch { /* page gone */ }
    const extra = `\n  screenshot: ${shot}\n  browser console (last 40 lines):\n    ` +
      browser.consoleLines.slice(-40).join('\n    ');
    // Node prints the stack, which captured the message when the error was made.
    try { err.message += extra; err.stack = `${err.stack}${extra}`; } catch { /* frozen error */ }
    throw err;
  }
}
