// The dashboard in a real browser (Debian's Chromium, headless, driven by
// playwright-core) against the real daemon: sign in, live logs, cancel,
// approval, rollback, DORA numbers, and what a viewer may not do.
// Screenshots of every page go to $SCREENSHOT_DIR (default build/screenshots).
//   SLIPWAY_BIN=build/slipway node --test tests/browser/
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Slipway, launchBrowser, viaProxy } from './lib.mjs';

const SHOTS = process.env.SCREENSHOT_DIR || path.resolve('build/screenshots');
fs.mkdirSync(SHOTS, { recursive: true });

// A static site deployed by nginx: production waits for an approval.
const SITE_PIPELINE = `steps:
  check:
    run: test -s index.html
deploy:
  production:
    target: local
    branch: main
    approval: manual
    health: {path: /healthz, timeout: 10s}
    keep: 5
build:
  type: static
`;

// A pipeline whose step prints coloured lines slowly, and one that waits to be cancelled.
const LOG_PIPELINE = `steps:
  build:
    run: |
      for i in $(seq 1 60); do printf '\\033[32mline %s\\033[0m of the build\\n' "$i"; sleep 0.1; done
  test:
    needs: [build]
    run: echo tested
`;
const SLOW_PIPELINE = `steps:
  wait:
    run: sleep 120
`;

const slipway = new Slipway();
let browser;
let deployer;
let viewer;

async function signIn(page, token) {
  await page.goto(`${slipway.url}/#/signin`);
  await page.fill('input[name=token]', token);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=who]');
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

async function newPage(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  page.on('dialog', (dialog) => dialog.accept());
  page.on('console', (message) => { if (process.env.DEBUG_PAGES) console.log('page:', message.text()); });
  page.on('requestfailed', (request) => { if (process.env.DEBUG_PAGES) console.log('failed:', request.url(), request.failure().errorText); });
  return page;
}

