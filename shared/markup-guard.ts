// The markup guard: a linear-time scan that refuses HTML nested too deep or holding too many elements, run before
// any sanitiser sees it, because htmlparser2's tree building (and so sanitize-html) costs time quadratic in depth.
import { Tokenizer } from 'htmlparser2';
import { LIMITS } from './limits.ts';

export interface MarkupLimits {
  depthMax: number;
  elementsMax: number;
}

export interface MarkupScan {
  /** The limit crossed, where the scan stopped; null when the markup is within both. */
  exceeded: 'depth' | 'elements' | null;
  /** Deepest nesting and elements seen, up to where the scan stopped. */
  depth: number;
  elements: number;
  /** How far the scan read (UTF-16 offset): all of it unless a limit was crossed. */
  scanned: number;
}

export const MARKUP_LIMITS: MarkupLimits = { depthMax: LIMITS.markupDepthMax, elementsMax: LIMITS.markupElementsMax };

// The tree-building rules of htmlparser2's Parser (the parser sanitize-html uses), so that the depth counted here is
// the depth the sanitiser will reach, neither less (an attacker's way round) nor more (a refused real manuscript).
const VOID = new Set(['area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input',
  'isindex', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
const P = ['p'];
const FORM = ['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea'];
const TABLE_SECTION = ['thead', 'tbody'];
const OPEN_IMPLIES_CLOSE = new Map<string, ReadonlySet<string>>(
  Object.entries({
    tr: ['tr', 'th', 'td'], th: ['th'], td: ['thead', 'th', 'td'], body: ['head', 'link', 'script'], li: ['li'],
    p: P, h1: P, h2: P, h3: P, h4: P, h5: P, h6: P,
    select: FORM, input: FORM, output: FORM, button: FORM, datalist: FORM, textarea: FORM,
    option: ['option'], optgroup: ['optgroup', 'option'], dd: ['dd', 'dt'], dt: ['dd', 'dt'],
    address: P, article: P, aside: P, blockquote: P, details: P, div: P, dl: P, fieldset: P, figcaption: P, figure: P,
    footer: P, form: P, header: P, hr: P, main: P, nav: P, ol: P, pre: P, section: P, table: P, ul: P,
    rt: ['rt', 'rp'], rp: ['rt', 'rp'], tbody: TABLE_SECTION, tfoot: TABLE_SECTION,
  }).map(([tag, closes]) => [tag, new Set(closes)]),
);
const FOREIGN = new Set(['math', 'svg']);
const HTML_INTEGRATION = new Set(['mi', 'mo', 'mn', 'ms', 'mtext', 'annotation-xml', 'foreignobject', 'desc', 'title']);

const noop = () => {};

/**
 * Measures `html` against the markup limits (LIMITS.markupDepthMax open elements, LIMITS.markupElementsMax elements).
 * Work is linear in the text read (each element is pushed and popped at most once) and stops where a limit is crossed.
 */
export function scanMarkup(html: string, limits: MarkupLimits = MARKUP_LIMITS): MarkupScan {
  const stack: string[] = [];
  /** How many elements of each name are open: a close tag finds its element in O(1). */
  const open = new Map<string, number>();
  /** Whether self-closing tags close (inside svg/math), innermost last, as the Parser keeps it. */
  const foreign: boolean[] = [false];
  let tag = '';
  const scan: MarkupScan = { exceeded: null, depth: 0, elements: 0, scanned: html.length };

  const stop = (limit: 'depth' | 'elements', at: number) => {
    if (scan.exceeded) return;
    scan.exceeded = limit;
    scan.scanned = at;
    tokenizer.pause();
  };
  const count = (at: number) => {
    if (++scan.elements > limits.elementsMax) stop('elements', at);
  };
  const push = (name: string) => {
    stack.push(name);
    open.set(name, (open.get(name) ?? 0) + 1);
  };
  const pop = () => {
    const name = stack.pop()!;
    open.set(name, open.get(name)! - 1);
  };
  const openTag = (name: string, at: number) => {
    tag = name;
    count(at);
    const closes = OPEN_IMPLIES_CLOSE.get(name);
    while (closes && stack.length > 0 && closes.has(stack.at(-1)!)) pop();
    if (VOID.has(name)) return;
    push(name);
    if (FOREIGN.has(name)) foreign.push(true);
    else if (HTML_INTEGRATION.has(name)) foreign.push(false);
    scan.depth = Math.max(scan.depth, stack.length);
    if (stack.length > limits.depthMax) stop('depth', at);
  };

  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      onopentagname(start, end) {
        openTag(html.slice(start, end).toLowerCase(), end);
      },
      onselfclosingtag() {
        if (foreign.at(-1) && stack.at(-1) === tag) pop();
      },
      onclosetag(start, end) {
        const name = html.slice(start, end).toLowerCase();
        if (FOREIGN.has(name) || HTML_INTEGRATION.has(name)) foreign.pop();
        if (VOID.has(name)) {
          if (name === 'br') count(end);
        } else if (open.get(name)) {
          while (stack.at(-1) !== name) pop();
          pop();
        } else if (name === 'p') {
          // A stray </p> is an empty paragraph.
          openTag('p', end);
          if (stack.at(-1) === 'p') pop();
        }
      },
      onattribdata: noop, onattribentity: noop, onattribend: noop, onattribname: noop, oncdata: noop,
      oncomment: noop, ondeclaration: noop, onend: noop, onopentagend: noop, onprocessinginstruction: noop,
      ontext: noop, ontextentity: noop,
    },
  );
  // No end(): what it would flush is text, never a tag.
  tokenizer.write(html);
  return scan;
}

/** The field error (on `content`) for markup over a limit. */
export function markupError(exceeded: 'depth' | 'elements'): string {
  return exceeded === 'depth'
    ? `markup must not nest more than ${LIMITS.markupDepthMax} elements deep`
    : `markup must not hold more than ${LIMITS.markupElementsMax} elements`;
}
