#!/usr/bin/env node
// Type-checks every ```ts block of the guides and READMEs, and of the TSDoc `@example`
// tags in the packages' sources, against the built packages, so that documentation cannot
// drift from the API.
//
//   node docs/check/check-examples.mjs            type-check every block
//   node docs/check/check-examples.mjs --run      …then run each block with node
//   node docs/check/check-examples.mjs --run --filter=getting-started
//                                                 only run blocks whose `file:line` contains the
//                                                 text (all blocks of their files are checked)
//   --keep                                        leave docs/check/.generated/ in place
//   --list                                        print the blocks found and exit
//
// Sources: docs/**/*.md (not docs/api), packages/*/README.md and the root README.md; and
// the ```ts blocks inside `@example` tags of the doc comments of packages/*/src/**/*.ts
// (not tests), reported at the source file's line and column. An `@example` with no
// fenced block at all is an error: TypeDoc would show its text as unchecked code. The
// `@example` blocks run with `--run` too (all of them together take about 20 s),
// from the repository root like the Markdown blocks, so they must not write files there.
// Each block becomes one ES module in a directory of the run, docs/check/.generated-<id>/
// (deleted at the end; with --keep it is docs/check/.generated/ and stays), whose
// node_modules links `@tapestry/*` to packages/* (so the packages' `exports` maps and dist/*.d.ts are used,
// exactly as an installed user sees them) and fp-ts to the copy the packages depend on.
// The modules are checked together in one TypeScript program (strict, NodeNext). An
// explicit `any` in a block is an error too. Failures are printed as `file:line:col:
// message` at the Markdown (or source) line. Needs the packages built first (`pnpm build`).
//
// Blocks that must not be compiled use another fence language: ```sh, ```text, ```json.
// A block may be given a file name, ```ts title="mgu.ts"; later blocks of the same
// Markdown (or source) file can then import it as a reader would (`import { mguCell } from './mgu.js'`).
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const args = process.argv.slice(2);
// With --keep, the modules go to .generated/ (replacing a previous run's); otherwise to a
// directory of this run's own, so that two runs in one checkout cannot delete each other's files.
const outDir = args.includes('--keep') ? path.join(here, '.generated') : path.join(here, `.generated-${process.pid}-${Date.now().toString(36)}`);
const flag = (name) => args.includes(`--${name}`);
const filter = args.find((a) => a.startsWith('--filter='))?.slice('--filter='.length);
const CHECKED_LANGS = new Set(['ts', 'typescript']);

/** Markdown files to extract from, relative to the root, in a stable order. */
function sources() {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      const rel = path.relative(root, full).split(path.sep).join('/');
      if (entry.isDirectory()) {
        if (rel === 'docs/api' || entry.name.startsWith('.') || entry.name === 'node_modules') continue;
        walk(full);
      } else if (entry.name.endsWith('.md')) found.push(rel);
    }
  };
  walk(path.join(root, 'docs'));
  const packagesDir = path.join(root, 'packages');
  for (const name of fs.readdirSync(packagesDir).sort()) {
    if (fs.existsSync(path.join(packagesDir, name, 'README.md'))) found.push(`packages/${name}/README.md`);
  }
  if (fs.existsSync(path.join(root, 'README.md'))) found.push('README.md');
  return found;
}

/**
 * The fenced code blocks of a Markdown text given as lines `{ text, line, col }` (`line`: the
 * 1-based line in the source file, `col`: the 0-based column where `text` starts there).
 * Returns `{ lang, title, line, at, end, code, lineMap }`: `line` is the source line of the
 * opening fence, `at`/`end` the indices of the fence lines, and `lineMap[n]` the source
 * `{ line, col }` of line n of `code`. Follows CommonMark: a fence of ≥ 3 backticks or
 * tildes, closed by the same character at least as many times.
 */
function codeBlocks(lines) {
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)(.*)$/.exec(lines[i].text);
    if (!open) continue;
    const [, indent, fence, lang, info] = open;
    const title = /\btitle=(?:"([^"]+)"|(\S+))/.exec(info);
    const body = [];
    const lineMap = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const { text, line, col } = lines[j];
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(text);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length) break;
      const stripped = text.startsWith(indent) ? text.slice(indent.length) : text.trimStart();
      body.push(stripped);
      lineMap.push({ line, col: col + text.length - stripped.length });
    }
    // The line after the code (where the checker appends `export {}`) maps to the closing fence.
    lineMap.push(j < lines.length ? { line: lines[j].line, col: lines[j].col } : { line: lines[i].line, col: lines[i].col });
    blocks.push({ lang: lang.toLowerCase(), title: title ? title[1] ?? title[2] : undefined, line: lines[i].line, at: i, end: j, code: body.join('\n'), lineMap });
    i = j;
  }
  return blocks;
}

