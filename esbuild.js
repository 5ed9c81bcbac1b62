// One build script (shape of the esbuild sample in vscode-extension-samples):
// node bundles for the extension host and the CLI, browser bundles for the webviews.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
/** `node esbuild.js --production --meta`: also write dist/bundle-sizes.json (bytes each module adds to extension.js and engine.js). */
const sizes = process.argv.includes('--meta');

/** Tree-sitter runtime and the grammars we parse with, copied next to the bundles: the language registry's list. */
function wasmFiles() {
  // The registry is plain TypeScript data (src/core/languages/*/language.ts): bundle it and read the list.
  const out = esbuild.buildSync({ entryPoints: [path.join(__dirname, 'src', 'core', 'languages', 'registry.ts')], bundle: true, write: false, format: 'cjs', platform: 'node', logLevel: 'silent' });
  const mod = { exports: {} };
  new Function('module', 'exports', out.outputFiles[0].text)(mod, mod.exports);
  return mod.exports.TREE_SITTER_WASM_FILES;
}

function copyAssets() {
  const src = path.join(__dirname, 'node_modules', '@vscode', 'tree-sitter-wasm', 'wasm');
  const dest = path.join(__dirname, 'dist', 'wasm');
  fs.mkdirSync(dest, { recursive: true });
  for (const f of wasmFiles()) fs.copyFileSync(path.join(src, f), path.join(dest, f));
  // libpg-query looks for its .wasm next to the script that loads it (dist/ once bundled).
  fs.copyFileSync(path.join(__dirname, 'node_modules', 'libpg-query', 'wasm', 'libpg-query.wasm'), path.join(__dirname, 'dist', 'libpg-query.wasm'));
  // The Python capture module: a sitecustomize put on PYTHONPATH by pg-lens record and Start Recording.
  fs.mkdirSync(path.join(__dirname, 'dist', 'python'), { recursive: true });
  fs.copyFileSync(path.join(__dirname, 'src', 'capture', 'python', 'sitecustomize.py'), path.join(__dirname, 'dist', 'python', 'sitecustomize.py'));
}

/** Webview entry points: every src/webview/<name>.ts becomes media/dist/<name>.js. */
function webviewEntries() {
  const dir = path.join(__dirname, 'src', 'webview');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('_')).map((f) => path.join(dir, f));
}

/**
 * Heavy libraries the extension loads on first use, each bundled on its own as dist/lib-<name>.js and
 * required only when a feature first imports it (issue 19: the entry bundle carries the editor
 * wiring; parsers, tree-sitter and pg arrive later). dist/ is kept as their folder because
 * libpg-query looks for its .wasm next to the script that loads it.
 *
 * Our own analysis engine (src/engine.ts: the SQL extraction, the analysis pipeline, the N+1 detector) loads the same
 * way: bundled on its own as dist/engine.js (it shares the lib-*.js files), and the editor's one import of it
 * (src/vscode/loadEngine.ts) becomes a require of ./engine.js. The CLI bundles everything into dist/cli.js.
 */
const LAZY_LIBRARIES = ['pg', 'pgsql-ast-parser', 'libpg-query', '@vscode/tree-sitter-wasm', 'yaml', 'sql-formatter'];
const libFile = (name) => `lib-${name.replace(/^@/, '').replace(/\//g, '-')}`;
const ENGINE_ENTRY = path.join(__dirname, 'src', 'engine.ts');
const lazyLibraries = {
  name: 'lazy-libraries',
  setup(build) {
    const filter = new RegExp(`^(${LAZY_LIBRARIES.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: `./${libFile(args.path)}.js`, external: true }));
    build.onResolve({ filter: /\/engine$/ }, (args) =>
      args.kind !== 'entry-point' && path.resolve(args.resolveDir, args.path) + '.ts' === ENGINE_ENTRY ? { path: './engine.js', external: true } : undefined);
  },
};

/** Which modules each editor-side bundle holds (dist/bundle-meta.json, not packaged): scripts/checkBundle.ts reads it. */
const bundleMeta = {
  name: 'bundle-meta',
  setup(build) {
    build.onEnd((result) => {
      if (!result.metafile) return;
      // A module the bundle reached but tree-shook to nothing (bytesInOutput 0) is not held by it.
      const outputs = Object.fromEntries(Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith('.js')).map(([f, o]) => [f, Object.keys(o.inputs).filter((m) => o.inputs[m].bytesInOutput > 0)]));
      fs.writeFileSync(path.join(__dirname, 'dist', 'bundle-meta.json'), JSON.stringify(outputs, null, 1));
      if (sizes) {
        const bytes = Object.fromEntries(Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith('.js')).map(([f, o]) => [f, Object.fromEntries(Object.entries(o.inputs).map(([m, i]) => [m, i.bytesInOutput]).sort((a, b) => b[1] - a[1]))]));
        fs.writeFileSync(path.join(__dirname, 'dist', 'bundle-sizes.json'), JSON.stringify(bytes, null, 1));
      }
    });
  },
};

const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
    });
  },
};

async function main() {
  if (production) {
    // A production build starts clean, so no development source map or stale bundle reaches the .vsix.
    for (const d of ['dist', path.join('media', 'dist')]) fs.rmSync(path.join(__dirname, d), { recursive: true, force: true });
  }
  const common = { bundle: true, minify: production, sourcemap: !production, sourcesContent: false, logLevel: 'warning', plugins: [problemMatcher], legalComments: 'none' };
  const node = { format: 'cjs', platform: 'node', target: 'node20', outdir: 'dist', external: ['vscode', 'pg-native'] };
  const contexts = [
    await esbuild.context({ ...common, ...node, entryPoints: { cli: 'src/cli/main.ts', capture: 'src/capture/node.ts' } }),
    await esbuild.context({ ...common, ...node, entryPoints: { extension: 'src/extension.ts', engine: 'src/engine.ts' }, metafile: true, plugins: [...common.plugins, lazyLibraries, bundleMeta] }),
    await esbuild.context({ ...common, ...node, entryPoints: Object.fromEntries(LAZY_LIBRARIES.map((n) => [libFile(n), require.resolve(n)])) }),
  ];
  const entries = webviewEntries();
  if (entries.length) {
    contexts.push(await esbuild.context({
      ...common,
      entryPoints: entries,
      format: 'iife', platform: 'browser', target: 'es2022', outdir: 'media/dist',
      loader: { '.css': 'css' },
    }));
  }
  copyAssets();
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
  } else {
    await Promise.all(contexts.map((c) => c.rebuild()));
    await Promise.all(contexts.map((c) => c.dispose()));
    const cli = path.join(__dirname, 'dist', 'cli.js');
    const body = fs.readFileSync(cli, 'utf8');
    if (!body.startsWith('#!')) fs.writeFileSync(cli, '#!/usr/bin/env node\n' + body);
    fs.chmodSync(cli, 0o755);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
