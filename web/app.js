// The Slipway dashboard: a page per hash route (#/, #/runs/ID, #/apps/APP/ENV,
// #/dora), drawn from the REST API with the session cookie. No framework and
// no build step: this file is served as it is, from inside the daemon.
'use strict';

const state = { who: null, cleanup: null, generation: 0 };
const ROLES = { viewer: 0, deployer: 1, admin: 2 };
const FINISHED = new Set(['success', 'failed', 'cancelled', 'interrupted', 'skipped', 'rejected', 'superseded']);

// ---- small helpers ---------------------------------------------------------

// h('a', {href: '#/'}, 'text', child…): an element; children are text or nodes, never HTML.
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const kid of kids.flat()) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.append(kid instanceof Node ? kid : String(kid));
  }
  return el;
}

// EL's children become KIDS (nulls left out: replaceChildren would print them).
function fill(el, ...kids) {
  el.replaceChildren(...kids.flat().filter((kid) => kid !== null && kid !== undefined && kid !== false));
  return el;
}

function pill(status, extra) {
  return h('span', { class: `pill s-${status} ${extra || ''}`, 'data-status': status }, status);
}

function short(commit) { return commit ? commit.slice(0, 7) : ''; }

function ago(iso) {
  if (!iso) return '';
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 60) return `${Math.floor(seconds)}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86400)}d ago`;
}

function seconds(value) {
  if (value === null || value === undefined) return '–';
  if (value < 60) return `${value.toFixed(value < 10 ? 1 : 0)}s`;
  if (value < 3600) return `${Math.floor(value / 60)}m ${Math.round(value % 60)}s`;
  if (value < 86400) return `${Math.floor(value / 3600)}h ${Math.round((value % 3600) / 60)}m`;
  return `${(value / 86400).toFixed(1)}d`;
}

function duration(from, to) {
  if (!from) return '';
  return seconds(((to ? Date.parse(to) : Date.now()) - Date.parse(from)) / 1000);
}

function canDeploy() { return state.who && ROLES[state.who.role] >= ROLES.deployer; }

function toast(message) {
  const el = h('div', { class: 'toast', role: 'status' }, message);
  document.body.append(el);
  setTimeout(() => el.remove(), 5000);
}

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

// A JSON API call; mutating calls carry the session's CSRF token.
async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.who && state.who.csrf_token) headers['X-CSRF-Token'] = state.who.csrf_token;
  const response = await fetch('/api/v1' + path, {
    method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
  if (!response.ok) {
    if (response.status === 401 && method === 'GET') { showSignIn(); }
    throw new ApiError(response.status, data && data.error ? data.error.message : `${response.status} ${response.statusText}`);
  }
  return data;
}

// Bytes of a log: {text, start, end, size}.
async function fetchLog(path, query) {
  const response = await fetch(`/api/v1${path}?${query}`, { credentials: 'same-origin' });
  if (!response.ok) throw new ApiError(response.status, `log: ${response.status}`);
  return {
    text: await response.text(),
    start: Number(response.headers.get('X-Log-Start')),
    end: Number(response.headers.get('X-Log-End')),
    size: Number(response.headers.get('X-Log-Size')),
  };
}

// Runs ACTION (an async function) for a button; errors show as a toast.
function act(button, action) {
  return async () => {
    button.disabled = true;
    try { await action(); } catch (e) { toast(e.message); } finally { button.disabled = false; }
  };
}

function actionButton(label, cls, action) {
  const button = h('button', { class: cls, type: 'button' }, label);
  button.addEventListener('click', act(button, action));
  return button;
}

// ---- ANSI colours ----------------------------------------------------------

// Turns one line with SGR escapes into spans; STYLE carries over between lines.
function ansiLine(text, style) {
  const out = [];
  const pattern = /\x1b\[([0-9;]*)m|\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]/g;
  let last = 0;
  const flush = (chunk) => {
    if (!chunk) return;
    const classes = [];
    if (style.fg) classes.push(`c${style.fg}`);
    if (style.b) classes.push('a-b');
    if (style.d) classes.push('a-d');
    if (style.i) classes.push('a-i');
    if (style.u) classes.push('a-u');
    out.push(classes.length ? h('span', { class: classes.join(' ') }, chunk) : chunk);
  };
  const cr = text.lastIndexOf('\r');
  if (cr >= 0 && cr < text.length - 1) text = text.slice(cr + 1);  // a progress bar: its last state
  else if (cr >= 0) text = text.slice(0, cr);
  let match;
  while ((match = pattern.exec(text)) !== null) {
    flush(text.slice(last, match.index));
    last = pattern.lastIndex;
    if (match[1] === undefined) continue;
    const codes = match[1] === '' ? [0] : match[1].split(';').map(Number);
    for (const code of codes) {
      if (code === 0) { style.fg = 0; style.b = style.d = style.i = style.u = false; }
      else if (code === 1) style.b = true;
      else if (code === 2) style.d = true;
      else if (code === 3) style.i = true;
      else if (code === 4) style.u = true;
      else if (code === 22) style.b = style.d = false;
      else if (code === 23) style.i = false;
      else if (code === 24) style.u = false;
      else if (code === 39) style.fg = 0;
      else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) style.fg = code;
    }
  }
  flush(text.slice(last));
  return out;
}

