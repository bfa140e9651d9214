// What the dashboard's browser tests and benchmark share: a real `slipway
// serve` in a temporary home (stopped by PID, with the nginx it started),
// tokens, git pushes, API calls, and Debian's Chromium driven by playwright-core.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const SLIPWAY = process.env.SLIPWAY_BIN || path.resolve('build/slipway');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// A free port on loopback (for the daemon's nginx).
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// GET PATH from the daemon's nginx as the site HOST (fetch() cannot set Host).
export function viaProxy(port, host, requestPath = '/') {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: requestPath, headers: { Host: host }, timeout: 10000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, body }));
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Polls CHECK (async, returns a value or nothing) every 100 ms until it returns something; fails after LIMIT ms.
export async function waitFor(what, check, limit = 30000) {
  const deadline = Date.now() + limit;
  let last;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

export class Slipway {
  constructor() {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-browser-'));
    this.home = path.join(this.root, 'home');
    fs.mkdirSync(this.home);
    this.gitEnv = { ...process.env, HOME: this.root, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1' };
  }

  async start(args = []) {
    this.proxyPort = await freePort();
    this.admin = this.token('admin', 'test-admin');
    const out = fs.openSync(path.join(this.root, 'daemon.out'), 'w');
    this.daemon = spawn(SLIPWAY, ['serve', '--home', this.home, '--listen', '127.0.0.1:0',
      '--proxy-listen', `127.0.0.1:${this.proxyPort}`, '--stop-grace', '3', ...args],
    { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    this.url = await waitFor('the daemon to answer', async () => {
      let url;
      try { url = fs.readFileSync(path.join(this.home, 'slipway.url'), 'utf8'); } catch { return null; }
      if (!url.endsWith('\n')) return null;
      try {
        const response = await fetch(`${url.trim()}/api/v1/health`);
        return response.ok ? url.trim() : null;
      } catch { return null; }
    }, 20000);
  }

  // Stops the daemon, then the nginx it started (deployed sites outlive the daemon on purpose).
  async stop() {
    if (this.daemon && this.daemon.exitCode === null) {
      const exited = new Promise((resolve) => this.daemon.once('exit', resolve));
      this.daemon.kill('SIGTERM');
      await Promise.race([exited, sleep(30000)]);
      if (this.daemon.exitCode === null) this.daemon.kill('SIGKILL');
    }
    let nginx = 0;
    try { nginx = Number(fs.readFileSync(path.join(this.home, 'nginx/nginx.pid'), 'utf8').trim()); } catch { /* none */ }
    if (nginx > 0 && alive(nginx)) {
      process.kill(nginx, 'SIGQUIT');
      for (let i = 0; i < 100 && alive(nginx); ++i) await sleep(100);
      if (alive(nginx)) process.kill(nginx, 'SIGKILL');
    }
  }

  output() {
    try { return fs.readFileSync(path.join(this.root, 'daemon.out'), 'utf8'); } catch { return ''; }
  }

  cleanup() { fs.rmSync(this.root, { recursive: true, force: true }); }

  token(role, name) {
    return execFileSync(SLIPWAY, ['token', 'create', '--home', this.home, '--role', role, '--name', name], { encoding: 'utf8' }).trim();
  }

  async api(method, apiPath, body, token = this.admin) {
    const headers = { Authorization: `Bearer ${token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${this.url}/api/v1${apiPath}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: response.status, json, text };
  }

  git(repo, args, env = {}) {
    return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'init.defaultBranch=main',
      '-c', 'commit.gpgsign=false', ...args], { cwd: repo, env: { ...this.gitEnv, ...env }, encoding: 'utf8' });
  }

  // A repository with FILES committed; its directory.
  makeRepo(name, files, message = 'first') {
    const dir = path.join(this.root, 'work', name);
    fs.mkdirSync(dir, { recursive: true });
    this.git(dir, ['init', '-q', '-b', 'main']);
    this.commit(dir, files, message);
    return dir;
  }

  // Commits FILES; DATE (seconds since the epoch) sets the commit's time.
  commit(repo, files, message, date) {
    for (const [file, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
      fs.writeFileSync(path.join(repo, file), content);
    }
    this.git(repo, ['add', '-A']);
    const env = date ? { GIT_AUTHOR_DATE: `@${date} +0000`, GIT_COMMITTER_DATE: `@${date} +0000` } : {};
    this.git(repo, ['commit', '-q', '--allow-empty', '-m', message], env);
    return this.git(repo, ['rev-parse', 'HEAD']).trim();
  }

  push(repo, project, branch = 'main') {
    const authed = `http://slipway:${this.admin}@${this.url.slice('http://'.length)}/git/${project}.git`;
    this.git(repo, ['push', '-q', '--force', authed, `HEAD:refs/heads/${branch}`]);
  }

  async createProject(name) {
    const created = await this.api('POST', '/projects', { name });
    if (created.status !== 201) throw new Error(`project ${name}: ${created.text}`);
  }

  async waitForRun(predicate, what, limit = 30000) {
    return waitFor(what, async () => (await this.api('GET', '/runs?limit=50')).json.runs.find(predicate), limit);
  }

  async waitForDeployment(app, predicate, what, limit = 60000) {
    return waitFor(what, async () => (await this.api('GET', `/apps/${app}/deployments?limit=100`)).json.deployments.find(predicate), limit);
  }
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}