/** The lines of a Markdown text, for {@link codeBlocks}. */
function markdownLines(text) {
  return text.split(/\r?\n/).map((line, i) => ({ text: line, line: i + 1, col: 0 }));
}

/** TypeScript sources of the packages (`packages/<name>/src`), relative to the root, in a stable order; tests excluded. */
function tsdocSources() {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name.startsWith('.') || ['node_modules', 'test', 'tests', '__tests__'].includes(entry.name)) continue;
        walk(full);
      } else if (/\.(ts|mts|cts|tsx)$/.test(entry.name) && !/\.d\.[mc]?ts$/.test(entry.name) && !/\.(test|spec)\.[mc]?tsx?$/.test(entry.name)) {
        found.push(path.relative(root, full).split(path.sep).join('/'));
      }
    }
  };
  const packagesDir = path.join(root, 'packages');
  for (const name of fs.readdirSync(packagesDir).sort()) {
    const src = path.join(packagesDir, name, 'src');
    if (fs.existsSync(src)) walk(src);
  }
  return found;
}

/**
 * The ```ts blocks inside the `@example` tags of the doc comments of a TypeScript source, in
 * the shape {@link codeBlocks} returns, plus `problems`: `@example` tags without any fenced
 * block (TypeDoc would show their text as code that nothing checks).
 */
function tsdocBlocks(text, fileName) {
  const sourceFile = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  // Doc comments are leading comments of some node (the end-of-file token included).
  const comments = new Map();
  const visit = (node) => {
    for (const range of ts.getLeadingCommentRanges(text, node.pos) ?? []) {
      if (range.kind === ts.SyntaxKind.MultiLineCommentTrivia && text.startsWith('/**', range.pos) && !text.startsWith('/**/', range.pos)) comments.set(range.pos, range.end);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  visit(sourceFile.endOfFileToken);
  const blocks = [];
  const problems = [];
  for (const [pos, end] of [...comments].sort((a, b) => a[0] - b[0])) {
    // The comment's lines without the opening and closing delimiters and the leading ` * `, each with its source position.
    const start = sourceFile.getLineAndCharacterOfPosition(pos);
    const lines = text
      .slice(pos + 3, end - 2)
      .split(/\r?\n/)
      .map((raw, n) => {
        const col = n === 0 ? start.character + 3 : 0;
        const prefix = n === 0 ? /^ ?/.exec(raw)[0] : /^\s*(?:\* ?)?/.exec(raw)[0];
        return { text: raw.slice(prefix.length), line: start.line + 1 + n, col: col + prefix.length };
      });
    const fenced = codeBlocks(lines);
    // The block tag each line belongs to: a line starting with `@tag`, outside code fences.
    const tagAt = [];
    let tag;
    let examples = [];
    for (let n = 0, f = 0; n < lines.length; n++) {
      if (f < fenced.length && n === fenced[f].at) {
        for (; n <= fenced[f].end && n < lines.length; n++) tagAt[n] = tag;
        n--;
        f++;
        continue;
      }
      const m = /^@(\w+)/.exec(lines[n].text);
      if (m !== null) {
        tag = m[1];
        if (tag === 'example') examples.push({ line: lines[n].line, blocks: 0 });
      }
      tagAt[n] = tag;
    }
    for (const block of fenced) {
      if (tagAt[block.at] !== 'example') continue;
      const example = examples.findLast((e) => e.line <= block.line);
      if (example !== undefined) example.blocks++;
      if (CHECKED_LANGS.has(block.lang)) blocks.push(block);
    }
    for (const e of examples) if (e.blocks === 0) problems.push({ line: e.line, message: '@example without a fenced code block: nothing checks it (fence it with ```ts, or ```text if it is not code)' });
  }
  return { blocks, problems };
}

/** Makes `link` point at `target` (a directory), replacing whatever was there. */
function linkDir(target, link) {
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.rmSync(link, { recursive: true, force: true });
  // Windows junctions need an absolute target; elsewhere a relative link survives moving the checkout.
  if (process.platform === 'win32') fs.symlinkSync(target, link, 'junction');
  else fs.symlinkSync(path.relative(path.dirname(link), target), link, 'dir');
}

/** Where the packages' own dependency `name` is installed (the first package that has it). */
function packageDependency(name) {
  for (const pkg of fs.readdirSync(path.join(root, 'packages')).sort()) {
    const dir = path.join(root, 'packages', pkg, 'node_modules', name);
    if (fs.existsSync(dir)) return fs.realpathSync(dir);
  }
  const top = path.join(root, 'node_modules', name);
  return fs.existsSync(top) ? fs.realpathSync(top) : undefined;
}

/** Lays out the output directory: package.json, node_modules links, one module per block. */
function generate(blocks) {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'package.json'), JSON.stringify({ name: 'tapestry-doc-examples', private: true, type: 'module' }, null, 2) + '\n');
  for (const pkg of fs.readdirSync(path.join(root, 'packages')).sort()) {
    const manifest = path.join(root, 'packages', pkg, 'package.json');
    if (!fs.existsSync(manifest)) continue;
    const { name } = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    if (typeof name === 'string' && name.startsWith('@tapestry/')) linkDir(path.join(root, 'packages', pkg), path.join(outDir, 'node_modules', name));
  }
  // Libraries a user of the packages also imports directly.
  for (const dep of ['fp-ts', 'fast-check']) {
    const dir = packageDependency(dep);
    if (dir !== undefined) linkDir(dir, path.join(outDir, 'node_modules', dep));
  }
  const used = new Set();
  for (const block of blocks) {
    // One directory per Markdown or source file, so titled blocks are siblings of the blocks that import them.
    const dir = path.join(outDir, block.source.replace(/\.md$/, '').replace(/[^A-Za-z0-9]+/g, '-'));
    const name = block.title !== undefined ? block.title.replace(/\.(ts|mts)$/, '') + '.ts' : `L${block.line}.ts`;
    block.file = path.join(dir, name);
    if (!/^[\w.-]+\.ts$/.test(name) || used.has(block.file)) {
      block.errors = [`${block.source}:${block.line}: title '${block.title}' is not a plain file name or is used twice`];
      block.file = path.join(dir, `L${block.line}.ts`);
    }
    used.add(block.file);
    fs.mkdirSync(dir, { recursive: true });
    // `export {}` makes every block a module, so two blocks may declare the same names;
    // appended after the code, so generated line n is line n of the block.
    fs.writeFileSync(block.file, `${block.code}\nexport {};\n`);
  }
}

const compilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts'],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noFallthroughCasesInSwitch: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  skipLibCheck: true,
  types: ['node'],
  typeRoots: [path.join(root, 'node_modules', '@types')],
  noEmit: true,
};

/** Positions of explicit `any` types in a block (the project's rule: no `any`). */
function explicitAnys(sourceFile) {
  const found = [];
  const visit = (node) => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) found.push(node.getStart(sourceFile));
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/** Type-checks all blocks in one program; returns diagnostics per block and global ones. */
function typeCheck(blocks) {
  const program = ts.createProgram(
    blocks.map((b) => b.file),
    compilerOptions,
  );
  const byFile = new Map(blocks.map((b) => [path.resolve(b.file), b]));
  const global = [];
  const report = (block, sourceFile, start, message) => {
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(start);
    // Generated line n (0-based) is line n of the block's code; lineMap knows where that is in the source.
    const at = block.lineMap[Math.min(line, block.lineMap.length - 1)];
    block.errors.push(`${block.source}:${at.line}:${at.col + character + 1}: ${message}`);
  };
  for (const b of blocks) b.errors ??= [];
  for (const d of [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]) global.push(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  for (const b of blocks) {
    const sf = program.getSourceFile(b.file);
    if (sf === undefined) {
      b.errors.push(`${b.source}:${b.line}: the block was not compiled`);
      continue;
    }
    for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n  ');
      if (d.file && d.start !== undefined) {
        const owner = byFile.get(path.resolve(d.file.fileName));
        if (owner !== undefined) report(owner, d.file, d.start, `TS${d.code}: ${message}`);
        else b.errors.push(`${b.source}:${b.line}: ${path.relative(root, d.file.fileName)}: TS${d.code}: ${message}`);
      } else b.errors.push(`${b.source}:${b.line}: TS${d.code}: ${message}`);
    }
    for (const start of explicitAnys(sf)) report(b, sf, start, 'explicit `any` (use a precise type or `unknown`)');
  }
  return global;
}