describe('dashboard', () => {
  before(async () => {
    await slipway.start();
    deployer = slipway.token('deployer', 'lead');
    viewer = slipway.token('viewer', 'watcher');
    browser = await launchBrowser();
  });

  after(async () => {
    if (browser) await browser.close();
    browser = null;
    await slipway.stop();
    if (process.exitCode) console.error(slipway.output());
    slipway.cleanup();
  });

  test('signs in with a token and keeps only an HttpOnly session cookie', async () => {
    const page = await newPage();
    await page.goto(slipway.url);
    await page.waitForURL(/#\/signin/);
    await shot(page, '01-sign-in');
    await page.fill('input[name=token]', 'slw_not_a_token');
    await page.click('button[type=submit]');
    await page.waitForSelector('text=That token is not known.');
    // Another site's form can only post text/plain: such a sign-in is refused (no login CSRF).
    const formPost = await fetch(`${slipway.url}/api/v1/session`, {
      method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify({ token: deployer }),
    });
    assert.equal(formPost.status, 415);
    assert.equal(formPost.headers.get('set-cookie'), null);
    await signIn(page, deployer);
    assert.equal(await page.textContent('[data-testid=who]'), 'lead · deployer');
    const cookies = await page.context().cookies();
    assert.equal(cookies.length, 1);
    assert.equal(cookies[0].name, 'slipway_session');
    assert.equal(cookies[0].httpOnly, true);
    assert.equal(cookies[0].sameSite, 'Strict');
    assert.ok(!cookies[0].value.includes(deployer), 'the cookie is not the token');
    assert.equal(await page.evaluate(() => document.cookie), '', 'scripts cannot read the session');
    await page.context().close();
  });

  test('shows a run\'s log lines live as the step prints them, with colours', async () => {
    await slipway.createProject('logs');
    const repo = slipway.makeRepo('logs', { 'slipway.yml': LOG_PIPELINE });
    const page = await newPage();
    await signIn(page, deployer);
    slipway.push(repo, 'logs');
    const run = await slipway.waitForRun((r) => r.project === 'logs', 'the run of the push');
    await page.goto(`${slipway.url}/#/runs/${run.id}`);
    await page.waitForSelector('[data-testid=log] .l:has-text("line 5 of the build")', { timeout: 20000 });
    const status = await page.getAttribute('.node:has-text("build")', 'data-status');
    assert.equal(status, 'running', 'lines arrive while the step runs');
    const seenEarly = await page.locator('[data-testid=log] .l').count();
    await page.waitForSelector('[data-testid=log] .l:has-text("line 40 of the build")', { timeout: 20000 });
    assert.ok(await page.locator('[data-testid=log] .l').count() > seenEarly, 'more lines appeared without a reload');
    const colour = await page.getAttribute('[data-testid=log] .l:has-text("line 40 of the build") span', 'class');
    assert.equal(colour, 'c32', 'the ANSI green became a class');
    await shot(page, '02-run-live-log');
    await page.waitForSelector('h1 .pill[data-status=success]', { timeout: 30000 });
    // Every line once, in order, then the search.
    await page.click('.node:has-text("build")');
    const lines = await page.locator('[data-testid=log] .l').allTextContents();
    assert.deepEqual(lines, Array.from({ length: 60 }, (_, i) => `line ${i + 1} of the build`));
    await page.fill('input[type=search]', 'line 3');
    await page.waitForSelector('text=11 matching lines');  // 3, 30-39
    await shot(page, '03-run-finished-search');
    await page.context().close();
  });

  test('cancels a running run from its page', async () => {
    await slipway.createProject('slow');
    const repo = slipway.makeRepo('slow', { 'slipway.yml': SLOW_PIPELINE });
    const page = await newPage();
    await signIn(page, deployer);
    slipway.push(repo, 'slow');
    const run = await slipway.waitForRun((r) => r.project === 'slow' && r.status === 'running', 'the slow run to start');
    await page.goto(`${slipway.url}/#/runs/${run.id}`);
    await page.click('button:has-text("Cancel")');
    await page.waitForSelector('h1 .pill[data-status=cancelled]', { timeout: 20000 });
    const after = await slipway.api('GET', `/runs/${run.id}`);
    assert.equal(after.json.status, 'cancelled');
    await shot(page, '04-run-cancelled');
    await page.context().close();
  });

  test('approves a waiting production deployment, then rolls back from the environment page', async () => {
    await slipway.createProject('site');
    const repo = slipway.makeRepo('site', { 'slipway.yml': SITE_PIPELINE, 'index.html': '<p>version 1</p>\n', healthz: 'ok\n' });
    slipway.push(repo, 'site');
    const first = await slipway.waitForDeployment('site', (d) => d.status === 'waiting', 'release 1 to wait for approval');
    const page = await newPage();
    await signIn(page, deployer);
    await page.goto(`${slipway.url}/#/apps/site/production`);
    await page.waitForSelector('text=Release 1 waits for approval');
    await shot(page, '05-environment-waiting');
    await page.click('button:has-text("Approve")');
    await page.waitForSelector('[data-testid=live]:has-text("release 1")', { timeout: 30000 });
    const approved = await slipway.waitForDeployment('site', (d) => d.id === first.id && d.status === 'success', 'release 1 to go live');
    assert.equal(approved.approved_by, 'lead');

    slipway.commit(repo, { 'index.html': '<p>version 2</p>\n' }, 'second');
    slipway.push(repo, 'site');
    await page.waitForSelector('text=Release 2 waits for approval', { timeout: 30000 });
    await page.click('button:has-text("Approve")');
    await page.waitForSelector('[data-testid=live]:has-text("release 2")', { timeout: 30000 });
    await page.click('button:has-text("Roll back")');  // the confirm() is accepted
    await page.waitForSelector('[data-testid=live]:has-text("release 1")', { timeout: 30000 });
    const rollback = await slipway.waitForDeployment('site', (d) => d.kind === 'rollback' && d.status === 'success', 'the rollback');
    assert.equal(rollback.release, 1);
    const served = await viaProxy(slipway.proxyPort, 'site.localhost');
    assert.equal(served.body, '<p>version 1</p>\n');
    await page.click(`tr[data-deployment="${rollback.id}"] a:has-text("log")`);
    await page.waitForSelector('[data-testid=log] .l');
    await shot(page, '06-environment-rolled-back');
    // Phone width: the same page, usable.
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, '07-environment-phone');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `no sideways scrolling on a phone (${overflow}px too wide)`);
    await page.goto(`${slipway.url}/#/`);
    await page.waitForSelector('.project[data-project=site]');
    await shot(page, '08-projects-phone');
    await page.context().close();
  });

  test('shows the DORA numbers computed from the recorded history', async () => {
    const page = await newPage();
    await signIn(page, deployer);
    await page.goto(`${slipway.url}/#/dora?days=30&app=site`);
    await page.waitForSelector('[data-testid=dora-deployments]');
    await shot(page, '09-dora');
    // From the history: two deploys went live, the second was rolled back.
    const history = (await slipway.api('GET', '/apps/site/deployments?limit=100')).json.deployments
      .filter((d) => d.status === 'success' || d.status === 'failed');
    const changes = history.filter((d) => d.kind === 'deploy');
    const deployments = changes.filter((d) => d.status === 'success');
    const ordered = [...history].sort((a, b) => a.id - b.id);
    const failed = changes.filter((change) => {
      const next = ordered.find((d) => d.id > change.id && d.status === 'success' && (d.kind === 'deploy' || d.kind === 'rollback'));
      return change.status === 'failed' || (next && next.kind === 'rollback');
    });
    assert.equal(deployments.length, 2);
    assert.equal(failed.length, 1);
    assert.equal(await page.textContent('[data-testid=dora-deployments]'), String(deployments.length));
    assert.equal(await page.textContent('[data-testid=dora-failure-rate]'),
      `${Math.round((100 * failed.length) / changes.length)}%`);
    const api = (await slipway.api('GET', '/dora?days=30&app=site')).json;
    assert.equal(api.totals.deployments, deployments.length);
    assert.equal(api.totals.failed_changes, failed.length);
    assert.equal(api.totals.restores, 1);
    // Time to restore: from the rolled-back change going live to the rollback.
    const rollback = ordered.find((d) => d.kind === 'rollback');
    const restore = (Date.parse(rollback.finished_at) - Date.parse(failed[0].finished_at)) / 1000;
    assert.ok(Math.abs(api.totals.restore_median_seconds - restore) < 0.002, `${api.totals.restore_median_seconds} vs ${restore}`);
    assert.equal(api.totals.lead_time_count, 2);
    await page.context().close();
  });

  test('a viewer sees no button that changes anything, and its forged requests are refused', async () => {
    const page = await newPage();
    await signIn(page, viewer);
    const runs = (await slipway.api('GET', '/runs?limit=50')).json.runs;
    const finished = runs.find((r) => r.project === 'logs');
    await page.goto(`${slipway.url}/#/runs/${finished.id}`);
    await page.waitForSelector('h1 .pill');
    assert.equal(await page.locator('button:has-text("Rerun")').count(), 0);
    assert.equal(await page.locator('button:has-text("Cancel")').count(), 0);
    await page.goto(`${slipway.url}/#/apps/site/production`);
    await page.waitForSelector('[data-testid=live]');
    for (const label of ['Deploy', 'Roll back', 'Approve']) {
      assert.equal(await page.locator(`button:has-text("${label}")`).count(), 0, label);
    }
    await shot(page, '10-environment-viewer');
    // The page's own session, with its CSRF token: the role still says no.
    const forged = await page.evaluate(async (id) => {
      const who = await (await fetch('/api/v1/session')).json();
      const response = await fetch(`/api/v1/runs/${id}/rerun`, { method: 'POST', headers: { 'X-CSRF-Token': who.csrf_token } });
      return response.status;
    }, finished.id);
    assert.equal(forged, 403);
    await page.context().close();

    // A deployer's session without the CSRF token (what another site's form would send): refused.
    const deployerPage = await newPage();
    await signIn(deployerPage, deployer);
    const statuses = await deployerPage.evaluate(async (id) => {
      const without = await fetch(`/api/v1/runs/${id}/rerun`, { method: 'POST' });
      const wrong = await fetch(`/api/v1/runs/${id}/rerun`, { method: 'POST', headers: { 'X-CSRF-Token': 'f'.repeat(64) } });
      return [without.status, wrong.status];
    }, finished.id);
    assert.deepEqual(statuses, [403, 403]);
    const before = (await slipway.api('GET', '/runs?limit=50')).json.runs.length;
    assert.equal(before, runs.length, 'no run was started by a forged request');
    // Signed out: the session ends on the server, not only in this browser.
    const [cookie] = await deployerPage.context().cookies();
    await deployerPage.click('button:has-text("Sign out")');
    await deployerPage.waitForURL(/#\/signin/);
    const after = await deployerPage.evaluate(async () => (await fetch('/api/v1/runs')).status);
    assert.equal(after, 401);
    const replayed = await fetch(`${slipway.url}/api/v1/runs`, { headers: { Cookie: `${cookie.name}=${cookie.value}` } });
    assert.equal(replayed.status, 401, 'the old cookie, sent again by hand, is refused');
    await deployerPage.context().close();
  });
});

describe('dashboard with --public', () => {
  const open = new Slipway();
  before(async () => {
    await open.start(['--public']);
    browser = await launchBrowser();
  });
  after(async () => {
    if (browser) await browser.close();
    await open.stop();
    open.cleanup();
  });

  test('lets an anonymous visitor read, never change', async () => {
    await open.createProject('pub');
    const repo = open.makeRepo('pub', { 'slipway.yml': 'steps:\n  hello:\n    run: echo hello from a public run\n' });
    open.push(repo, 'pub');
    const run = await open.waitForRun((r) => r.project === 'pub' && r.status === 'success', 'the public run');
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${open.url}/#/runs/${run.id}`);
    await page.waitForSelector('[data-testid=log] .l:has-text("hello from a public run")');
    assert.equal(await page.locator('button:has-text("Rerun")').count(), 0);
    await shot(page, '11-public-run');
    const status = await page.evaluate(async (id) => (await fetch(`/api/v1/runs/${id}/rerun`, { method: 'POST' })).status, run.id);
    assert.equal(status, 401);
    await context.close();
  });
});

