// Shared test environment: repository paths, free ports, tokens, server processes with logs.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BROWSER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = process.env.CONCLAB_ROOT || path.resolve(BROWSER_DIR, '..', '..', '..');
export const TARGET = path.join(ROOT, 'target');
export const SCREENSHOTS = process.env.BROWSER_SCREENSHOTS || path.join(TARGET, 'screenshots');
export const LOGS = process.env.BROWSER_LOGS || path.join(TARGET, 'browser-logs');
export const PYTHON = '/usr/bin/python3'; // Debian's interpreter, which has Debian's Jupyter
export const KERNEL = process.env.BROWSER_KERNEL || 'conclab';

fs.mkdirSync(SCREENSHOTS, { recursive: true });
fs.mkdirSync(LOGS, { recursive: true });

/** A free TCP port on 127.0.0.1 (asked of the OS, then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export const randomToken = () => randomBytes(24).toString('hex');

export function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `conclab-${prefix}-`));
}

/** Polls `probe` until it returns a truthy value; fails after `timeout` ms with `what`. */
export async function waitFor(probe, { timeout = 30000, interval = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
    }
    await new Promise(r => setTimeout(r, interval));
  }
}

/**
 * Starts a server process and waits until `url` answers HTTP (any status below 500).
 * The process gets its own process group so that stop() ends it and whatever it started
 * (kernels). Output goes to LOGS/<name>.log.
 */
export async function startServer(name, command, args, { url, env = {}, cwd, timeout = 60000 } = {}) {
  const logFile = path.join(LOGS, `${name}.log`);
  const log = fs.openSync(logFile, 'w');
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
    detached: true
  });
  fs.closeSync(log);
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  const stop = async () => {
    if (exited) return;
    const gone = new Promise(r => child.once('exit', r));
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
    const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
    await gone;
    clearTimeout(timer);
  };
  registerCleanup(stop);
  try {
    await waitFor(async () => {
      if (exited) throw new Error(`${name} exited (${JSON.stringify(exited)}); log: ${logFile}`);
      const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5000) });
      return res.status < 500;
    }, { timeout, interval: 200, what: `${name} at ${url.replace(/token=[^&]+/, 'token=…')}` });
  } catch (err) {
    await stop();
    throw new Error(`${err.message}\n--- ${logFile} ---\n${tail(logFile)}`);
  }
  return { child, logFile, stop };
}

export function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

// Servers are stopped by the tests' after() hooks; this is the backstop when a test file dies.
const cleanups = new Set();
function registerCleanup(fn) { cleanups.add(fn); }
function killAllNow() {
  for (const fn of cleanups) { try { fn(); } catch { /* best effort */ } }
}
process.once('exit', killAllNow);
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => { killAllNow(); process.exit(130); });

/** Servers used by the tests. Each returns { baseUrl, token, stop, logFile }. */
export async function startJupyterLab(notebookDir) {
  const port = await freePort();
  const token = randomToken();
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = await startServer('jupyterlab', path.join(BROWSER_DIR, 'jupyterlab', 'serve'),
    [String(port), token, notebookDir], { url: `${baseUrl}/api/status?token=${token}` });
  return { ...server, baseUrl, token };
}

export async function startNotebook6(notebookDir) {
  const port = await freePort();
  const token = randomToken();
  const baseUrl = `http://127.0.0.1:${port}`;
  const args = ['-m', 'notebook', '--no-browser', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0',
    `--NotebookApp.token=${token}`, "--NotebookApp.password=", `--notebook-dir=${notebookDir}`];
  if (process.getuid && process.getuid() === 0) args.push('--allow-root');
  const server = await startServer('notebook6', PYTHON, args,
    { url: `${baseUrl}/api/status?token=${token}`, env: { JUPYTER_NO_CONFIG: '1' } });
  return { ...server, baseUrl, token };
}

export async function startJupyterServer(rootDir) {
  const port = await freePort();
  const token = randomToken();
  const baseUrl = `http://127.0.0.1:${port}`;
  const args = ['-m', 'jupyter_server', '--ServerApp.ip=127.0.0.1', `--ServerApp.port=${port}`,
    '--ServerApp.port_retries=0', `--ServerApp.token=${token}`, '--ServerApp.password=',
    '--ServerApp.open_browser=False', `--ServerApp.root_dir=${rootDir}`];
  if (process.getuid && process.getuid() === 0) args.push('--ServerApp.allow_root=True');
  const server = await startServer('jupyter-server', PYTHON, args,
    { url: `${baseUrl}/api/status?token=${token}`, env: { JUPYTER_NO_CONFIG: '1' } });
  return { ...server, baseUrl, token };
}

/** Fails fast, and says why, when the server does not offer the kernel under test. */
export async function requireKernelspec(server, name) {
  const res = await fetch(`${server.baseUrl}/api/kernelspecs`, { headers: { Authorization: `token ${server.token}` } });
  const names = Object.keys((await res.json()).kernelspecs || {});
  if (!names.includes(name)) {
    throw new Error(`kernelspec ${name} is not installed (the server offers: ${names.join(', ') || 'none'}; ` +
      `JUPYTER_PATH=${process.env.JUPYTER_PATH || ''}). ./lab test installs it; BROWSER_KERNEL=python3 tests ipykernel.`);
  }
}
