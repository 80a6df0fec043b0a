// Builds scanner-ui/dist/ from src/: fills the pages' shared <head> and top bar from
// src/partials/, copies the assets as they are and puts the pinned jsQR release (from
// node_modules, installed by `npm ci`) into assets/vendor/.
// No bundler: the pages use plain ES modules, and jsQR is loaded as a classic script.
//
// The build also refuses pages that would break under the server's Content-Security-Policy
// (script-src 'self'; style-src 'self'): inline <script> bodies, <style> blocks, style=""
// and on*="" attributes, checked on the pages as they ship (after the partials are filled).
// And it refuses innerHTML / outerHTML / insertAdjacentHTML / document.write in our own
// scripts, because names shown in the pages are attacker-chosen text
// (docs/threat-model.md T16).
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, 'src');
const dist = join(here, 'dist');
const checkOnly = process.argv.includes('--check');

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

// ---------------------------------------------------------------- pages from partials
//
// A page in src/ starts with two directives instead of its <head> and top bar:
//   <!-- #head title-key="scan.title" title="Scanner — entrylog" viewport-extra=", viewport-fit=cover" -->
//   <!-- #topbar -->
//       …what the page adds to the top bar, between the brand and the language link…
//   <!-- /topbar -->
// src/partials/<name>.html is filled in: {{key}} from the directive's attributes (or from
// the page itself: {{page}} is the file name without .html, {{path}} its URL), {{key?}} the
// same but empty when not given, and {{slot?}} the lines between #topbar and /topbar. A
// placeholder alone on its line takes the value's own lines. Plain string replacement, no
// escaping: the values come from our own pages, and the CSP checks below read the result.
const partialsDir = join(src, 'partials');
const partials = Object.fromEntries(
  readdirSync(partialsDir).filter((f) => f.endsWith('.html')).map((f) => [f.slice(0, -5), readFileSync(join(partialsDir, f), 'utf8')]),
);

function fill(name, values, page) {
  const partial = partials[name];
  if (partial === undefined) throw new Error(`${page}: no partial src/partials/${name}.html`);
  const used = new Set();
  const value = (key, optional) => {
    used.add(key);
    if (values[key] !== undefined) return values[key];
    if (optional) return '';
    throw new Error(`${page}: partial ${name} needs ${key}="…"`);
  };
  const out = partial
    .replace(/^[ \t]*\{\{([a-z-]+)(\??)\}\}\n/gm, (_, key, opt) => value(key, opt))
    .replace(/\{\{([a-z-]+)(\??)\}\}/g, (_, key, opt) => value(key, opt));
  const unknown = Object.keys(values).filter((k) => !used.has(k) && !['page', 'path'].includes(k));
  if (unknown.length) throw new Error(`${page}: partial ${name} has no ${unknown.join(', ')}`);
  return out;
}

