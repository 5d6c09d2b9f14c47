// Static checks on web/: every file is listed for embedding, every string key exists in
// both languages, and no page loads anything from outside the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './support/harness.mjs';
import { strings } from '../../web/shared/strings.js';

const web = path.join(repoRoot, 'web');

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

function cmakeList(name) {
  const text = readFileSync(path.join(web, 'files.cmake'), 'utf8');
  const m = new RegExp(`set\\(${name}([^)]*)\\)`).exec(text);
  assert.ok(m, `${name} in web/files.cmake`);
  return m[1].split(/\s+/).filter((x) => x && !x.startsWith('#'));
}

const files = walk(web).map((f) => path.relative(web, f).split(path.sep).join('/')).filter((f) => f !== 'files.cmake');
const sources = files.filter((f) => /\.(js|html|css)$/.test(f));

test('every file under web/ is listed in QIANDAO_WEB_FILES, and every listed file exists', () => {
  const listed = cmakeList('QIANDAO_WEB_FILES');
  assert.deepEqual(files.filter((f) => !listed.includes(f)), [], 'files missing from web/files.cmake');
  assert.deepEqual(listed.filter((f) => !files.includes(f)), [], 'listed files that do not exist');
});

test('every vendor file is in node_modules and is the one the pages load', () => {
  const vendor = cmakeList('QIANDAO_VENDOR_FILES');
  for (const f of vendor) assert.ok(existsSync(path.join(repoRoot, 'node_modules', f)), `node_modules/${f}`);
  const used = new Set();
  for (const f of sources) {
    for (const m of readFileSync(path.join(web, f), 'utf8').matchAll(/\/web\/vendor\/([\w@./-]+\.js)/g)) used.add(m[1]);
  }
  assert.deepEqual([...used].filter((u) => !vendor.includes(u)), [], 'pages load vendor files that are not embedded');
});

test('every t() key has Chinese and English text', () => {
  const missing = [];
  for (const f of sources) {
    const text = readFileSync(path.join(web, f), 'utf8');
    for (const m of text.matchAll(/\bt\(\s*'([\w.]+)'/g)) if (!strings[m[1]]) missing.push(`${f}: ${m[1]}`);
    for (const m of text.matchAll(/\blabel\(\s*'([\w.]+)'/g)) if (!strings[m[1]]) missing.push(`${f}: ${m[1]}`);
  }
  assert.deepEqual(missing, []);
  for (const [key, pair] of Object.entries(strings)) {
    assert.ok(Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && typeof pair[1] === 'string', `strings['${key}'] is [zh, en]`);
  }
});

test('nothing is fetched from the internet and no inline script is used', () => {
  for (const f of sources) {
    const text = readFileSync(path.join(web, f), 'utf8');
    assert.doesNotMatch(text, /(src|href)\s*=\s*["']https?:\/\//i, `${f} loads an outside URL`);
    assert.doesNotMatch(text, /@import\s+url\(\s*["']?https?:/i, `${f} imports outside CSS`);
    if (f.endsWith('.html')) {
      for (const m of text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
        assert.match(m[1], /\bsrc=/, `${f}: inline <script> is blocked by the CSP`);
        assert.equal(m[2].trim(), '', `${f}: inline script body`);
      }
    }
  }
});

test('the server under test serves exactly these files (a stale or broken embed shows here)', async () => {
  const base = process.env.QIANDAO_URL;
  if (!base) return;  // run outside run.sh: nothing to compare with
  const wrong = [];
  const check = async (url, file) => {
    const res = await fetch(`${base}${url}`);
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200 || !body.equals(readFileSync(file))) wrong.push(`${url} (${res.status}, ${body.length} bytes)`);
  };
  for (const f of files) await check(`/web/${f}`, path.join(web, f));
  for (const f of cmakeList('QIANDAO_VENDOR_FILES')) await check(`/web/vendor/${f}`, path.join(repoRoot, 'node_modules', f));
  assert.deepEqual(wrong, [], 'served bytes differ from web/ and node_modules/: rebuild the binary, or check the embedding');
});
