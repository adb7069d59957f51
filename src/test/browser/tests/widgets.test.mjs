// Jupyter widgets from the Java kernel in the project's JupyterLab 4 (with
// @jupyter-widgets/jupyterlab-manager): a slider dragged by the mouse redraws an interact's chart
// (and the slider → chart time is measured in the page), a Stop button cancels a running
// experiment while its cell runs, a progress bar advances during a cell, and the widgets' state
// saved in the notebook is drawn again after a page reload with a fresh kernel.
// The notebook is this file's own (not a lesson); only the conclab kernel has these widgets.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe } from 'node:test';
import { KERNEL, TARGET, startJupyterLab, startNotebook6, waitFor } from '../lib/env.mjs';
import { frontEndSession } from '../lib/session.mjs';
import { steps } from '../lib/steps.mjs';

const LONG = 60000;
const RUNS = 1000; // runs of the stoppable experiment: minutes of work, so only Stop ends it early
const SAMPLES = 9; // slider → chart measurements

// The cells, in order. `interact` runs a small experiment (8 tasks of 2 ms) for each thread count
// and shows its timeline; `stop` runs a long experiment on its own thread, with a progress bar fed
// by the experiment's progress hook and a Stop button whose click interrupts that thread.
const CELLS = {
  interact: `var threads = intSlider("Threads", 1, 8, 2);
interact(threads, n -> experiment(cpu(ms(2))).tasks(8).on(platform(n)).run().timeline())`,
  stop: `var bar = progress("runs", ${RUNS});
var stop = button("Stop");
display(hbox(stop, bar));
var runner = Thread.ofPlatform().start(() -> {
    try { experiment(cpu(ms(10))).tasks(8).on(platform(2)).repeat(${RUNS}).progress(p -> bar.value(p.done())).run(); }
    catch (java.util.concurrent.CancellationException e) { System.out.println("stopped after " + bar.value() + " of ${RUNS} runs"); }
});
stop.onClick(runner::interrupt);
runner.join();`,
  after: `System.out.println("experiment threads alive: "
    + Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("platform-")).count());
System.out.println("the kernel answers: " + (6 * 7));`
};
const ORDER = Object.keys(CELLS);
const INDEX = Object.fromEntries(ORDER.map((k, i) => [k, i]));

function writeNotebook(dir) {
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'conclab', display_name: 'conclab', language: 'java' },
      language_info: { name: 'java' }
    },
    cells: ORDER.map(key => ({
      cell_type: 'code', id: `widgets-${key}`, metadata: {}, execution_count: null, outputs: [], source: CELLS[key]
    }))
  };
  const fileName = 'widgets-test.ipynb';
  fs.writeFileSync(path.join(dir, fileName), JSON.stringify(nb, null, 1));
  return fileName;
}

const median = xs => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const SKIP = KERNEL !== 'conclab' ? `BROWSER_KERNEL=${KERNEL}: widgets are the conclab kernel's` : false;

