// Shared by the browser tests: the browser, the server under test, an API client for
// setting up data, fresh databases, and screenshots. run.sh starts the main server and
// passes its URL, the admin's credentials and the storage engine (QIANDAO_ENGINE: sqlite or
// postgresql, with QIANDAO_PG_URL the cluster's base URL) in the environment.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the browser tests through tests/browser/run.sh`);
  return v;
}

// The engine the whole run is on; every database a test makes is on the same one.
export const engine = process.env.QIANDAO_ENGINE || 'sqlite';
if (engine !== 'sqlite' && engine !== 'postgresql') throw new Error(`QIANDAO_ENGINE=${engine}: expected sqlite or postgresql`);

// SQLite keeps the screenshot names as they always were; a PostgreSQL run writes the same
// names into a subfolder, so neither run overwrites the other.
export const shotsDir = engine === 'sqlite'
  ? path.join(repoRoot, 'test-artifacts', 'screenshots')
  : path.join(repoRoot, 'test-artifacts', 'screenshots', engine);

// A new, empty --db target on the run's engine: a file in `dir` (a new temporary directory
// when none is given) for SQLite, a new database in run.sh's cluster for PostgreSQL.
let databases = 0;
export function freshDb(dir) {
  if (engine === 'sqlite') {
    return path.join(dir ?? mkdtempSync(path.join(tmpdir(), 'qiandao-browser-')), 'own.db');
  }
  databases += 1;
  const name = `browser_own_${process.pid}_${databases}`;
  const script = path.join(repoRoot, 'tests', 'support', 'pg_cluster.sh');
  return execFileSync('bash', [script, 'createdb', env('QIANDAO_PG_URL'), name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

export const baseUrl = () => env('QIANDAO_URL').replace(/\/$/, '');
export const admin = () => ({ username: env('QIANDAO_ADMIN_USER'), password: env('QIANDAO_ADMIN_PASSWORD') });

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launch() {
  return chromium.launch({ executablePath: process.env.QIANDAO_CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

// A context that records page errors; a test fails on any uncaught error in its pages.
export async function newContext(browser, options = {}) {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1440, height: 900 }, ...options });
  context.pageErrors = [];
  context.on('page', (page) => watch(page, context.pageErrors));
  return context;
}

function watch(page, errors) {
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
}

export async function shot(page, name) {
  mkdirSync(shotsDir, { recursive: true });
  const file = path.join(shotsDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

// A JSON client with a session cookie, for setting up what a test needs.
export class Api {
  constructor(url = baseUrl()) { this.url = url; this.cookie = ''; this.bearer = ''; }

  async call(method, p, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.cookie) headers.Cookie = this.cookie;
    if (this.bearer) headers.Authorization = `Bearer ${this.bearer}`;
    const res = await fetch(`${this.url}/api/v1${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    const cookie = res.headers.get('set-cookie');
    if (cookie) this.cookie = cookie.split(';')[0];
    if (!res.ok) {
      const err = new Error(`${method} ${p} → ${res.status} ${text}`);
      err.status = res.status;
      err.data = data;
      throw err;
    }
    return data;
  }

  get(p) { return this.call('GET', p); }
  post(p, body = {}) { return this.call('POST', p, body); }
  async login({ username, password } = admin()) { await this.post('/login', { username, password }); return this; }

  // An event starting now, with `people` confirmed registrations; returns {event, regs}.
  async eventWithPeople(title, people, extra = {}) {
    const now = Date.now();
    const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const event = await this.post('/events', {
      title, kind: 'conference', venue: '测试会场', starts_at: iso(now - 3600e3), ends_at: iso(now + 3600e3), capacity: null, ...extra,
    });
    const regs = [];
    for (let i = 0; i < people.length; i += 1) regs.push(await this.post(`/events/${event.id}/registrations`, people[i]));
    return { event, regs };
  }
}

// Numbers in the 154 segment, which no operator has been given: no real subscriber.
let serial = Math.floor(Math.random() * 1e6);
export function testPhone() {
  serial = (serial + 7919) % 1e8;
  return `154${String(serial).padStart(8, '0')}`;
}

// A server of the test's own, on its own fresh database on the run's engine, that the test
// may stop and start again on the same port (the offline kiosk test needs exactly that).
export class OwnServer {
  constructor() {
    this.bin = env('QIANDAO_BIN');
    this.dir = mkdtempSync(path.join(tmpdir(), 'qiandao-browser-'));
    this.db = freshDb(this.dir);
    this.port = 0;
    this.proc = null;
    this.password = 'browser-test-password';
    execFileSync(this.bin, ['user', 'add', 'admin', '--role', 'admin', '--db', this.db], { input: `${this.password}\n` });
  }

  get url() { return `http://127.0.0.1:${this.port}`; }
  get admin() { return { username: 'admin', password: this.password }; }

  async start() {
    const args = ['serve', '--db', this.db, '--listen', `127.0.0.1:${this.port}`];
    if (process.env.QIANDAO_WEB_ROOT) args.push('--web-root', process.env.QIANDAO_WEB_ROOT);
    const proc = spawn(this.bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    this.log = '';
    proc.stderr.on('data', (d) => { this.log += d; });
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${this.log}`)), 15000);
      proc.stdout.on('data', (d) => {
        this.log += d;
        const m = /listening on http:\/\/[^:]+:(\d+)\//.exec(this.log);
        if (m) { clearTimeout(timer); this.port = Number(m[1]); resolve(); }
      });
      proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}): ${this.log}`)); });
    });
  }

  async stop() {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    this.proc = null;
    await new Promise((resolve) => {
      proc.removeAllListeners('exit');
      proc.on('exit', resolve);
      proc.kill('SIGTERM');
      setTimeout(() => proc.kill('SIGKILL'), 10000).unref();
    });
  }

  async dispose() {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
