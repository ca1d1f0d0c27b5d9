// Letters that Unicode does not decompose into a base letter plus marks.
const special: Readonly<Record<string, string>> = {
  ß: 'ss', ẞ: 'SS', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', ø: 'o', Ø: 'O', ł: 'l', Ł: 'L',
  đ: 'd', Đ: 'D', ð: 'd', Ð: 'D', þ: 'th', Þ: 'Th', ı: 'i', ŀ: 'l', Ŀ: 'L',
};

const combiningMarks = /\p{M}/gu;
const nonAscii = /[^\u0000-\u007f]/gu;

/**
 * Folds accented Latin letters to ASCII: `'Émile Łukasz Groß'` → `'Emile Lukasz Gross'`.
 * Letters are decomposed (NFD), their combining marks dropped, and the few letters that
 * do not decompose (ß, ł, ø, æ, …) replaced from a table. Characters with no ASCII form
 * are kept as they are, so folding never silently loses a letter.
 *
 * @example
 * ```ts
 * import { foldToAscii } from '@tapestry/data';
 * foldToAscii('Béringer'); // 'Beringer'
 * ```
 */
export function foldToAscii(text: string): string {
  return text
    .normalize('NFD')
    .replace(combiningMarks, '')
    .replace(nonAscii, (c) => special[c] ?? c)
    .normalize('NFC');
}