// ---- a log pane ------------------------------------------------------------

const encoder = new TextEncoder();
const MAX_LINES = 20000;   // per pane; older lines leave the page and come back with "load earlier"
const TAIL_BYTES = 65536;  // what a page loads first, and each "load earlier"

// One log (a step's or a deployment's) in a scrolling pane: appended as it
// grows, the tail loaded first, earlier pages on demand.
class LogPane {
  constructor(logPath, container) {
    this.logPath = logPath;  // API path of the log, for paging back
    this.el = h('div', { class: 'log-body' });
    this.more = h('div', { class: 'more', hidden: true, onclick: () => this.loadEarlier() }, '… load earlier lines');
    this.el.append(this.more);
    this.container = container;
    this.start = 0;     // byte offset of the first line shown
    this.end = 0;       // byte offset after the last byte received
    this.partial = '';  // an unterminated last line
    this.partialEl = null;
    this.style = {};
    this.lines = 0;
    this.term = '';
  }

  // The log's tail, the first thing shown.
  async loadTail() {
    const chunk = await fetchLog(this.logPath, `tail=${TAIL_BYTES}`);
    let text = chunk.text;
    let start = chunk.start;
    if (start > 0) {  // begins inside a line: start at the next one
      const newline = text.indexOf('\n');
      start += encoder.encode(text.slice(0, newline + 1)).length;
      text = text.slice(newline + 1);
    }
    this.start = start;
    this.end = chunk.end;
    this.append(text);
    this.more.hidden = this.start === 0;
  }

  async loadEarlier() {
    if (this.start === 0) return;
    const from = Math.max(0, this.start - TAIL_BYTES);
    const chunk = await fetchLog(this.logPath, `offset=${from}&length=${this.start - from}`);
    let text = chunk.text;
    let start = from;
    if (start > 0) {
      const newline = text.indexOf('\n');
      start += encoder.encode(text.slice(0, newline + 1)).length;
      text = text.slice(newline + 1);
    }
    const style = {};
    const anchor = this.more.nextSibling;
    const height = this.container.scrollHeight;
    for (const line of text.split('\n').slice(0, -1)) {
      this.el.insertBefore(this.lineElement(line, style), anchor);
      ++this.lines;
    }
    this.start = start;
    this.more.hidden = this.start === 0;
    this.container.scrollTop += this.container.scrollHeight - height;  // keep what was on screen in place
  }

  lineElement(text, style) {
    const el = h('div', { class: 'l' }, ansiLine(text, style));
    el.bytes = encoder.encode(text).length + 1;
    if (this.term && el.textContent.toLowerCase().includes(this.term)) el.classList.add('hit');
    return el;
  }

