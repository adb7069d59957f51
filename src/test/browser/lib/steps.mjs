// Ordered test steps that share one browser session: once a step fails, the later steps are
// skipped (they would only fail for the same reason), and every failure carries a screenshot
// and the browser console.
import { test } from 'node:test';
import { withDiagnostics } from './browser.mjs';

export function steps(label, getBrowser) {
  let failed = null;
  return function step(name, options, body) {
    if (typeof options === 'function') [options, body] = [{}, options];
    test(name, { timeout: 90000, ...options }, async t => {
      if (failed) return t.skip(`an earlier step failed: ${failed}`);
      try {
        await withDiagnostics(getBrowser(), `${label}-${slug(name)}`, () => body(t));
      } catch (err) {
        failed = name;
        throw err;
      }
    });
  };
}

const slug = s => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 48);
