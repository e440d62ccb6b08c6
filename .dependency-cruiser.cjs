/**
 * The layers of src/ and the one way their imports run (issue 15). Checked by
 * test/architecture.test.ts; `npx depcruise src` prints the same verdict.
 *
 *   src/text.ts      bilingual text: imports nothing of src/
 *   src/engine/      tensors, ops, tape, compile, evaluate: imports only itself and src/text.ts
 *   src/specs/    the front ends (spec -> graph draft): only the engine and src/text.ts
 *   src/core/, src/schemas/   build on those; never import the operations or the edge
 *   src/operations/  the table of operations: never imports HTTP, routes or workers
 *   the edge         (http, routes, workers, app, server, index) builds on all of them
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
      name: 'core-below-the-edge',
      comment: 'src/core/ and src/schemas/ never import the operations, HTTP, routes, workers or the app.',
      severity: 'error',
      from: { path: '^src/(core|schemas)/' },
      to: { path: '^src/(operations/|http/|routes/|workers/|app\\.ts$|server\\.ts$|index\\.ts$|config\\.ts$)' },
    },
    {
      name: 'operations-free-of-http',
      comment:
        'src/operations/ is the table of what the service computes: it never imports HTTP, routes, workers or the app.',
      severity: 'error',
      from: { path: '^src/operations/' },
      to: { path: '^src/(http/|routes/|workers/|app\\.ts$|server\\.ts$|index\\.ts$|config\\.ts$)' },
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
