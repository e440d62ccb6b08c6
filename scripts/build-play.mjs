/**
 * Builds the student page (GET /play) from web/play/ into dist/play/ (or the directory given as
 * the first argument): esbuild bundles the TypeScript, and the style sheet after KaTeX's with its
 * woff2 fonts only (every browser that runs the page reads woff2); every asset is named by its
 * content's hash, so that it can be cached for a year, and index.html is written from its
 * template with those names. Nothing comes from a CDN.
 *
 * Fails when the page's own assets (fonts aside) are over 300 kB gzip-compressed.
 *
 * Plain JavaScript run by node, and esbuild's synchronous API without its worker thread: no
 * process outlives the build (esbuild's service process, and tsx's, would be left for PID 1 to
 * reap, where PID 1 may not, and `npm start`'s prestart runs this).
 */
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

// esbuild's synchronous calls, each a child process that ends with the call (execFileSync), not
// a worker thread holding a service process: read when esbuild is loaded, so set before.
process.env.ESBUILD_WORKER_THREADS = '0';
const { buildSync } = await import('esbuild');

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'web/play');
const outDir = process.argv[2] ?? join(root, 'dist/play');
const assets = join(outDir, 'assets');

/** What the page may weigh, gzip-compressed, fonts aside (the bound). */
const BUDGET_BYTES = 300_000;

/** KaTeX's style sheet, its @font-face rules naming their woff2 files only (they also name woff and ttf). */
const katexCss = createRequire(import.meta.url).resolve('katex/dist/katex.min.css');
const katexWoff2Only = readFileSync(katexCss, 'utf8').replace(/,\s*url\([^)]*\.(woff|ttf)\)\s*format\("[a-z]+"\)/g, '');

rmSync(outDir, { recursive: true, force: true });
const named = { minify: true, bundle: true, outdir: assets, metafile: true, logLevel: 'warning' };
const script = buildSync({
  ...named,
  absWorkingDir: root,
  entryPoints: { play: join(source, 'main.ts') },
  format: 'esm',
  target: ['chrome100', 'firefox100', 'safari15'],
  entryNames: '[name]-[hash]',
});
const style = buildSync({
  ...named,
  // KaTeX's rules first, the page's own after them; its fonts resolved beside KaTeX's style sheet.
  stdin: {
    contents: `${katexWoff2Only}\n${readFileSync(join(source, 'style.css'), 'utf8')}`,
    resolveDir: dirname(katexCss),
    sourcefile: 'play.css',
    loader: 'css',
  },
  entryNames: 'play-[hash]',
  assetNames: '[name]-[hash]',
  loader: { '.woff2': 'file' },
});

/** The output of a build whose name ends with `extension`. */
const output = (result, extension) => {
  const path = Object.keys(result.metafile.outputs).find((p) => p.endsWith(extension));
  if (!path) throw new Error(`build-play: no ${extension} was written`);
  return `/play/assets/${basename(path)}`;
};
const template = readFileSync(join(source, 'index.html'), 'utf8');
if (!template.includes('{{script}}') || !template.includes('{{style}}'))
  throw new Error('build-play: web/play/index.html must hold {{script}} and {{style}}');
writeFileSync(
  join(outDir, 'index.html'),
  template.replace('{{script}}', output(script, '.js')).replace('{{style}}', output(style, '.css')),
);

// The page's own assets as a server compressing them would send them (gzip -9), fonts aside.
let total = gzipSync(readFileSync(join(outDir, 'index.html')), { level: 9 }).length;
for (const name of readdirSync(assets)) {
  if (!name.endsWith('.woff2')) total += gzipSync(readFileSync(join(assets, name)), { level: 9 }).length;
}
console.log(`${outDir}: ${(total / 1000).toFixed(1)} kB gzip-compressed, fonts aside`);
if (total > BUDGET_BYTES) {
  console.error(`build-play: the page's assets are ${total} bytes gzip-compressed, over ${BUDGET_BYTES}`);
  process.exit(1);
}
