// Jupyter Notebook 6 (Debian's jupyter-notebook) in Debian's Chromium: the same notebook as the
// JupyterLab test, here with its kernelspec in the metadata so the chosen kernel starts at once.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe } from 'node:test';
import { startNotebook6, waitFor } from '../lib/env.mjs';
import { frontEndSession } from '../lib/session.mjs';
import { kernelProfile, writeTestNotebook } from '../lib/kernels.mjs';
import { steps } from '../lib/steps.mjs';

const profile = kernelProfile();
const LONG = 60000;

describe(`Notebook 6 with the ${profile.name} kernel`, () => {
  let server, browser, page, dir, nb, marker;
  const step = steps('notebook6', () => browser);

  frontEndSession({
    label: 'notebook6', start: startNotebook6, kernelspec: profile.name,
    prepare: d => {
      const m = path.join(d, 'late-line.marker'); // a test writes it to release a late line
      return { nb: writeTestNotebook(d, profile, { marker: m, withKernelspec: true }), marker: m };
    }
  }, s => ({ dir, server, browser, page, prepared: { nb, marker } } = s));

  const cell = i => page.locator('#notebook-container .cell').nth(i);
  const prompt = async i => (await cell(i).locator('.input_prompt').innerText()).replace(/\s+/g, ' ').trim();
  const finishedCount = async i => {
    const m = /\[(\d+)\]/.exec(await prompt(i));
    return m ? Number(m[1]) : null;
  };
  const outputText = async i => (await cell(i).locator('.output_area').allInnerTexts()).join('\n');
  const waitOutput = (i, text) =>
    waitFor(async () => (await outputText(i)).includes(text), { timeout: LONG, what: `"${text}" under cell ${i}` });
  const runCell = async i => {
    await cell(i).locator('.input_prompt').click(); // selects the cell
    await page.keyboard.press('Control+Enter');
  };

  step('opens the notebook with the kernel running', async () => {
    await page.goto(`${server.baseUrl}/notebooks/${nb.fileName}?token=${server.token}`);
    await waitFor(() => page.evaluate(() => {
      const k = window.Jupyter?.notebook?.kernel;
      return k && k.is_connected() && document.querySelector('#kernel_indicator_icon.kernel_idle_icon') ? k.name : null;
    }), { timeout: LONG, what: 'the notebook and an idle kernel' }).then(name => assert.equal(name, profile.name));
    const version = await page.evaluate(() => window.Jupyter.version);
    assert.match(version, /^6\./, `Notebook version ${version}`);
  });

  step('Run All shows text output and an image/png as an image', async () => {
    await page.locator('#celllink').click();
    await page.locator('#run_all_cells > a').click();
    await waitOutput(nb.index.hello, 'hello');
    const img = cell(nb.index.image).locator('.output_png img');
    await img.waitFor({ timeout: LONG });
    await waitFor(() => img.evaluate(el => el.complete && el.naturalWidth > 0), { what: 'image decoded' });
    const box = await img.boundingBox();
    assert.ok(box && box.width > 0 && box.height > 0, `image has a size: ${JSON.stringify(box)}`);
    await waitOutput(nb.index.busy, 'spinning');
    assert.equal(await prompt(nb.index.busy), 'In [*]:');
    await browser.screenshot('notebook6-1-run-all');
  });

  step('interrupt from the toolbar stops a busy loop; the next cell then runs', async () => {
    await page.locator('#maintoolbar button[data-jupyter-action="jupyter-notebook:interrupt-kernel"]').click();
    await waitFor(async () => (await finishedCount(nb.index.busy)) !== null, { timeout: LONG, what: 'the busy cell to stop' });
    if (profile.interruptText) await waitOutput(nb.index.busy, profile.interruptText);
    await runCell(nb.index.after);
    await waitOutput(nb.index.after, 'after interrupt');
  });

  // Notebook 6 keeps the output callbacks of the most recent execution only, so no other cell
  // runs between the late cell and its line here (the JupyterLab test covers that case).
  step('a background thread prints under its own cell after the cell finished', async () => {
    await runCell(nb.index.late);
    await waitFor(() => finishedCount(nb.index.late), { timeout: LONG, what: 'the late cell to finish' });
    assert.ok(!(await outputText(nb.index.late)).includes('late line'), 'nothing printed before the marker');
    fs.writeFileSync(marker, 'go');
    await waitOutput(nb.index.late, 'late line');
    assert.ok(!(await outputText(nb.index.after)).includes('late line'), 'the late line is only under its cell');
    await browser.screenshot('notebook6-2-late-output');
  });

  step(`Tab completion offers ${profile.complete.expect} for ${profile.complete.code}`, async () => {
    await cell(nb.index.late).locator('.input_prompt').click();
    await page.keyboard.press('Escape');
    await page.keyboard.press('b');
    const fresh = cell(nb.index.late + 1);
    await fresh.locator('.CodeMirror').click();
    await page.keyboard.type(profile.complete.code);
    await page.keyboard.press('Tab');
    // Notebook 6 inserts a single match directly and lists several in a <select>.
    const result = await waitFor(async () => {
      const options = await page.locator('#complete select option').allInnerTexts().catch(() => []);
      if (options.length) return { options };
      const text = await fresh.locator('.CodeMirror-code').innerText();
      return text.includes(profile.complete.expect) ? { text } : null;
    }, { timeout: LONG, what: 'a completion' });
    if (result.options) assert.ok(result.options.includes(profile.complete.expect), `options: ${result.options.slice(0, 20)}`);
    await browser.screenshot('notebook6-3-completion');
  });
});