/** Transpiles every block to JavaScript next to its .ts, then runs the untitled ones with node; records failures. */
function runBlocks(blocks, all) {
  for (const b of all) {
    const { outputText } = ts.transpileModule(fs.readFileSync(b.file, 'utf8'), {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true },
      fileName: b.file,
    });
    fs.writeFileSync(b.file.replace(/\.ts$/, '.js'), outputText);
  }
  // A titled block is a module other blocks import; it runs as part of them.
  for (const b of blocks.filter((x) => x.title === undefined)) {
    const js = b.file.replace(/\.ts$/, '.js');
    const started = Date.now();
    console.log(`\n── run ${b.source}:${b.line}`);
    const result = spawnSync(process.execPath, [js], { cwd: root, stdio: 'inherit' });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (result.status !== 0) b.errors.push(`${b.source}:${b.line}: running the block failed (exit ${result.status ?? result.signal}) after ${seconds} s`);
    else console.log(`── ok (${seconds} s)`);
  }
}

/** `47 in 10 Markdown files, 96 @example blocks in 70 source files`, for the blocks present. */
function summary(blocks) {
  const part = (kind, what, where) => {
    const of = blocks.filter((b) => b.kind === kind);
    return of.length === 0 ? [] : [`${of.length} ${what} in ${new Set(of.map((b) => b.source)).size} ${where}`];
  };
  return [...part('markdown', '```ts blocks', 'Markdown files'), ...part('tsdoc', '@example blocks', 'source files')].join(', ');
}

function main() {
  const all = [];
  for (const source of sources()) {
    const text = fs.readFileSync(path.join(root, source), 'utf8');
    for (const block of codeBlocks(markdownLines(text))) if (CHECKED_LANGS.has(block.lang)) all.push({ ...block, source, kind: 'markdown' });
  }
  for (const source of tsdocSources()) {
    const { blocks, problems } = tsdocBlocks(fs.readFileSync(path.join(root, source), 'utf8'), source);
    for (const block of blocks) all.push({ ...block, source, kind: 'tsdoc' });
    // A tag without code is reported as a failed (empty) block at the tag's line.
    for (const { line, message } of problems) all.push({ lang: 'ts', line, code: '', lineMap: [{ line, col: 0 }], source, kind: 'tsdoc', errors: [`${source}:${line}: ${message}`] });
  }
  all.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'markdown' ? -1 : 1) || (a.source === b.source ? a.line - b.line : 0));
  // --filter selects blocks by `file:line`; every block of their files is still checked,
  // since a selected block may import a titled one.
  const selected = all.filter((b) => filter === undefined || `${b.source}:${b.line}`.includes(filter));
  const files = new Set(selected.map((b) => b.source));
  const blocks = all.filter((b) => files.has(b.source));
  if (flag('list')) {
    for (const b of blocks) console.log(`${b.source}:${b.line}${b.kind === 'tsdoc' ? ' @example' : ''}${b.title ? ` (${b.title})` : ''}`);
    console.log(`${blocks.length} blocks (${summary(blocks)})`);
    return 0;
  }
  if (blocks.length === 0) {
    console.error('check-examples: no ```ts blocks found' + (filter === undefined ? '' : ` matching '${filter}'`));
    return 1;
  }
  for (const pkg of ['core', 'layers', 'optim', 'data']) {
    if (!fs.existsSync(path.join(root, 'packages', pkg, 'dist', 'index.d.ts'))) {
      console.error(`check-examples: packages/${pkg}/dist is missing; run \`pnpm build\` first`);
      return 1;
    }
  }
  try {
    generate(blocks);
    const global = typeCheck(blocks);
    for (const message of global) console.error(`error: ${message}`);
    if (flag('run')) runBlocks(selected.filter((b) => b.errors.length === 0), blocks);
    const failed = blocks.filter((b) => b.errors.length > 0);
    for (const b of failed) for (const e of b.errors) console.error(e);
    console.log(`${blocks.length - failed.length} passed, ${failed.length} failed (${summary(blocks)}${flag('run') ? ', type-checked and run' : ''})`);
    return failed.length > 0 || global.length > 0 ? 1 : 0;
  } finally {
    if (!flag('keep')) fs.rmSync(outDir, { recursive: true, force: true });
  }
}

process.exitCode = main();