  // Adds TEXT received at the end of the log.
  append(text, byteLength) {
    if (byteLength !== undefined) this.end += byteLength;
    if (this.partialEl) { this.partialEl.remove(); this.partialEl = null; }
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop();
    const fragment = document.createDocumentFragment();
    for (const line of parts) fragment.append(this.lineElement(line, this.style));
    this.lines += parts.length;
    this.el.append(fragment);
    if (this.partial) {
      this.partialEl = this.lineElement(this.partial, { ...this.style });
      this.el.append(this.partialEl);
    }
    while (this.lines > MAX_LINES) {
      const first = this.more.nextSibling;
      if (!first || first === this.partialEl) break;
      this.start += first.bytes;
      first.remove();
      --this.lines;
      this.more.hidden = false;
    }
  }

  search(term) {
    this.term = term.toLowerCase();
    let hits = 0;
    for (const line of this.el.querySelectorAll('.l')) {
      const hit = this.term !== '' && line.textContent.toLowerCase().includes(this.term);
      line.classList.toggle('hit', hit);
      if (hit) ++hits;
    }
    return hits;
  }
}

// The toolbar and the scrolling box around one pane at a time.
class LogView {
  constructor() {
    this.follow = true;
    this.box = h('div', { class: 'log', 'data-testid': 'log' });
    this.followButton = h('button', { type: 'button', 'aria-pressed': 'true' }, 'Following');
    this.followButton.addEventListener('click', () => this.setFollow(!this.follow));
    this.searchInput = h('input', { type: 'search', placeholder: 'Search the log', 'aria-label': 'Search the log' });
    this.hits = h('span', { class: 'muted' });
    this.searchInput.addEventListener('input', () => this.search());
    this.box.addEventListener('scroll', () => {
      const atBottom = this.box.scrollHeight - this.box.scrollTop - this.box.clientHeight < 40;
      if (!atBottom && this.follow && !this.scrolling) this.setFollow(false);
      if (atBottom && !this.follow) this.setFollow(true);
    });
    this.el = h('div', {}, h('div', { class: 'logbar' }, this.searchInput, this.hits, this.followButton), this.box);
    this.pane = null;
  }

  show(pane) {
    if (this.pane) this.pane.el.remove();
    this.pane = pane;
    this.box.append(pane.el);
    this.search();
    this.scrolled();
  }

  setFollow(on) {
    this.follow = on;
    this.followButton.textContent = on ? 'Following' : 'Follow';
    this.followButton.setAttribute('aria-pressed', String(on));
    this.scrolled();
  }

  search() {
    const term = this.searchInput.value;
    this.box.classList.toggle('filtering', term !== '');
    const hits = this.pane ? this.pane.search(term) : 0;
    this.hits.textContent = term ? `${hits} matching line${hits === 1 ? '' : 's'}` : '';
  }

  // After new lines: keep the bottom in view while following.
  scrolled() {
    if (!this.follow) return;
    this.scrolling = true;
    this.box.scrollTop = this.box.scrollHeight;
    requestAnimationFrame(() => { this.scrolling = false; });
  }
}

// ---- sign-in ---------------------------------------------------------------

function renderWho() {
  const who = document.getElementById('who');
  who.replaceChildren();
  if (state.who && state.who.signed_in) {
    who.append(h('span', { 'data-testid': 'who' }, `${state.who.name} · ${state.who.role}`),
      actionButton('Sign out', '', async () => {
        await api('DELETE', '/session');
        state.who = { signed_in: false, public: state.who.public };
        location.hash = '#/signin';
      }));
  } else {
    who.append(h('a', { href: '#/signin' }, 'Sign in'));
  }
}

function showSignIn() {
  if (location.hash !== '#/signin') location.hash = '#/signin';
}

function signInPage(main) {
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'current-password', placeholder: 'slw_…', required: true, 'aria-label': 'Token' });
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'card signin' },
    h('h1', {}, 'Sign in to Slipway'),
    h('p', { class: 'muted' }, 'With an API token (slipway token create --role deployer). It is exchanged for a session cookie; the page never keeps it.'),
    input, error, h('button', { class: 'primary', type: 'submit' }, 'Sign in'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    try {
      state.who = await api('POST', '/session', { token: input.value });
      input.value = '';
      renderWho();
      location.hash = '#/';
    } catch (e) {
      error.textContent = e.status === 401 ? 'That token is not known.' : e.message;
    }
  });
  main.append(form);
  input.focus();
}

