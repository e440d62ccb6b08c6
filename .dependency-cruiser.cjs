/**
 * The layers of src/ and the one way their imports run (issue 15). Checked by
 * test/architecture.test.ts; `npx depcruise src` prints the same verdict.
 *
 *   src/text.ts      bilingual text: imports nothing of src/
 *   src/engine/      tensors, ops, tape, compile, evaluate: imports only itself and src/text.ts
 *   src/specs/    the front ends (spec -> graph draft): only the engine and src/text.ts
 *   everything else  (core, operations, schemas, http, routes, ...) builds on those
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'text-at-the-bottom',
      comment: 'src/text.ts is the bottom of every layer: it imports nothing of src/.',
      severity: 'error',
      from: { path: '^src/text\\.ts$' },
      to: { path: '^src/' },
    },
    {
      name: 'engine-sealed',
      comment: 'src/engine/ imports nothing outside itself except src/text.ts.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: '^src/', pathNot: '^src/(engine/|text\\.ts$)' },
    },
    {
      name: 'specs-on-the-engine',
      comment: 'src/specs/ imports only itself, the engine and src/text.ts.',
      severity: 'error',
      from: { path: '^src/specs/' },
      to: { path: '^src/', pathNot: '^src/(engine/|specs/|text\\.ts$)' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycle among the files of src/.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
  },
};