describe('Jupyter widgets in JupyterLab 4 with the conclab kernel', { skip: SKIP }, () => {
  let server, browser, page, dir, fileName;
  const step = steps('widgets', () => browser);

  frontEndSession({ label: 'widgets', start: startJupyterLab, kernelspec: 'conclab', prepare: writeNotebook },
    s => ({ dir, server, browser, page, prepared: fileName } = s));

  const panel = () => page.locator('.jp-NotebookPanel').filter({ visible: true });
  const cell = i => panel().locator('.jp-Notebook .jp-Cell').nth(i);
  const outputText = async i => (await cell(i).locator('.jp-OutputArea').allInnerTexts()).join('\n');
  const waitOutput = (i, text, timeout = LONG) =>
    waitFor(async () => (await outputText(i)).includes(text), { timeout, what: `"${text}" under cell ${i}` });
  const finishedCount = async i => {
    const m = /\[(\d+)\]/.exec(await cell(i).locator('.jp-InputArea-prompt').innerText());
    return m ? Number(m[1]) : null;
  };
  const runCell = async i => {
    await cell(i).locator('.jp-InputArea-prompt').click();
    await page.keyboard.press('Control+Enter');
  };
  const kernelIdle = () => page.evaluate(() => {
    const kernel = window.jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel;
    return kernel?.name === 'conclab' && kernel.status === 'idle';
  });
  // The interact's widgets: the slider's handle and readout, the chart in its output widget.
  const slider = () => cell(INDEX.interact).locator('.widget-slider').first();
  const handle = () => slider().locator('.noUi-handle').first();
  const readout = async () => Number((await slider().locator('.widget-readout').innerText()).trim());
  const chart = () => cell(INDEX.interact).locator('.widget-output img').first();
  const chartSrc = () => chart().getAttribute('src');

  // Sets up, in the page, a timer from the next keydown or pointerdown to the moment the interact's
  // output holds a different chart image, and to when that image is decoded (drawn), with the time
  // in between split at the kernel connection: the first comm message sent (the new value), the
  // kernel's echo_update of it, and the last comm message received before the chart changed (the
  // output widget's new outputs).
  // Resolves in window.__widgetLatency.
  const armLatency = () => cell(INDEX.interact).evaluate(cellEl => {
    const img = () => cellEl.querySelector('.widget-output img');
    const before = img()?.getAttribute('src');
    const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    window.__widgetLatency = new Promise(resolve => {
      let t0 = null, sent = null, echoed = null, received = null;
      const start = e => { if (t0 === null) t0 = e.timeStamp; };
      const onMessage = (_, { msg, direction }) => {
        if (t0 === null || msg.header.msg_type !== 'comm_msg') return;
        if (direction === 'send' && sent === null) sent = performance.now();
        if (direction === 'recv' && echoed === null && msg.content.data?.method === 'echo_update') echoed = performance.now();
        if (direction === 'recv' && msg.content.data?.state?.outputs) received = performance.now();
      };
      kernel.anyMessage.connect(onMessage);
      document.addEventListener('keydown', start, true);
      document.addEventListener('pointerdown', start, true);
      const check = () => {
        const el = img();
        if (t0 === null || !el || el.getAttribute('src') === before) return;
        observer.disconnect();
        kernel.anyMessage.disconnect(onMessage);
        document.removeEventListener('keydown', start, true);
        document.removeEventListener('pointerdown', start, true);
        const inPage = performance.now() - t0;
        const since = t => (t === null ? null : t - t0);
        const parts = { toSent: since(sent), toEchoed: since(echoed), toReceived: since(received) };
        el.decode().then(() => resolve({ inPage, drawn: performance.now() - t0, ...parts }),
          () => resolve({ inPage, drawn: inPage, ...parts }));
      };
      const observer = new MutationObserver(check);
      observer.observe(cellEl, { subtree: true, childList: true, attributes: true, attributeFilter: ['src'] });
    });
  });
  const awaitLatency = () => waitFor(() => page.evaluate(() => window.__widgetLatency), { timeout: LONG, what: 'a redrawn chart' });

  step('the widget manager is active, with the model versions the kernel sends', async () => {
    await page.goto(`${server.baseUrl}/lab?token=${server.token}`);
    await page.waitForSelector('body[data-conclab-ready="true"]', { state: 'attached', timeout: LONG });
    const plugins = await page.evaluate(() => {
      const lab = window.jupyterapp;
      const ids = ['@jupyter-widgets/jupyterlab-manager:plugin', '@jupyter-widgets/jupyterlab-manager:base-2.0.0',
        '@jupyter-widgets/jupyterlab-manager:controls-2.0.0', '@jupyter-widgets/jupyterlab-manager:output-1.0.0'];
      return Object.fromEntries(ids.map(id => [id, lab.hasPlugin(id) && lab.isPluginActivated(id)]));
    });
    for (const [id, active] of Object.entries(plugins)) assert.ok(active, `${id} is registered and active`);
    await page.evaluate(() => window.jupyterapp.shell.collapseLeft()); // the notebook's full width, for the screenshots
    // What Settings → Save Widget State Automatically shows: on, from jupyterlab/settings/overrides.json.
    await waitFor(() => page.evaluate(() =>
      window.jupyterapp.commands.isToggled('@jupyter-widgets/jupyterlab-manager:saveWidgetState')),
    { timeout: LONG, what: 'Save Widget State Automatically on by default' });
  });

  step('opens the notebook; its kernel starts from the metadata', async () => {
    await page.evaluate(f => window.jupyterapp.commands.execute('docmanager:open', { path: f }), fileName);
    await waitFor(kernelIdle, { timeout: LONG, what: 'the conclab kernel idle' });
    await cell(ORDER.length - 1).waitFor();
  });

  step('a slider dragged with the mouse redraws the interact\'s chart', async t => {
    await runCell(INDEX.interact);
    await handle().waitFor({ timeout: LONG });
    await chart().waitFor({ timeout: LONG });
    assert.equal(await readout(), 2);
    const first = await chartSrc();
    // A drag, as a person does it: press on the handle, move right along the track, release.
    const track = await slider().locator('.noUi-target').boundingBox();
    const h = await handle().boundingBox();
    await armLatency();
    await page.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
    await page.mouse.down();
    for (let k = 1; k <= 10; k++) {
      await page.mouse.move(h.x + h.width / 2 + (track.x + track.width * 0.75 - h.x - h.width / 2) * k / 10, h.y + h.height / 2);
    }
    await page.mouse.up();
    const dragged = await waitFor(async () => { const v = await readout(); return v > 2 ? v : 0; },
      { what: 'the readout to follow the drag' });
    await waitFor(async () => (await chartSrc()) !== first, { timeout: LONG, what: 'a new chart after the drag' });
    const drag = await awaitLatency();
    await browser.screenshot('widgets-1-slider');
    t.diagnostic(`drag to ${dragged} threads → new chart in ${drag.drawn.toFixed(0)} ms (includes the drag itself)`);
  });

  let measured = null;
  let tapWaits = 0; // clicks that waited for the previous tap's animation
  // A click on the slider's track moves the handle there (noUiSlider's tap): the measured action.
  // noUiSlider ignores a tap while its previous tap's 300 ms animation runs (the class noUi-state-tap on
  // the track): a chart redrawn in less than that left the next click unapplied. A person clicks again
  // once the handle has stopped moving; so does this test.
  const clickTrackAt = async value => {
    await slider().scrollIntoViewIfNeeded();
    if (await slider().locator('.noUi-target').evaluate(el => el.classList.contains('noUi-state-tap'))) tapWaits++;
    await waitFor(() => slider().locator('.noUi-target').evaluate(el => !el.classList.contains('noUi-state-tap')),
      { interval: 20, what: "the slider's previous tap animation to end" });
    const box = await slider().locator('.noUi-target').boundingBox();
    await page.mouse.click(box.x + box.width * (value - 1) / 7, box.y + box.height / 2);
  };
  step(`slider change → redrawn chart, measured in the page (median of ${SAMPLES})`, async () => {
    const samples = [];
    for (let k = 0; k < SAMPLES; k++) {
      const v = await readout();
      const target = v === 4 ? 5 : 4;
      await armLatency();
      await clickTrackAt(target);
      await waitFor(async () => (await readout()) === target, { what: `the readout at ${target}` });
      samples.push(await awaitLatency());
      await waitFor(kernelIdle, { timeout: LONG, what: 'the kernel idle' });
    }
    // The baseline, in the same page and minute: kernel_info round trips over the same websocket.
    const info = await page.evaluate(async n => {
      const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
      const xs = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await kernel.requestKernelInfo();
        xs.push(performance.now() - t0);
      }
      return xs;
    }, SAMPLES);
    const drawn = samples.map(s => s.drawn);
    const part = key => {
      const xs = samples.map(s => s[key]).filter(x => x !== null && x !== undefined);
      return xs.length === samples.length ? Math.round(median(xs)) : null;
    };
    const sent = part('toSent'), echoed = part('toEchoed'), received = part('toReceived');
    measured = {
      split: sent !== null && received !== null
        ? `click → value sent ${sent} ms, → the kernel's echo_update back ${echoed ?? '(not seen)'} ms, ` +
          `→ chart received ${received} ms (experiment, PNG, relay), → drawn ${Math.round(median(drawn))} ms (medians)`
        : 'the split at the kernel connection was not seen',
      kernelInfo: median(info).toFixed(1),
      samples: drawn.map(x => Math.round(x)),
      median: Math.round(median(drawn)),
      min: Math.round(Math.min(...drawn)),
      max: Math.round(Math.max(...drawn)),
      loadavg: os.loadavg().map(x => x.toFixed(1)),
      cores: os.cpus().length,
      when: new Date().toISOString()
    };
    const line = `slider change → redrawn chart (8 tasks of 2 ms, PNG timeline; a click on a quiet interact runs at once): ` +
      `median ${measured.median} ms, min ${measured.min}, max ${measured.max} over ${SAMPLES} clicks on the track (${tapWaits} waited for the previous tap's animation) ` +
      `[${measured.samples.join(', ')}]; ${measured.split}; baseline kernel_info round trip from the same page ${measured.kernelInfo} ms (median); ${measured.cores} cores, load average ${measured.loadavg.join(' ')} at ${measured.when}`;
    console.log(`widgets: ${line}`);
    fs.mkdirSync(path.join(TARGET, 'figures'), { recursive: true });
    fs.writeFileSync(path.join(TARGET, 'figures', 'widgets-slider-latency.txt'), line + '\n');
    assert.equal(samples.length, SAMPLES);
  });

  step('the arrow keys move a focused slider (the heading shortcuts stay off widgets)', async () => {
    const headingKeys = await page.evaluate(() => window.jupyterapp.commands.keyBindings
      .filter(b => /^notebook:move-cursor-heading-(above-or-collapse|below-or-expand)$/.test(b.command))
      .map(b => `${b.keys.join(' ')} ${b.selector}`));
    assert.equal(headingKeys.length, 2, `the heading shortcuts, once each: ${headingKeys.join(' | ')}`);
    for (const k of headingKeys) assert.match(k, /:not\(\.jupyter-widgets \*\)$/, 'narrowed to leave widgets alone');
    await slider().scrollIntoViewIfNeeded();
    await handle().click(); // focus, as a person does before using the keys
    for (const key of ['ArrowLeft', 'ArrowRight']) {
      const v = await readout();
      await page.keyboard.press(key);
      const want = key === 'ArrowLeft' ? v - 1 : v + 1;
      await waitFor(async () => (await readout()) === want, { what: `${key}: the slider from ${v} to ${want}` });
    }
  });

  step('a progress bar advances while its cell runs; Stop cancels the experiment and the kernel answers', async () => {
    await runCell(INDEX.stop);
    const bar = cell(INDEX.stop).locator('.widget-hprogress .progress-bar');
    const button = cell(INDEX.stop).locator('button.widget-button', { hasText: 'Stop' });
    // The notebook draws only what is in view: keep the end of the running cell there.
    await waitFor(async () => {
      await cell(INDEX.stop).evaluate(el => el.scrollIntoView({ block: 'end' }));
      return (await bar.count()) > 0 && (await button.count()) > 0;
    }, { timeout: LONG, interval: 250, what: 'the Stop button and the progress bar' });
    const width = () => bar.evaluate(el => parseFloat(el.style.width || '0'));
    const seen = new Set();
    await waitFor(async () => { const w = await width(); if (w > 0) seen.add(w); return seen.size >= 2; },
      { timeout: LONG, interval: 50, what: 'two different progress values' });
    assert.equal(await cell(INDEX.stop).locator('.jp-InputArea-prompt').innerText(), '[*]:', 'the cell is running');
    // The README's picture: the interact above, the bar visibly on its way, the cell still running.
    await waitFor(async () => (await width()) >= 2, { timeout: LONG, what: 'the progress bar at 2 %' });
    await cell(INDEX.interact).evaluate(el => el.scrollIntoView({ block: 'start' }));
    await browser.screenshot('widgets-2-progress');
    await cell(INDEX.stop).evaluate(el => el.scrollIntoView({ block: 'end' }));
    await button.click();
    await waitOutput(INDEX.stop, 'stopped after');
    const m = /stopped after (\d+) of (\d+) runs/.exec(await outputText(INDEX.stop));
    assert.ok(m && Number(m[1]) < RUNS, `stopped early: ${m?.[0]}`);
    await waitFor(async () => (await finishedCount(INDEX.stop)) !== null, { timeout: LONG, what: 'the cell to end' });
    await runCell(INDEX.after);
    await waitOutput(INDEX.after, 'the kernel answers: 42');
    assert.match(await outputText(INDEX.after), /experiment threads alive: 0/, 'the experiment\'s tasks ended');
    await browser.screenshot('widgets-3-stopped');
  });

  step('the saved notebook keeps the widget state; a reload with a new kernel draws it', async () => {
    const value = (await readout()) === 3 ? 6 : 3;
    await armLatency();
    await clickTrackAt(value);
    await waitFor(async () => (await readout()) === value, { what: `the readout at ${value}` });
    await awaitLatency(); // the chart for that value is in the output widget
    const lastChart = await chartSrc();
    await page.evaluate(() => window.jupyterapp.commands.execute('docmanager:save'));
    const file = path.join(dir, fileName);
    const savedValue = () => {
      const nb = JSON.parse(fs.readFileSync(file, 'utf8'));
      const state = nb.metadata?.widgets?.['application/vnd.jupyter.widget-state+json']?.state || {};
      const s = Object.values(state).find(m => m.model_name === 'IntSliderModel');
      return s?.state?.value;
    };
    await waitFor(() => savedValue() === value, { timeout: LONG, what: `the saved slider value ${value} in ${fileName}` });
    // The kernel that held the widgets goes away: what is drawn after the reload comes from the file.
    await page.evaluate(() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown());
    await page.reload();
    await page.waitForSelector('body[data-conclab-ready="true"]', { state: 'attached', timeout: LONG });
    if (!(await panel().count())) {
      await page.evaluate(f => window.jupyterapp.commands.execute('docmanager:open', { path: f }), fileName);
    }
    await waitFor(async () => {
      await cell(INDEX.interact).evaluate(el => el.scrollIntoView({ block: 'start' }));
      return (await handle().count()) > 0;
    }, { timeout: LONG, interval: 250, what: 'the slider after the reload' });
    await waitFor(async () => (await readout()) === value, { timeout: LONG, what: `the slider at ${value} after the reload` });
    await chart().waitFor({ timeout: LONG });
    assert.ok((await chartSrc()) === lastChart, 'the interact\'s last chart is drawn again, from the saved state');
    // Nothing came from a kernel (the new one has no widgets): the views say they are not live.
    assert.ok(await cell(INDEX.interact).locator('.jupyter-widgets-disconnected').count() > 0,
      'the restored widgets are marked disconnected');
    await browser.screenshot('widgets-4-reloaded');
  });
});

