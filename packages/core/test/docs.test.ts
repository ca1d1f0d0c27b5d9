// Documentation stays true: every exported symbol has a TSDoc comment, the README's
// code blocks type-check (strict, against the real API) and run, and the test files
// themselves type-check strictly (vitest only strips types).
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const snippetPath = (i: number): string => join(packageDir, 'test', `readme-snippet-${i}.ts`); // virtual

let program: ts.Program;

beforeAll(() => {
  const config = ts.getParsedCommandLineOfConfigFile(join(packageDir, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (config === undefined) throw new Error('cannot read tsconfig.json');
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: true,
    composite: false,
    declaration: false,
    declarationMap: false,
    incremental: false,
    rootDir: packageDir,
    // The README imports the package by name; point that at the sources.
    paths: {
      '@tapestry/core': [join(packageDir, 'src/index.ts')],
      '@tapestry/core/testing': [join(packageDir, 'src/testing/index.ts')],
      '@tapestry/core/node': [join(packageDir, 'src/node/index.ts')],
    },
  };
  const tests = readdirSync(join(packageDir, 'test'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(packageDir, 'test', f));
  const virtual = new Map(snippets.map((code, i) => [snippetPath(i), code]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
  host.readFile = (f) => virtual.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, lang, ...rest) => {
    const code = virtual.get(f);
    return code === undefined ? getSourceFile.call(host, f, lang, ...rest) : ts.createSourceFile(f, code, lang);
  };
  program = ts.createProgram({ rootNames: [...config.fileNames, ...tests, ...virtual.keys()], options, host });
}, 60_000);

function format(diagnostics: readonly ts.Diagnostic[]): string[] {
  return diagnostics.map((d) => {
    const where = d.file === undefined ? '' : `${d.file.fileName.slice(packageDir.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: `;
    return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
  });
}

describe('types', () => {
  it('sources and tests type-check strictly', () => {
    const diagnostics = program.getSourceFiles().filter((f) => f.fileName.startsWith(packageDir) && !f.fileName.includes('readme-snippet')).flatMap((f) => [...program.getSemanticDiagnostics(f), ...program.getSyntacticDiagnostics(f)]);
    expect(format(diagnostics)).toEqual([]);
  }, 120_000); // a full strict type check of ~100 files: ~30 s when 2 cores are shared with other jobs

  it('every README code block type-checks against the real API', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(6);
    const diagnostics = snippets.flatMap((_, i) => {
      const file = program.getSourceFile(snippetPath(i));
      if (file === undefined) return [`snippet ${i} is missing from the program`];
      return format([...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]).map((m) => `README block ${i + 1}: ${m}`);
    });
    expect(diagnostics).toEqual([]);
  });
});

describe('TSDoc', () => {
  /** Exported names of an entry point whose declaration (or one of its members) has no doc comment. */
  function undocumented(entry: string): string[] {
    const checker = program.getTypeChecker();
    const file = program.getSourceFile(join(packageDir, entry));
    const moduleSymbol = file === undefined ? undefined : checker.getSymbolAtLocation(file);
    if (moduleSymbol === undefined) return [`${entry}: not found`];
    const documented = (s: ts.Symbol): boolean => s.getDocumentationComment(checker).length > 0 || s.getJsDocTags(checker).length > 0;
    const missing: string[] = [];
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (!documented(symbol)) missing.push(exported.name);
      // Members of exported classes and interfaces (the public surface of Tensor, Rng, Tape, Backend…).
      if (symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface)) {
        symbol.members?.forEach((member, name) => {
          const decl = member.declarations?.[0];
          const isPrivate = decl !== undefined && ts.canHaveModifiers(decl) && (ts.getModifiers(decl) ?? []).some((m) => m.kind === ts.SyntaxKind.PrivateKeyword);
          if (isPrivate || name === '__constructor' || member.flags & ts.SymbolFlags.TypeParameter) return;
          if (!documented(member)) missing.push(`${exported.name}.${String(name)}`);
        });
      }
    }
    return missing;
  }

  it('every export of @tapestry/core has a doc comment', () => {
    expect(undocumented('src/index.ts')).toEqual([]);
  });

  it('every export of @tapestry/core/testing has a doc comment', () => {
    expect(undocumented('src/testing/index.ts')).toEqual([]);
  });

  it('every export of every source module has a doc comment (internal ones included)', () => {
    const modules = program
      .getSourceFiles()
      .map((f) => f.fileName)
      .filter((f) => f.startsWith(join(packageDir, 'src')) && f.endsWith('.ts') && !f.endsWith('.d.ts'));
    expect(modules.length).toBeGreaterThan(30);
    expect(modules.flatMap((m) => undocumented(m.slice(packageDir.length + 1)).map((name) => `${m.slice(packageDir.length + 1)}: ${name}`))).toEqual([]);
  });
});

describe('README examples run', () => {
  let dir = '';
  beforeAll(() => {
    // Written next to the tests so that bare imports (fast-check) resolve as they would
    // for a user; the package name is pointed at the sources.
    dir = mkdtempSync(join(packageDir, 'test', '.readme-run-'));
  });
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  for (let i = 0; i < snippets.length; i++) {
    it(`block ${i + 1}`, async () => {
      const code = snippets[i]
        .replaceAll("'@tapestry/core/testing'", JSON.stringify(join(packageDir, 'src/testing/index.js')))
        .replaceAll("'@tapestry/core/node'", JSON.stringify(join(packageDir, 'src/node/index.js')))
        .replaceAll("'@tapestry/core'", JSON.stringify(join(packageDir, 'src/index.js')));
      const file = join(dir, `block-${i}.ts`);
      writeFileSync(file, `${code}\nexport {};\n`);
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
      try {
        await import(file);
        const logged = log.mock.calls;
        // Where a block states its output in a comment, hold it to that.
        if (code.includes('checkGradients(loss, [w])')) expect(String(logged.at(-1)?.[0])).toMatch(/^checkGradients: ok/);
        if (code.includes("name: 'cube'")) expect(logged).toEqual([[[3, 12]], [true]]);
        if (code.includes('valueAndGrad(mse)')) expect(logged).toEqual([[2.25, [2, 1], [1], [1, 2]]]);
      } finally {
        log.mockRestore();
      }
    });
  }
});