// ---- projects --------------------------------------------------------------

async function overviewPage(main) {
  const body = h('div');
  main.append(h('h1', {}, 'Projects'), body);
  const draw = async () => {
    const [data, runs] = await Promise.all([api('GET', '/overview'), api('GET', '/runs?limit=20')]);
    const cards = data.projects.map((project) => {
      const run = project.last_run;
      return h('div', { class: 'card project', 'data-project': project.name },
        h('div', { class: 'row spread' }, h('strong', {}, project.name), h('span', { class: 'muted mono' }, project.default_branch)),
        run ? h('p', { class: 'row' }, pill(run.status), h('a', { href: `#/runs/${run.id}` }, `#${run.id}`),
          h('span', { class: 'mono' }, `${run.branch} ${short(run.commit)}`), h('span', { class: 'muted' }, ago(run.created_at)))
          : h('p', { class: 'muted' }, `No run yet: git push ${project.git_url}`),
        run && run.message ? h('p', { class: 'muted' }, run.message) : null,
        project.environments.length ? h('div', {}, project.environments.map((env) =>
          h('div', { class: 'row' }, h('a', { href: `#/apps/${encodeURIComponent(project.name)}/${encodeURIComponent(env.name)}` }, env.name),
            pill(env.status), env.release ? h('span', {}, `release ${env.release}`) : null,
            env.commit ? h('span', { class: 'mono' }, short(env.commit)) : null,
            env.url ? h('a', { href: env.url, class: 'hide-narrow' }, env.url) : null))) : null);
    });
    fill(body, 
      cards.length ? h('div', { class: 'grid' }, cards) : h('p', { class: 'muted' }, 'No projects yet: slipway project create NAME'),
      h('h2', {}, 'Recent runs'),
      h('div', { class: 'card scroll' }, h('table', {},
        h('tr', {}, h('th', {}, 'Run'), h('th', {}, 'Status'), h('th', {}, 'Project'), h('th', {}, 'Branch'),
          h('th', { class: 'hide-narrow' }, 'Commit'), h('th', {}, 'When'), h('th', { class: 'hide-narrow' }, 'Took')),
        runs.runs.map((run) => h('tr', { 'data-run': run.id },
          h('td', {}, h('a', { href: `#/runs/${run.id}` }, `#${run.id}`)), h('td', {}, pill(run.status)),
          h('td', {}, run.project), h('td', { class: 'mono' }, run.branch),
          h('td', { class: 'mono hide-narrow' }, `${short(run.commit)} ${run.message || ''}`),
          h('td', {}, ago(run.created_at)), h('td', { class: 'hide-narrow' }, duration(run.started_at, run.finished_at)))))));
  };
  await draw();
  const timer = setInterval(() => draw().catch(() => {}), 5000);
  return () => clearInterval(timer);
}

// ---- a run -----------------------------------------------------------------

// Columns of the step graph: a step stands right of every step it needs.
// NEEDS holds the positions (indexes) of the steps a step waits for.
function stepColumns(steps) {
  const byIndex = new Map(steps.map((step) => [step.index, step]));
  const depth = new Map();
  const depthOf = (step, seen) => {
    if (depth.has(step.index)) return depth.get(step.index);
    if (seen.has(step.index)) return 0;
    seen.add(step.index);
    let d = 0;
    for (const need of step.needs || []) {
      const other = byIndex.get(need);
      if (other) d = Math.max(d, depthOf(other, seen) + 1);
    }
    depth.set(step.index, d);
    return d;
  };
  const columns = [];
  for (const step of steps) {
    const d = depthOf(step, new Set());
    (columns[d] = columns[d] || []).push(step);
  }
  return columns.filter(Boolean);
}