function renderPage(rel, text) {
  const page = rel.slice(0, -'.html'.length);
  const own = { page, path: page === 'index' ? '/' : `/${page}` };
  const attrs = (s) => Object.fromEntries([...s.matchAll(/([a-z-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  return text
    .replace(/^<!-- #([a-z]+)((?:\s+[a-z-]+="[^"]*")*)\s*-->\n([\s\S]*?)^<!-- \/\1 -->\n/gm,
      (_, name, a, slot) => fill(name, { ...own, ...attrs(a), slot }, rel))
    .replace(/^<!-- #([a-z]+)((?:\s+[a-z-]+="[^"]*")*)\s*-->\n/gm, (_, name, a) => fill(name, { ...own, ...attrs(a) }, rel));
}

const problems = [];
const pages = {};
for (const file of walk(src)) {
  const rel = relative(src, file);
  if (rel.startsWith('partials/') || !rel.endsWith('.html')) continue;
  try {
    pages[rel] = renderPage(rel, readFileSync(file, 'utf8'));
  } catch (e) {
    problems.push(e.message);
    continue;
  }
  if (/\{\{|<!-- [#/][a-z]/.test(pages[rel])) problems.push(`${rel}: an unfilled placeholder or directive`);
  if (!/^<!doctype html>/i.test(pages[rel])) problems.push(`${rel}: does not start with <!doctype html> (missing <!-- #head -->?)`);
}

for (const [rel, text] of Object.entries(pages)) {
  for (const m of text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (!/\bsrc\s*=/.test(m[1]) || m[2].trim() !== '') problems.push(`${rel}: inline <script>`);
  }
  if (/<style\b/i.test(text)) problems.push(`${rel}: <style> block`);
  if (/\sstyle\s*=/i.test(text)) problems.push(`${rel}: style="" attribute`);
  if (/\son[a-z]+\s*=/i.test(text)) problems.push(`${rel}: inline event handler`);
  if (/(src|href)\s*=\s*["']?(https?:)?\/\//i.test(text)) problems.push(`${rel}: off-site reference`);
}
for (const file of walk(src).filter((f) => f.endsWith('.js'))) {
  const text = readFileSync(file, 'utf8');
  if (/\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write/.test(text)) {
    problems.push(`${relative(src, file)}: HTML-string DOM API (use textContent/createElement)`);
  }
}
if (problems.length) {
  console.error('scanner-ui build refused:\n  ' + problems.join('\n  '));
  process.exit(1);
}
if (checkOnly) {
  console.log('scanner-ui: sources ok');
  process.exit(0);
}

// jsQR from the pinned npm package; fail clearly when `npm ci` has not run.
const require = createRequire(import.meta.url);
let jsqrMain;
try {
  jsqrMain = require.resolve('jsqr');
} catch {
  console.error('jsqr is not installed: run `npm ci` in scanner-ui/ first');
  process.exit(1);
}
const jsqrDir = join(dirname(jsqrMain), '..');
const jsqrVersion = JSON.parse(readFileSync(join(jsqrDir, 'package.json'), 'utf8')).version;
const wanted = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')).dependencies.jsqr;
if (jsqrVersion !== wanted) {
  console.error(`installed jsqr ${jsqrVersion} differs from the pinned ${wanted}: run \`npm ci\``);
  process.exit(1);
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
cpSync(src, dist, { recursive: true, filter: (f) => f !== partialsDir });
for (const [rel, text] of Object.entries(pages)) writeFileSync(join(dist, rel), text);
const vendor = join(dist, 'assets', 'vendor');
mkdirSync(vendor, { recursive: true });
cpSync(join(jsqrDir, 'dist', 'jsQR.js'), join(vendor, 'jsQR.js'));
const licence = join(jsqrDir, 'LICENSE');
if (existsSync(licence)) cpSync(licence, join(vendor, 'jsQR.LICENSE.txt'));

// The scanner's WebAssembly QR decoder (decoder-worker.js), pinned in package.json and served
// from our own origin: [npm package, file in the package, path under assets/vendor/].
const VENDOR_FILES = [
  ['zxing-wasm', 'dist/es/reader/index.js', 'zxing/reader/index.js'],
  ['zxing-wasm', 'dist/es/share.js', 'zxing/share.js'],
  ['zxing-wasm', 'dist/reader/zxing_reader.wasm', 'zxing/zxing_reader.wasm'],
  ['zxing-wasm', 'LICENSE', 'zxing/LICENSE.txt'],
];
const versions = [`jsqr ${jsqrVersion} (npm, Apache-2.0)`];
for (const [pkg, from, to] of VENDOR_FILES) {
  const pkgDir = join(here, 'node_modules', pkg); // its package.json is not in its "exports"
  if (!existsSync(join(pkgDir, from))) {
    console.error(`${pkg}/${from} is not installed: run \`npm ci\` in scanner-ui/ first`);
    process.exit(1);
  }
  const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
  const pinned = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')).dependencies[pkg];
  if (version !== pinned) {
    console.error(`installed ${pkg} ${version} differs from the pinned ${pinned}: run \`npm ci\``);
    process.exit(1);
  }
  mkdirSync(dirname(join(vendor, to)), { recursive: true });
  cpSync(join(pkgDir, from), join(vendor, to));
  if (!versions.some((v) => v.startsWith(`${pkg} `))) versions.push(`${pkg} ${version} (npm)`);
}
writeFileSync(join(vendor, 'VERSIONS.txt'), versions.join('\n') + '\n');

// The service worker: every file it pre-caches must exist, and its BUILD is a hash of
// everything else in dist/, so a changed page or asset makes a new worker (and a new cache).
const swFile = join(dist, 'sw.js');
const swText = readFileSync(swFile, 'utf8');
const listed = [...(swText.match(/const PRECACHE = \[([\s\S]*?)\];/) || [, ''])[1].matchAll(/'([^']+)'/g)].map((m) => m[1]);
const pageOf = (url) => (url.startsWith('/assets/') ? url.slice(1) : `${url.slice(1)}.html`);
const missing = listed.filter((url) => !existsSync(join(dist, pageOf(url))));
if (!listed.length || missing.length || !swText.includes('__ENTRYLOG_BUILD__')) {
  console.error(`scanner-ui build refused: sw.js pre-caches missing files or lacks its BUILD mark: ${missing.join(', ')}`);
  process.exit(1);
}
// An ES module starts only when every module it imports loads: a pre-cached script whose
// imports are not pre-cached too would leave the page blank offline.
const unlisted = [];
for (const url of listed.filter((u) => u.endsWith('.js'))) {
  const text = readFileSync(join(dist, pageOf(url)), 'utf8');
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s*'(\.{1,2}\/[^']+)'|^\s*import\s*'(\.{1,2}\/[^']+)'/gm)) {
    const target = new URL(m[1] || m[2], `https://x${url}`).pathname;
    if (!listed.includes(target)) unlisted.push(`${target} (imported by ${url})`);
  }
}
if (unlisted.length) {
  console.error(`scanner-ui build refused: sw.js does not pre-cache ${[...new Set(unlisted)].join(', ')}`);
  process.exit(1);
}
const hash = createHash('sha256');
for (const f of walk(dist).filter((f) => f !== swFile).sort()) {
  hash.update(relative(dist, f)).update('\0').update(readFileSync(f));
}
writeFileSync(swFile, swText.replace('__ENTRYLOG_BUILD__', hash.digest('hex').slice(0, 16)));

const files = walk(dist).map((f) => relative(dist, f)).sort();
console.log(`scanner-ui: built ${files.length} files into dist/`);
for (const f of files) console.log('  ' + f);