// Debian's Notebook 6 has no widget manager for these models (its ipywidgets 6 extension is too old,
// and not installed): a widget shows as its text fallback, and the notebook runs on.
describe('Jupyter widgets in Notebook 6: the text fallback', { skip: SKIP }, () => {
  let server, browser, page, fileName;
  const step = steps('widgets-notebook6', () => browser);

  frontEndSession({ label: 'widgets-notebook6', start: startNotebook6, prepare: writeNotebook },
    s => ({ server, browser, page, prepared: fileName } = s));

  step('a slider and its interact show as text; the next cell runs', async () => {
    await page.goto(`${server.baseUrl}/notebooks/${fileName}?token=${server.token}`);
    await waitFor(() => page.evaluate(() => {
      const k = window.Jupyter?.notebook?.kernel;
      return k && k.is_connected() && document.querySelector('#kernel_indicator_icon.kernel_idle_icon');
    }), { timeout: LONG, what: 'the notebook and an idle kernel' });
    const cell = i => page.locator('#notebook-container .cell').nth(i);
    const text = async i => (await cell(i).locator('.output_area').allInnerTexts()).join('\n');
    await cell(INDEX.interact).locator('.input_prompt').click();
    await page.keyboard.press('Control+Enter');
    await waitFor(async () => /Threads: 2 \(1.8\)/.test(await text(INDEX.interact)),
      { timeout: LONG, what: 'the slider\'s text fallback' });
    await cell(INDEX.after).locator('.input_prompt').click();
    await page.keyboard.press('Control+Enter');
    await waitFor(async () => (await text(INDEX.after)).includes('the kernel answers: 42'),
      { timeout: LONG, what: 'the next cell\'s output' });
    await browser.screenshot('widgets-notebook6-fallback');
  });
});