async function runPage(main, id) {
  let run = await api('GET', `/runs/${id}`);
  const header = h('div');
  const graph = h('div', { class: 'graph', 'data-testid': 'graph' });
  const view = new LogView();
  const panes = new Map();
  let selected = null;
  let chosen = false;  // the user picked a step: stop following the running one
  main.append(header, h('div', { class: 'card' }, graph), h('div', { class: 'card' }, view.el));

  const paneOf = (index) => {
    if (!panes.has(index)) panes.set(index, new LogPane(`/runs/${id}/steps/${index}/log`, view.box));
    return panes.get(index);
  };
  const select = (index) => {
    selected = index;
    view.show(paneOf(index));
    for (const node of graph.querySelectorAll('.node')) node.classList.toggle('selected', Number(node.dataset.step) === index);
  };
  const drawHeader = () => {
    const buttons = [];
    if (canDeploy() && !FINISHED.has(run.status)) {
      // The stream tells when the run has ended; its answer may come before this one.
      buttons.push(actionButton('Cancel', 'danger', async () => { await api('POST', `/runs/${id}/cancel`); }));
    }
    if (canDeploy()) {
      buttons.push(actionButton('Rerun', '', async () => { const next = await api('POST', `/runs/${id}/rerun`); location.hash = `#/runs/${next.id}`; }));
    }
    fill(header, 
      h('div', { class: 'row spread' }, h('h1', {}, `${run.project} #${run.id} `, pill(run.status)), h('div', { class: 'row' }, buttons)),
      h('p', { class: 'row muted' }, h('span', { class: 'mono' }, `${run.branch} ${short(run.commit)}`), run.message,
        h('span', {}, `${run.trigger}, ${ago(run.created_at)}`), run.started_at ? h('span', {}, `${run.finished_at ? 'took' : 'running for'} ${duration(run.started_at, run.finished_at)}`) : null),
      run.reason ? h('p', { class: 'error' }, run.reason) : null);
  };
  const drawGraph = () => {
    fill(graph, ...stepColumns(run.steps).map((column) => h('div', { class: 'col' }, column.map((step) =>
      h('div', { class: `node n-${step.status}${step.index === selected ? ' selected' : ''}`, 'data-step': step.index, 'data-status': step.status,
        onclick: () => { chosen = true; select(step.index); } },
      h('strong', {}, step.name), h('small', {}, `${step.status}${step.started_at ? ' · ' + duration(step.started_at, step.finished_at) : ''}`))))));
  };
  const pickStep = () => {
    if (chosen && selected !== null) return;
    const running = run.steps.find((step) => step.status === 'running');
    const failed = run.steps.find((step) => step.status === 'failed');
    const last = [...run.steps].reverse().find((step) => step.started_at);
    const pick = running || failed || last || run.steps[0];
    if (pick && pick.index !== selected) select(pick.index);
  };

  drawHeader();
  drawGraph();
  // The tails first, then the stream from where they end.
  await Promise.all(run.steps.map((step) => step.log_size > 0 ? paneOf(step.index).loadTail() : Promise.resolve()));
  pickStep();
  view.scrolled();
  const cursor = 'o=' + run.steps.map((step) => (panes.has(step.index) ? panes.get(step.index).end : 0)).join(',');
  const events = new EventSource(`/api/v1/runs/${id}/events?cursor=${encodeURIComponent(cursor)}`);
  const updateStep = (step) => {
    run.steps[step.index] = { ...run.steps[step.index], ...step };
    drawGraph();
    pickStep();
  };
  events.addEventListener('run', (event) => {
    const data = JSON.parse(event.data);
    run = { ...run, ...data, steps: data.steps || run.steps };
    drawHeader();
    drawGraph();
    pickStep();
  });
  events.addEventListener('step', (event) => updateStep(JSON.parse(event.data)));
  events.addEventListener('log', (event) => {
    const data = JSON.parse(event.data);
    const pane = paneOf(data.step);
    pane.append(data.text, encoder.encode(data.text).length);
    if (pane === view.pane) { view.search(); view.scrolled(); }
  });
  events.addEventListener('end', (event) => {
    const data = JSON.parse(event.data);
    run = { ...run, ...data };
    drawHeader();
    drawGraph();
    events.close();
  });
  // A stream the server refused (signed out, run deleted): what the run is now, without logs.
  events.addEventListener('error', async () => {
    if (events.readyState !== EventSource.CLOSED) return;
    try { run = await api('GET', `/runs/${id}`); drawHeader(); drawGraph(); } catch (e) { /* shown on the next visit */ }
  });
  return () => events.close();
}

