// JupyterLab's own client library, @jupyterlab/services, in Node against Debian's
// jupyter_server: the messages a kernel sends for execute, complete, inspect, interrupt and
// restart, as JupyterLab receives them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test as nodeTest } from 'node:test';
import services from '@jupyterlab/services';
import WebSocket from 'ws';
import { startJupyterServer, tempDir, waitFor } from '../lib/env.mjs';
import { kernelProfile } from '../lib/kernels.mjs';

const { KernelManager, KernelSpecManager, ServerConnection } = services;
const profile = kernelProfile();
const LONG = 60000;

function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms); })
  ]).finally(() => clearTimeout(timer));
}

// Node's fetch does not implement the `cache` request option that the library sets.
const nodeFetch = (input, init = {}) => {
  const { cache, ...rest } = init; // eslint-disable-line no-unused-vars
  return fetch(input instanceof Request ? new Request(input, { cache: undefined }) : input, rest);
};

describe(`@jupyterlab/services with the ${profile.name} kernel`, () => {
  let server, settings, kernels, kernel, dir;
  // The tests share one kernel, in order: after a failure the rest are skipped.
  let failed = null;
  const test = (name, options, body) => nodeTest(name, options, async t => {
    if (failed) return t.skip(`an earlier test failed: ${failed}`);
    try { await body(t); } catch (err) { failed = name; throw err; }
  });
  const iopub = []; // every iopub message this connection received

  before(async () => {
    dir = tempDir('services');
    server = await startJupyterServer(dir);
    settings = ServerConnection.makeSettings({
      baseUrl: `${server.baseUrl}/`,
      wsUrl: `${server.baseUrl.replace(/^http/, 'ws')}/`,
      token: server.token,
      appendToken: true,
      fetch: nodeFetch,
      Request,
      Headers,
      WebSocket
    });
    kernels = new KernelManager({ serverSettings: settings });
    await within(kernels.ready, LONG, 'kernel manager ready');
  });

  after(async () => {
    try { if (kernel && !kernel.isDisposed) await within(kernel.shutdown(), 15000, 'shutdown'); } catch { /* server stops it */ }
    kernels?.dispose();
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Executes `code`; returns the reply and the iopub messages of this request, in order. */
  async function execute(code, { onMessage, keepOpen = false } = {}) {
    const future = kernel.requestExecute({ code, silent: false, store_history: true, allow_stdin: false }, !keepOpen);
    const messages = [];
    future.onIOPub = msg => { messages.push(msg); onMessage?.(msg, future); };
    const reply = await within(future.done, LONG, `execute_reply for ${JSON.stringify(code.slice(0, 40))}`);
    return { future, reply, messages, msgId: future.msg.header.msg_id };
  }
  const streamText = messages => messages.filter(m => m.header.msg_type === 'stream').map(m => m.content.text).join('');
  const statuses = messages => messages.filter(m => m.header.msg_type === 'status').map(m => m.content.execution_state);

  test('the kernelspec is listed and the kernel starts', { timeout: LONG }, async () => {
    const specs = new KernelSpecManager({ serverSettings: settings });
    try {
      await within(specs.ready, LONG, 'kernelspecs');
      const names = Object.keys(specs.specs.kernelspecs);
      assert.ok(names.includes(profile.name), `kernelspec ${profile.name} is installed (found: ${names.join(', ')}; JUPYTER_PATH=${process.env.JUPYTER_PATH || ''})`);
    } finally {
      specs.dispose();
    }
    kernel = await within(kernels.startNew({ name: profile.name }), LONG, 'start kernel');
    kernel.iopubMessage.connect((_, msg) => iopub.push(msg));
    const info = await within(kernel.info, LONG, 'kernel_info');
    assert.equal(info.status, 'ok');
    assert.equal(info.language_info.name, profile.language);
    assert.match(info.protocol_version, /^5\./);
    await waitFor(() => kernel.status === 'idle', { timeout: LONG, what: 'kernel idle' });
  });

  test('execute: busy, stream, execute_reply ok, idle', { timeout: LONG }, async () => {
    const { reply, messages } = await execute(profile.cells.hello);
    assert.equal(reply.content.status, 'ok');
    assert.equal(typeof reply.content.execution_count, 'number');
    const states = statuses(messages);
    assert.equal(states[0], 'busy', `first status of the request: ${states}`);
    assert.equal(states.at(-1), 'idle', `last status of the request: ${states}`);
    assert.equal(messages[0].header.msg_type, 'status');
    assert.ok(messages.some(m => m.header.msg_type === 'execute_input'), 'execute_input was broadcast');
    assert.equal(streamText(messages), 'hello\n');
    assert.ok(messages.filter(m => m.header.msg_type === 'stream').every(m => m.content.name === 'stdout'));
  });

  test('display_data carries an image/png', { timeout: LONG }, async () => {
    const { reply, messages } = await execute(profile.cells.image);
    assert.equal(reply.content.status, 'ok');
    const shown = messages.find(m => m.header.msg_type === 'display_data' && m.content.data['image/png']);
    assert.ok(shown, `display_data with image/png among ${messages.map(m => m.header.msg_type)}`);
    const png = Buffer.from(shown.content.data['image/png'], 'base64');
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], 'PNG signature');
  });

  test('a background thread\'s late output carries its request as parent', { timeout: LONG }, async () => {
    const marker = path.join(dir, 'late-line.marker');
    const { reply, messages, msgId, future } = await execute(profile.cells.late(marker), { keepOpen: true });
    assert.equal(reply.content.status, 'ok');
    assert.ok(!streamText(messages).includes('late line'), 'nothing printed before the marker');
    const idleAt = iopub.length;
    fs.writeFileSync(marker, 'go');
    const late = await waitFor(() => iopub.slice(idleAt).find(m => m.header.msg_type === 'stream' && m.content.text.includes('late line')),
      { timeout: LONG, what: 'the late line' });
    assert.equal(late.parent_header.msg_id, msgId, 'the late line belongs to the request that started the thread');
    future.dispose();
  });

  test('complete and inspect', { timeout: LONG }, async () => {
    const { code, expect } = profile.complete;
    const completion = await within(kernel.requestComplete({ code, cursor_pos: code.length }), LONG, 'complete_reply');
    assert.equal(completion.content.status, 'ok');
    assert.ok(completion.content.matches.some(m => m === expect || m === `${expect}(`),
      `matches for ${code}: ${completion.content.matches.slice(0, 20)}`);
    assert.ok(completion.content.cursor_end === code.length, 'cursor_end at the end of the code');
    const ins = profile.inspect;
    const inspection = await within(kernel.requestInspect({ code: ins.code, cursor_pos: ins.code.length, detail_level: 0 }), LONG, 'inspect_reply');
    assert.equal(inspection.content.status, 'ok');
    assert.equal(inspection.content.found, true);
    assert.match(inspection.content.data['text/plain'] || '', ins.expect);
  });

  test('interrupt stops a busy loop; the kernel then runs the next cell', { timeout: LONG }, async () => {
    let interruptedAt = 0;
    const started = new Promise(resolve => {
      const run = execute(profile.cells.busy, {
        onMessage: msg => {
          if (msg.header.msg_type === 'stream' && msg.content.text.includes('spinning') && !interruptedAt) {
            interruptedAt = Date.now();
            resolve(kernel.interrupt().then(() => run));
          }
        }
      });
      run.catch(resolve);
    });
    const { reply, messages } = await within(started, LONG, 'the busy loop to start and be interrupted');
    const stoppedIn = Date.now() - interruptedAt;
    assert.notEqual(reply.content.status, 'ok', 'the interrupted cell does not succeed');
    if (profile.interruptText) {
      assert.equal(reply.content.ename, profile.interruptText);
      assert.ok(messages.some(m => m.header.msg_type === 'error'), 'an error message on iopub');
    }
    assert.equal(statuses(messages).at(-1), 'idle');
    assert.ok(stoppedIn < 10000, `stopped ${stoppedIn} ms after the interrupt`);
    const next = await execute(profile.cells.after);
    assert.equal(next.reply.content.status, 'ok');
    assert.equal(streamText(next.messages), 'after interrupt\n');
  });

  test('restart: status restarting, then a fresh kernel that executes', { timeout: 2 * LONG }, async () => {
    const seen = [];
    const onStatus = (_, status) => seen.push(status);
    kernel.statusChanged.connect(onStatus);
    const before = (await execute(profile.cells.hello)).reply.content.execution_count;
    assert.ok(before > 1, `execution count before the restart: ${before}`);
    await within(kernel.restart(), LONG, 'restart');
    await within(kernel.info, LONG, 'kernel_info after restart');
    await waitFor(() => kernel.status === 'idle', { timeout: LONG, what: 'idle after restart' });
    kernel.statusChanged.disconnect(onStatus);
    assert.ok(seen.includes('restarting'), `statuses seen: ${seen}`);
    const { reply, messages } = await execute(profile.cells.hello);
    assert.equal(reply.content.status, 'ok');
    assert.equal(reply.content.execution_count, 1, 'a new kernel counts from 1');
    assert.equal(streamText(messages), 'hello\n');
  });
});
