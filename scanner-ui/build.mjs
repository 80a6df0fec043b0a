// Builds scanner-ui/dist/ from src/: copies the pages and assets as they are and puts the
// pinned jsQR release (from node_modules, installed by `npm ci`) into assets/vendor/.
// No bundler: the pages use plain ES modules, and jsQR is loaded as a classic script.
//
// The build also refuses pages that would break under the server's Content-Security-Policy
// (script-src 'self'; style-src 'self'): inline <script> bodies, <style> blocks, style=""
// and on*="" attributes. And it refuses innerHTML / outerHTML / insertAdjacentHTML /
// document.write in our own scripts, because names shown in the pages are attacker-chosen
// text (THREATS #16).
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

const problems = [];
for (const file of walk(src)) {
  const rel = relative(src, file);
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.html')) {
    for (const m of text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      if (!/\bsrc\s*=/.test(m[1]) || m[2].trim() !== '') problems.push(`${rel}: inline <script>`);
    }
    if (/<style\b/i.test(text)) problems.push(`${rel}: <style> block`);
    if (/\sstyle\s*=/i.test(text)) problems.push(`${rel}: style="" attribute`);
    if (/\son[a-z]+\s*=/i.test(text)) problems.push(`${rel}: inline event handler`);
    if (/(src|href)\s*=\s*["']?(https?:)?\/\//i.test(text)) problems.push(`${rel}: off-site reference`);
  }
  if (file.endsWith('.js')) {
    if (/\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write/.test(text)) {
      problems.push(`${rel}: HTML-string DOM API (use textContent/createElement)`);
    }
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
cpSync(src, dist, { recursive: true });
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
const hash = createHash('sha256');
for (const f of walk(dist).filter((f) => f !== swFile).sort()) {
  hash.update(relative(dist, f)).update('\0').update(readFileSync(f));
}
writeFileSync(swFile, swText.replace('__ENTRYLOG_BUILD__', hash.digest('hex').slice(0, 16)));

const files = walk(dist).map((f) => relative(dist, f)).sort();
console.log(`scanner-ui: built ${files.length} files into dist/`);
for (const f of files) console.log('  ' + f);