// ---- an environment --------------------------------------------------------

async function environmentPage(main, app, environment) {
  const header = h('div');
  const actions = h('div', { class: 'card row' });
  const instances = h('div', { class: 'card scroll' });
  const history = h('div', { class: 'card scroll' });
  const hosts = h('div', { hidden: true });
  const view = new LogView();
  const logCard = h('div', { class: 'card', hidden: true }, h('h2', {}), view.el);
  let shownDeployment = null;
  main.append(header, actions, h('h2', {}, 'Instances'), instances, hosts, h('h2', {}, 'Deployments'), history, logCard);

  const refInput = h('input', { placeholder: 'branch, tag or commit (default: the newest run)', 'aria-label': 'Ref to deploy' });
  let deployments = [];
  const path = `/apps/${encodeURIComponent(app)}`;
  const showLog = async (deployment) => {
    shownDeployment = deployment.id;
    logCard.hidden = false;
    logCard.firstChild.textContent = `Deployment ${deployment.id} (${deployment.kind} of release ${deployment.release})`;
    const pane = new LogPane(`/deployments/${deployment.id}/log`, view.box);
    await pane.loadTail();
    view.show(pane);
  };
  const drawActions = (env) => {
    actions.replaceChildren();
    if (!canDeploy()) { actions.hidden = true; return; }
    const waiting = deployments.find((d) => d.status === 'waiting');
    if (waiting) {
      actions.append(h('span', {}, `Release ${waiting.release} waits for approval`),
        actionButton('Approve', 'primary', async () => { await api('POST', `${path}/approve`, { environment }); await draw(); }),
        actionButton('Reject', 'danger', async () => { await api('POST', `${path}/reject`, { environment, reason: 'rejected in the dashboard' }); await draw(); }));
    }
    actions.append(refInput, actionButton('Deploy', 'primary', async () => {
      const body = { environment };
      if (refInput.value.trim()) body.ref = refInput.value.trim();
      const deployment = await api('POST', `${path}/deploy`, body);
      toast(`Deployment ${deployment.id} queued`);
      await draw();
    }));
    if (env && env.release) {
      actions.append(actionButton('Roll back', 'danger', async () => {
        if (!window.confirm(`Roll ${app} ${environment} back from release ${env.release} to the one before?`)) return;
        const deployment = await api('POST', `${path}/rollback`, { environment });
        toast(`Rollback ${deployment.id} to release ${deployment.release} queued`);
        await draw();
      }));
    }
  };
  const draw = async () => {
    const [data, list] = await Promise.all([api('GET', path), api('GET', `${path}/deployments?environment=${encodeURIComponent(environment)}&limit=50`)]);
    deployments = list.deployments;
    const env = data.environments.find((e) => e.name === environment);
    fill(header, 
      h('h1', {}, `${app} · ${environment} `, env ? pill(env.status, 'env') : pill('stopped')),
      env && env.release ? h('p', { class: 'row', 'data-testid': 'live' }, h('span', {}, `Live: release ${env.release}`),
        h('span', { class: 'mono' }, short(env.commit)), h('span', { class: 'muted' }, `since ${ago(env.since)}`),
        env.url ? h('a', { href: env.url }, env.url) : null)
        : h('p', { class: 'muted' }, 'Nothing is live here.'));
    if (document.activeElement !== refInput) drawActions(env);
    const own = (data.instances || []).filter((i) => i.environment === environment);
    fill(instances, own.length ? h('table', {},
      h('tr', {}, h('th', {}, 'Process'), h('th', {}, 'Status'), h('th', {}, 'Release'), h('th', {}, 'Where'), h('th', { class: 'hide-narrow' }, 'Restarts')),
      own.map((i) => h('tr', {}, h('td', {}, `${i.process}.${i.index}`), h('td', {}, pill(i.status)), h('td', {}, i.release),
        h('td', { class: 'mono' }, i.host || i.container || (i.port ? `127.0.0.1:${i.port}` : '')), h('td', { class: 'hide-narrow' }, i.restarts ?? ''))))
      : h('p', { class: 'muted' }, 'No instance (a static site is served by nginx itself).'));
    // ssh targets: each host of the deployment that made the live release, as it ended there.
    const made = env && deployments.find((d) => d.status === 'success' && d.release === env.release);
    const hostList = made && made.hosts ? made.hosts : [];
    hosts.hidden = hostList.length === 0;
    fill(hosts, h('h2', {}, 'Hosts'), h('div', { class: 'card scroll' }, h('table', {},
      h('tr', {}, h('th', {}, 'Host'), h('th', {}, 'Status'), h('th', { class: 'hide-narrow' }, 'Detail')),
      hostList.map((host) => h('tr', { 'data-host': host.host }, h('td', { class: 'mono' }, host.host), h('td', {}, pill(host.status)),
        h('td', { class: 'hide-narrow' }, host.detail))))));
    fill(history, deployments.length ? h('table', {},
      h('tr', {}, h('th', {}, 'Id'), h('th', {}, 'Kind'), h('th', {}, 'Release'), h('th', {}, 'Status'), h('th', { class: 'hide-narrow' }, 'Trigger'),
        h('th', {}, 'When'), h('th', { class: 'hide-narrow' }, 'Took'), h('th', {}, '')),
      deployments.map((d) => h('tr', { 'data-deployment': d.id },
        h('td', {}, d.id), h('td', {}, d.kind), h('td', {}, d.release), h('td', {}, pill(d.status)),
        h('td', { class: 'hide-narrow' }, d.approved_by ? `${d.trigger} (${d.approved_by})` : d.trigger),
        h('td', {}, ago(d.created_at)), h('td', { class: 'hide-narrow' }, duration(d.started_at, d.finished_at)),
        h('td', {}, h('a', { href: '#', onclick: (event) => { event.preventDefault(); showLog(d).catch((e) => toast(e.message)); } }, 'log')))))
      : h('p', { class: 'muted' }, 'No deployment yet.'));
    const active = deployments.find((d) => d.id === shownDeployment);
    if (active && !FINISHED.has(active.status)) await showLog(active);
  };
  await draw();
  const timer = setInterval(() => draw().catch(() => {}), 3000);
  return () => clearInterval(timer);
}

