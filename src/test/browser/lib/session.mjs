// One front end under test: a directory of notebooks, a Jupyter server on it and a browser page,
// made before a describe's steps and removed after them (each test file's set-up and tear-down).
import fs from 'node:fs';
import { after, before } from 'node:test';
import { openBrowser } from './browser.mjs';
import { requireKernelspec, tempDir } from './env.mjs';

/**
 * Registers the describe's before/after. `prepare(dir)` writes the notebooks (its result is passed on),
 * `start(dir)` starts the server, `kernelspec` (optional) must be offered by it, `label` names the
 * temporary directory, the browser and its screenshots. `ready({ dir, prepared, server, browser, page })`
 * hands them to the test file's variables.
 */
export function frontEndSession({ label, start, kernelspec, prepare = () => undefined }, ready) {
  let dir, server, browser;
  before(async () => {
    dir = tempDir(label);
    const prepared = prepare(dir);
    server = await start(dir);
    if (kernelspec) await requireKernelspec(server, kernelspec);
    browser = await openBrowser(label);
    ready({ dir, prepared, server, browser, page: browser.page });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
}
