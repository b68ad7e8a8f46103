// The layers of src/ (docs/architecture.md draws them). A folder may import from its own folder
// and from the floors below it: never sideways to another folder of its floor, never up.
// `npm test` runs `npm run lint:layers`, which fails on any import against this table.
const FLOORS = [
  ['contract', 'errors.ts', 'paths.ts', 'words.ts'],
  ['files.ts'],
  ['stats'],
  ['scenario', 'trace'],
  ['world', 'engines'],
  ['score'],
  ['sim'],
  ['conformance', 'fit', 'tune'],
  ['report', 'serve'],
  ['cli'],
  ['commands'],
  ['cli.ts'],
];

const escape = (name) => name.replace(/\./g, '\\.');
/** A path pattern for a folder (or a single file) of src/. */
const place = (name) => (name.endsWith('.ts') ? `^src/${escape(name)}$` : `^src/${name}/`);

const forbidden = [];
FLOORS.forEach((floor, level) => {
  for (const name of floor) {
    const notBelow = [...floor.filter((other) => other !== name), ...FLOORS.slice(level + 1).flat()];
    if (notBelow.length === 0) continue;
    forbidden.push({
      name: `layers:${name}`,
      comment: `src/${name} may import only from itself and from floors below it (docs/architecture.md)`,
      severity: 'error',
      from: { path: place(name) },
      to: { path: notBelow.map(place) },
    });
  }
});

forbidden.push(
  {
    name: 'no-command-imports-a-command',
    comment: 'each command is its own module; what two commands share lives on a floor below',
    severity: 'error',
    from: { path: '^src/commands/([^/]+)' },
    to: { path: '^src/commands/', pathNot: '^src/commands/$1' },
  },
  {
    name: 'no-circular',
    comment: 'modules that import each other, directly or around a loop',
    severity: 'error',
    from: { path: '^src/' },
    to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
  },
  {
    name: 'src-not-from-tests-or-bench',
    severity: 'error',
    from: { path: '^src/' },
    to: { path: '^(test|bench|scenarios|\\.ci)/' },
  },
);

module.exports = {

  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.mjs', '.js'] },
    exclude: { path: '\\.d\\.ts$' },
  },
};