// ---- DORA metrics ----------------------------------------------------------

function barChart(points, value, bad) {
  const width = 600;
  const height = 140;
  const max = Math.max(1, ...points.map(value));
  const bar = width / Math.max(1, points.length);
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('class', 'chart');
  svg.setAttribute('preserveAspectRatio', 'none');
  points.forEach((point, i) => {
    const v = value(point);
    const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    const barHeight = (v / max) * (height - 4);
    rect.setAttribute('x', String(i * bar + 1));
    rect.setAttribute('width', String(Math.max(1, bar - 2)));
    rect.setAttribute('y', String(height - barHeight));
    rect.setAttribute('height', String(barHeight));
    if (bad && bad(point)) rect.setAttribute('class', 'bad');
    const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    title.textContent = `${point.date}: ${v}`;
    rect.append(title);
    svg.append(rect);
  });
  const label = points.length ? `${points[0].date} … ${points[points.length - 1].date}, highest ${max} a day` : '';
  return h('div', {}, svg, h('p', { class: 'muted' }, label));
}

async function doraPage(main, query) {
  const params = new URLSearchParams(query);
  const days = params.get('days') || '30';
  const app = params.get('app') || '';
  const environment = params.get('environment') || '';
  const data = await api('GET', `/dora?${new URLSearchParams({ days, app, environment })}`);
  const choose = (key, value) => {
    const next = new URLSearchParams({ days, app, environment });
    next.set(key, value);
    location.hash = `#/dora?${next}`;
  };
  const select = (label, key, value, options) => {
    const el = h('select', { 'aria-label': label, name: key }, options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
    el.addEventListener('change', () => choose(key, el.value));
    return h('label', { class: 'row' }, label, el);
  };
  const kpi = (name, value, detail, testid) => h('div', { class: 'card' }, h('div', { class: 'muted' }, name),
    h('div', { class: 'kpi', 'data-testid': testid }, value), h('div', { class: 'muted' }, detail));
  const t = data.totals;
  main.append(
    h('h1', {}, 'DORA metrics'),
    h('div', { class: 'row card' },
      select('Window', 'days', days, [['7', '7 days'], ['30', '30 days'], ['90', '90 days'], ['365', '1 year']]),
      select('App', 'app', app, [['', 'all apps'], ...data.apps.map((a) => [a, a])]),
      select('Environment', 'environment', environment, [['', 'all environments'], ...data.environments.map((e) => [e, e])])),
    h('div', { class: 'kpis' },
      kpi('Deployment frequency', `${t.deployments}`, `${(t.deployments / data.days).toFixed(2)} a day`, 'dora-deployments'),
      kpi('Lead time for changes (median)', seconds(t.lead_time_median_seconds), `commit → live, ${t.lead_time_count} changes`, 'dora-lead-time'),
      kpi('Change failure rate', t.changes ? `${Math.round((100 * t.failed_changes) / t.changes)}%` : '–', `${t.failed_changes} of ${t.changes} changes`, 'dora-failure-rate'),
      kpi('Time to restore (median)', seconds(t.restore_median_seconds), `${t.restores} restores`, 'dora-restore')),
    h('h2', {}, 'Deployments a day'),
    h('div', { class: 'card' }, barChart(data.daily, (p) => p.deployments, (p) => p.failures > 0)),
    h('h2', {}, 'Per app and environment'),
    h('div', { class: 'card scroll' }, h('table', {},
      h('tr', {}, h('th', {}, 'App'), h('th', {}, 'Environment'), h('th', {}, 'Deployments'), h('th', {}, 'Lead time'),
        h('th', {}, 'Failure rate'), h('th', {}, 'Time to restore')),
      data.rows.map((r) => h('tr', { 'data-row': `${r.app}/${r.environment}` }, h('td', {}, r.app), h('td', {}, r.environment),
        h('td', {}, r.deployments), h('td', {}, seconds(r.lead_time_median_seconds)),
        h('td', {}, r.changes ? `${Math.round((100 * r.failed_changes) / r.changes)}% (${r.failed_changes}/${r.changes})` : '–'),
        h('td', {}, seconds(r.restore_median_seconds)))))),
    h('p', { class: 'muted' }, 'A deployment is a finished deploy of a release to an environment. A change failed when its deployment failed or it was rolled back; time to restore runs from then to the next successful deploy or rollback there. Lead time runs from the commit\'s time to the moment it went live.'));
}

// ---- routing ---------------------------------------------------------------

async function route() {
  if (state.cleanup) { state.cleanup(); state.cleanup = null; }
  const generation = ++state.generation;
  // Each page draws into its own box: a page still loading when another is
  // asked for draws into a box that is no longer on screen.
  const main = h('div');
  document.getElementById('main').replaceChildren(main);
  const hash = location.hash || '#/';
  const [pathPart, query] = hash.slice(1).split('?');
  try {
    const parts = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === 'signin') return signInPage(main);
    if (!state.who.signed_in && !state.who.public) return showSignIn();
    let cleanup = null;
    if (parts.length === 0) cleanup = await overviewPage(main);
    else if (parts[0] === 'runs' && parts[1]) cleanup = await runPage(main, Number(parts[1]));
    else if (parts[0] === 'apps' && parts[2]) cleanup = await environmentPage(main, parts[1], parts[2]);
    else if (parts[0] === 'dora') cleanup = await doraPage(main, query || '');
    else main.append(h('p', {}, 'No such page. '), h('a', { href: '#/' }, 'Projects'));
    // Another page may have been asked for while this one loaded.
    if (generation === state.generation) {
      state.cleanup = cleanup;
      performance.mark('slipway:page-drawn');  // the first one is what bench/ measures
    } else if (cleanup) cleanup();
  } catch (e) {
    if (e.status !== 401) main.append(h('p', { class: 'error' }, e.message));
  }
}

async function start() {
  state.who = await api('GET', '/session');
  renderWho();
  window.addEventListener('hashchange', () => { renderWho(); route(); });
  await route();
}

start();
