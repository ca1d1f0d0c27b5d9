// Where a JSON text first goes wrong, independently of the engine: V8's messages give a
// position for some errors, none for others ("Unexpected end of JSON input"), and some
// quote the whole input. This scanner finds the offset and says what was expected, with
// an explicit stack (no recursion), so a deeply nested or huge input cannot overflow.

/** The first syntax error of a JSON text: its UTF-16 offset and what was expected there. */
export interface JsonSyntaxError {
  readonly offset: number;
  readonly problem: string;
}

type Want = 'value' | 'firstValue' | 'key' | 'firstKey' | 'colon' | 'after';

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = '"\\/bfnrt';
const HEX = /^[0-9a-fA-F]{4}$/u;

/**
 * The first syntax error in `text`, or `undefined` if it is valid JSON. A property name
 * given twice in one object is an error too: `JSON.parse` would silently keep the last.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const stack: ('{' | '[')[] = [];
  const keys: Set<string>[] = [];
  let want: Want = 'value';
  let i = 0;
  for (;;) {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
    if (i >= text.length) return want === 'after' && stack.length === 0 ? undefined : { offset: i, problem: `unexpected end of input; expected ${expected(want, stack)}` };
    const c = text[i];
    if (want === 'after') {
      const top = stack[stack.length - 1];
      if (top === undefined) return { offset: i, problem: 'unexpected text after the JSON value' };
      if (c === ',') want = top === '{' ? 'key' : 'value';
      else if (c === (top === '{' ? '}' : ']')) {
        if (stack.pop() === '{') keys.pop();
      }
      else return { offset: i, problem: `expected ${expected(want, stack)}` };
      i++;
    } else if (want === 'colon') {
      if (c !== ':') return { offset: i, problem: "expected ':' after a property name" };
      want = 'value';
      i++;
    } else if (want === 'key' || want === 'firstKey') {
      if (want === 'firstKey' && c === '}') {
        stack.pop();
        keys.pop();
        want = 'after';
        i++;
        continue;
      }
      if (c !== '"') return { offset: i, problem: 'expected a double-quoted property name' };
      const end = scanString(text, i);
      if (typeof end !== 'number') return end;
      const key = JSON.parse(text.slice(i, end)) as string;
      const seen = keys[keys.length - 1];
      if (seen.has(key)) return { offset: i, problem: `the property ${JSON.stringify(key)} is given twice in one object` };
      seen.add(key);
      want = 'colon';
      i = end;
    } else {
      if (want === 'firstValue' && c === ']') {
        stack.pop();
        want = 'after';
        i++;
        continue;
      }
      if (c === '{' || c === '[') {
        stack.push(c);
        if (c === '{') keys.push(new Set());
        want = c === '{' ? 'firstKey' : 'firstValue';
        i++;
        continue;
      }
      const end = scanScalar(text, i);
      if (typeof end !== 'number') return end;
      want = 'after';
      i = end;
    }
  }
}

function expected(want: Want, stack: readonly ('{' | '[')[]): string {
  const close = stack[stack.length - 1] === '{' ? '}' : ']';
  switch (want) {
    case 'after':
      return stack.length === 0 ? 'nothing more' : `',' or '${close}'`;
    case 'colon':
      return "':'";
    case 'key':
      return 'a property name';
    case 'firstKey':
      return "a property name or '}'";
    case 'firstValue':
      return "a value or ']'";
    case 'value':
      return 'a value';
  }
}

/** The offset after a string, number or literal starting at `i`, or the error. */
function scanScalar(text: string, i: number): number | JsonSyntaxError {
  if (text[i] === '"') return scanString(text, i);
  for (const literal of ['true', 'false', 'null']) if (text.startsWith(literal, i)) return i + literal.length;
  NUMBER.lastIndex = i;
  if (NUMBER.test(text)) return NUMBER.lastIndex;
  return { offset: i, problem: 'expected a value (a string, number, object, array, true, false or null)' };
}

/** The offset after the string starting at `i` (a `"`), or the error. */
function scanString(text: string, i: number): number | JsonSyntaxError {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x22) return j + 1;
    if (c < 0x20) return { offset: j, problem: 'a control character (such as a line break) inside a string' };
    if (c === 0x5c) {
      const e = text[j + 1];
      if (e === 'u' && HEX.test(text.slice(j + 2, j + 6))) j += 5;
      else if (e !== undefined && ESCAPES.includes(e)) j += 1;
      else return { offset: j, problem: 'an invalid escape in a string' };
    }
  }
  return { offset: text.length, problem: 'unexpected end of input inside a string' };
}

/** 1-based line and column of `offset`; `\r\n`, `\r` and `\n` each end a line. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1, start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}
