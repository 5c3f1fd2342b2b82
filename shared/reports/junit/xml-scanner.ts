/**
 * A streaming, non-validating, well-formedness-checking XML 1.1 scanner made
 * for JUnit reports — what `saxes` did for this parser, at several times the
 * speed. It finds markup with `indexOf` instead of a per-character state
 * machine, reads attribute values only when the sink asks for them, and
 * decodes text only while the sink captures it (one message at a time).
 *
 * What it checks, as `saxes` with `{ xmlns: false, defaultXMLVersion: '1.1',
 * forceXMLVersion: true }` did: characters (XML 1.1 — raw control characters
 * refused, references to them accepted), names, attribute syntax and
 * duplicates, entity and character references (only the five predefined
 * entities exist: no DTD is ever read), `]]>` in text, `--` in comments,
 * proper nesting, one root, no text outside it, and truncation. Errors carry
 * the saxes wording with a `line:column:` prefix (1-based line, column of the
 * offending character), so `describeSaxError` words them for users.
 *
 * Memory: the unconsumed tail of the input (at most one start tag, or a few
 * characters of a reference or terminator), the stack of open element names
 * and nothing else; text, CDATA and comments of any length pass through in
 * pieces.
 *
 * @module
 */

/** What the scanner reports to. */
export interface XmlSink {
  /**
   * A start tag (`selfClosing` for `<a/>`, which is followed by its
   * {@link closeTag}). Attribute values are readable through
   * {@link XmlScanner.attribute} during this call only.
   */
  openTag(name: string): void;
  /** The end of the element opened last. */
  closeTag(): void;
  /** A `<!DOCTYPE` anywhere: the sink decides (the JUnit parser refuses it). */
  doctype(): void;
  /** `true` while the sink wants character data (text and CDATA), decoded. */
  readonly wantsText: boolean;
  /** Character data, in pieces of any size; only while {@link wantsText}. */
  text(text: string): void;
}

/** A well-formedness error, worded as saxes words it (`"3:12: unexpected close tag."`). */
export class XmlSyntaxError extends Error {
  override readonly name = 'XmlSyntaxError';
}

const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const SEMICOLON = 0x3b;
const HASH = 0x23;

/**
 * Characters XML 1.1 refuses raw: C0 controls but TAB/LF/CR, DEL…C1 but NEL,
 * U+FFFE/U+FFFF, and a low surrogate without its high one. (A lone high
 * surrogate — only possible in a JS string source, never in decoded bytes —
 * passes, as it did under saxes.)
 */
const BAD_CHAR =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the control characters XML 1.1 refuses raw.
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\ufffe\uffff\udc00-\udfff]/g;

/** Index of the first character XML refuses in `text`, or -1 (one native scan; pairs skipped). */
function firstBadChar(text: string): number {
  BAD_CHAR.lastIndex = 0;
  for (let m = BAD_CHAR.exec(text); m !== null; m = BAD_CHAR.exec(text)) {
    const at = m.index;
    const code = text.charCodeAt(at);
    // A low surrogate is fine after a high one (a character beyond the BMP).
    if (code < 0xdc00 || code > 0xdfff) return at;
    const before = text.charCodeAt(at - 1);
    if (!(before >= 0xd800 && before <= 0xdbff)) return at;
  }
  return -1;
}

/** Name characters beyond ASCII (XML 1.1 §2.3), tested on one code point. */
const NON_ASCII_NAME_START =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: XML 1.1 name ranges, matched one code point at a time.
  /^[\u00c0-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\u{10000}-\u{effff}]$/u;
// biome-ignore lint/suspicious/noMisleadingCharacterClass: XML 1.1 name ranges, matched one code point at a time.
const NON_ASCII_NAME_CHAR = /^[\u00b7\u0300-\u036f\u203f\u2040]$/u;
const NAME =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: XML 1.1 name ranges (§2.3).
  /^[:A-Z_a-z\u00c0-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\u{10000}-\u{effff}][-.0-9:A-Z_a-z\u00b7\u00c0-\u02ff\u0300-\u036f\u0370-\u037d\u037f-\u1fff\u200c\u200d\u203f\u2040\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\u{10000}-\u{effff}]*$/u;

/** 1 = name start, 2 = name character only, for ASCII codes. */
const ASCII_NAME = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[:A-Z_a-z]/.test(ch)) ASCII_NAME[c] = 1;
  else if (/[-.0-9]/.test(ch)) ASCII_NAME[c] = 2;
}

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d || c === 0x85 || c === 0x2028;
}

/** The code point at `i` (a surrogate pair read whole). */
function codePointAt(s: string, i: number): number {
  return s.codePointAt(i) ?? Number.NaN;
}

function isNameStartCode(cp: number): boolean {
  return cp < 128 ? ASCII_NAME[cp] === 1 : NON_ASCII_NAME_START.test(String.fromCodePoint(cp));
}

function isNameCode(cp: number): boolean {
  if (cp < 128) return ASCII_NAME[cp] !== 0;
  const ch = String.fromCodePoint(cp);
  return NON_ASCII_NAME_START.test(ch) || NON_ASCII_NAME_CHAR.test(ch);
}

/** A character reference's code point is an XML 1.1 `Char` (restricted ones allowed as references). */
function isCharReference(cp: number): boolean {
  return (cp >= 0x1 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** Decodes one reference body (`amp`, `#10`, `#x1B`); `undefined` when malformed (checked before). */
function resolveReference(body: string): string {
  if (body.charCodeAt(0) !== HASH) return PREDEFINED[body] ?? '';
  const cp =
    body.charCodeAt(1) === 0x78 ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
  return String.fromCodePoint(cp);
}

const REFERENCE = /&([^;]*);/g;
const NEEDS_DECODING = /[\t\n\r&\u0085\u2028]/;
const XML_DECLARATION =
  /^<\?xml\s+version\s*=\s*(["'])1\.[0-9]+\1(?:\s+encoding\s*=\s*(["'])[A-Za-z][A-Za-z0-9._-]*\2)?(?:\s+standalone\s*=\s*(["'])(?:yes|no)\3)?\s*\?>$/;
const LINE_ENDS = /\r\n|\r\u0085|[\r\u0085\u2028]/g;
const ATTRIBUTE_SPACE = /[\t\n]/g;

/** Text as the XML application sees it: line ends normalised (XML 1.1 §2.11), references resolved. */
function decodeText(raw: string): string {
  let text = raw;
  if (/[\r\u0085\u2028]/.test(text)) text = text.replace(LINE_ENDS, '\n');
  if (text.includes('&')) text = text.replace(REFERENCE, (_, body: string) => resolveReference(body));
  return text;
}

/** An attribute value as the application sees it (line ends, then whitespace normalised, XML §3.3.3). */
function decodeAttribute(raw: string): string {
  let text = raw;
  if (/[\r\u0085\u2028]/.test(text)) text = text.replace(LINE_ENDS, '\n');
  if (/[\t\n]/.test(text)) text = text.replace(ATTRIBUTE_SPACE, ' ');
  if (text.includes('&')) text = text.replace(REFERENCE, (_, body: string) => resolveReference(body));
  return text;
}

enum Mode {
  Text = 0,
  Comment = 1,
  Cdata = 2,
  Pi = 3,
}

/** Result of a step that needs input it has not seen yet. */
const MORE = -1;

/**
 * The scanner. Feed text with {@link write}, then call {@link close}. Both
 * throw {@link XmlSyntaxError} at the first well-formedness error; the sink's
 * own exceptions pass through.
 */
export class XmlScanner {
  private buf = '';
  /** Where scanning resumes in `buf`. */
  private pos = 0;
  /** Scanning stops here: `buf.length`, or a refused character's index. */
  private end = 0;
  private mode: Mode = Mode.Text;
  private final = false;
  /** Open element names, outermost first. */
  private readonly open: string[] = [];
  private sawRoot = false;
  /** Where the document starts: 1 after a byte-order mark. */
  private documentStart = 0;
  private closedRoot = false;
  /** Absolute offset of `buf[0]` in the document. */
  private offset = 0;
  /** A high surrogate held back from the end of the last piece. */
  private heldSurrogate = '';
  /** Newlines counted in `buf` before `linesCountedTo`, and the absolute start of the current line there. */
  private lines = 0;
  private linesCountedTo = 0;
  private lineStart = 0;
  /**
   * Next positions of `&`, `<`, `]]>` at or after the last search in this
   * scan (`Infinity`: none); searches move forward only, so each character is
   * searched once.
   */
  private nextAmp = -1;
  private nextLt = -1;
  private nextCdataEnd = -1;
  // The current start tag's attributes as bounds in `buf` (nothing is sliced
  // until the sink asks): name start, name end, value start, value end.
  private attrBounds = new Int32Array(64);
  private attrCount = 0;
  /** Element names seen, so a name is one shared string, not a copy per tag. */
  private readonly names = new Map<number, string>();

  constructor(private readonly sink: XmlSink) {}

  /** Scans the next piece of the document. */
  write(piece: string): void {
    let text = this.heldSurrogate + piece;
    this.heldSurrogate = '';
    const last = text.charCodeAt(text.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      this.heldSurrogate = text.slice(-1);
      text = text.slice(0, -1);
    }
    if (text.length === 0) return;
    this.append(text);
    this.scan();
  }

  /** Ends the document: reports truncation, a missing root, an unfinished construct. */
  close(): void {
    if (this.heldSurrogate !== '') {
      const text = this.heldSurrogate;
      this.heldSurrogate = '';
      this.append(text);
    }
    this.final = true;
    this.scan();
    const at = this.buf.length;
    if (!this.sawRoot) this.fail(at, 'document must contain a root element.');
    const innermost = this.open.at(-1);
    if (innermost !== undefined) this.fail(at, `unclosed tag: ${innermost}`);
    if (this.mode !== Mode.Text || this.pos < this.buf.length) this.fail(at, 'unexpected end.');
  }

  /**
   * The value of attribute `name` of the start tag being reported (entity and
   * whitespace normalised), or `undefined`. Only valid inside
   * {@link XmlSink.openTag}. The string may share memory with the input chunk.
   */
  attribute(name: string): string | undefined {
    const bounds = this.attrBounds;
    const buf = this.buf;
    const length = name.length;
    for (let k = 0, n = this.attrCount * 4; k < n; k += 4) {
      const start = bounds[k] as number;
      if ((bounds[k + 1] as number) - start === length && buf.startsWith(name, start)) {
        const raw = buf.slice(bounds[k + 2], bounds[k + 3]);
        return NEEDS_DECODING.test(raw) ? decodeAttribute(raw) : raw;
      }
    }
    return undefined;
  }

  private append(text: string): void {
    // Drop what was consumed, keeping the line count for positions.
    if (this.pos > 0) {
      this.countLines(this.pos);
      this.buf = this.buf.slice(this.pos);
      this.offset += this.pos;
      this.linesCountedTo -= this.pos;
      this.pos = 0;
    }
    const from = this.buf.length;
    this.buf = this.buf.length === 0 ? text : this.buf + text;
    const bad = firstBadChar(text);
    this.end = bad === -1 ? this.buf.length : from + bad;
  }

  /** Counts newlines in `buf` up to `to`. */
  private countLines(to: number): void {
    const buf = this.buf;
    let i = buf.indexOf('\n', this.linesCountedTo);
    while (i !== -1 && i < to) {
      this.lines++;
      this.lineStart = this.offset + i + 1;
      i = buf.indexOf('\n', i + 1);
    }
    this.linesCountedTo = Math.max(this.linesCountedTo, to);
  }

  private fail(at: number, message: string): never {
    this.countLines(at);
    const line = this.lines + 1;
    const column = this.offset + at - this.lineStart + 1;
    throw new XmlSyntaxError(`${line}:${column}: ${message}`);
  }

  private ampFrom(i: number): number {
    if (this.nextAmp < i) {
      const found = this.buf.indexOf('&', i);
      this.nextAmp = found === -1 ? Number.POSITIVE_INFINITY : found;
    }
    return this.nextAmp;
  }

  private ltFrom(i: number): number {
    if (this.nextLt < i) {
      const found = this.buf.indexOf('<', i);
      this.nextLt = found === -1 ? Number.POSITIVE_INFINITY : found;
    }
    return this.nextLt;
  }

  private cdataEndFrom(i: number): number {
    if (this.nextCdataEnd < i) {
      const found = this.buf.indexOf(']]>', i);
      this.nextCdataEnd = found === -1 ? Number.POSITIVE_INFINITY : found;
    }
    return this.nextCdataEnd;
  }

  private scan(): void {
    const buf = this.buf;
    const end = this.end;
    let i = this.pos;
    // Cached searches restart: a construct cut by the end of the last piece is read again.
    this.nextAmp = -1;
    this.nextLt = -1;
    this.nextCdataEnd = -1;
    if (this.offset === 0 && i === 0 && buf.charCodeAt(0) === 0xfeff) {
      i = 1;
      this.documentStart = 1;
    }
    while (i < end) {
      if (this.mode === Mode.Text) {
        const lt = this.ltFrom(i);
        const stop = lt < end ? lt : end;
        if (stop > i) {
          const done = this.textUpTo(i, stop, lt >= end);
          i = done;
          if (done < stop) break;
        }
        if (i >= end) break;
        const next = this.markup(i);
        if (next === MORE) break;
        i = next;
      } else {
        const next = this.inConstruct(i);
        if (next === MORE) break;
        i = next;
      }
    }
    this.pos = i;
    // No construct can contain a refused character: whatever stopped the scan, it is an error.
    if (end < buf.length) this.fail(end, 'disallowed character.');
  }

  /**
   * Character data `buf[i, stop)`. `open` when it may continue past `stop`
   * (the input ended, not markup): then a reference or `]]` cut at the end is
   * kept for the next piece. Returns where it stopped.
   */
  private textUpTo(i: number, stop: number, open: boolean): number {
    const buf = this.buf;
    if (this.open.length === 0) {
      // Outside the root: whitespace only.
      for (let k = i; k < stop; k++) {
        if (!isSpace(buf.charCodeAt(k))) this.fail(k, 'text data outside of root node.');
      }
      return stop;
    }
    let until = stop;
    if (open && !this.final) {
      // Keep a trailing `]` or `]]` (maybe the start of `]]>`) and an unfinished reference.
      while (until > i && until > stop - 2 && buf.charCodeAt(until - 1) === 0x5d) until--;
      // And a CR, which may be the first half of a CR LF line end.
      if (until > i && buf.charCodeAt(until - 1) === 0x0d) until--;
    }
    for (let a = this.ampFrom(i); a < until; a = this.ampFrom(a + 1)) {
      const semi = this.reference(a, until);
      if (semi === MORE) {
        if (!open) this.fail(a, 'disallowed character in entity name.');
        if (this.final) this.fail(a, 'unexpected end.');
        until = a;
        break;
      }
    }
    const bad = this.cdataEndFrom(i);
    if (bad < until) this.fail(bad, 'the string "]]>" is disallowed in char data.');
    if (until > i && this.sink.wantsText) this.sink.text(decodeText(buf.slice(i, until)));
    return until;
  }

  /**
   * Checks the reference starting with `&` at `a`, which must end before
   * `limit`. Returns the index of its `;`, or {@link MORE} when `limit` came first.
   */
  private reference(a: number, limit: number): number {
    const buf = this.buf;
    let k = a + 1;
    while (k < limit && buf.charCodeAt(k) !== SEMICOLON && k - a < 64) k++;
    if (k >= limit) return MORE;
    if (buf.charCodeAt(k) !== SEMICOLON) this.fail(a, 'disallowed character in entity name.');
    const body = buf.slice(a + 1, k);
    if (body.length === 0) this.fail(k, 'empty entity name.');
    if (body.charCodeAt(0) === HASH) {
      let cp = Number.NaN;
      if (/^#x[0-9a-f]+$/i.test(body)) cp = Number.parseInt(body.slice(2), 16);
      else if (/^#[0-9]+$/.test(body)) cp = Number.parseInt(body.slice(1), 10);
      if (!isCharReference(cp)) this.fail(k, 'malformed character entity.');
    } else if (PREDEFINED[body] === undefined) {
      this.fail(k, NAME.test(body) ? 'undefined entity.' : 'disallowed character in entity name.');
    }
    return k;
  }

  /** Markup at `i` (a `<`). Returns the index after it, or {@link MORE}. */
  private markup(i: number): number {
    const buf = this.buf;
    const end = this.end;
    if (i + 1 >= end) return this.need();
    const c = buf.charCodeAt(i + 1);
    if (c === SLASH) return this.endTag(i);
    if (c === BANG) {
      if (i + 4 > end) return this.need();
      if (buf.startsWith('!--', i + 1)) {
        this.mode = Mode.Comment;
        return i + 4;
      }
      if (i + 9 > end) {
        if (buf.startsWith('![CDATA['.slice(0, end - i - 1), i + 1)) return this.need();
        if (buf.startsWith('!DOCTYPE'.slice(0, end - i - 1), i + 1)) return this.need();
        this.fail(i + 2, 'incorrect syntax.');
      }
      if (buf.startsWith('![CDATA[', i + 1)) {
        if (this.open.length === 0) this.fail(i + 9, 'text data outside of root node.');
        this.mode = Mode.Cdata;
        return i + 9;
      }
      if (buf.startsWith('!DOCTYPE', i + 1)) {
        this.sink.doctype();
        this.fail(i + 9, 'inappropriately located doctype declaration.');
      }
      this.fail(i + 2, 'incorrect syntax.');
    }
    if (c === QUESTION) return this.processingInstruction(i);
    return this.startTag(i);
  }

  /** {@link MORE}, or an error when no more input will come. */
  private need(): number {
    if (this.final) {
      const at = this.buf.length;
      if (!this.sawRoot) this.fail(at, 'document must contain a root element.');
      const innermost = this.open.at(-1);
      this.fail(at, innermost === undefined ? 'unexpected end.' : `unclosed tag: ${innermost}`);
    }
    return MORE;
  }

  /** Index after the name starting at `k`, {@link MORE}, or -2 when no name starts there. */
  private name(k: number): number {
    const buf = this.buf;
    const end = this.end;
    if (k >= end) return MORE;
    let c = buf.charCodeAt(k);
    if (c < 128) {
      if (ASCII_NAME[c] !== 1) return -2;
      k++;
    } else {
      const cp = codePointAt(buf, k);
      if (!isNameStartCode(cp)) return -2;
      k += cp > 0xffff ? 2 : 1;
    }
    for (;;) {
      if (k >= end) return MORE;
      c = buf.charCodeAt(k);
      if (c < 128) {
        if (ASCII_NAME[c] === 0) return k;
        k++;
      } else {
        const cp = codePointAt(buf, k);
        if (!isNameCode(cp)) return k;
        k += cp > 0xffff ? 2 : 1;
      }
    }
  }

  private startTag(i: number): number {
    const buf = this.buf;
    const end = this.end;
    if (this.closedRoot) this.fail(i + 1, 'documents may contain only one root.');
    // As saxes: a document cut inside its first tag has a root, and "ends unexpectedly".
    this.sawRoot = true;
    const nameEnd = this.name(i + 1);
    if (nameEnd === MORE) return this.need();
    if (nameEnd === -2) this.fail(i + 1, 'disallowed character in tag name.');
    this.attrCount = 0;
    let k = nameEnd;
    for (;;) {
      if (k >= end) return this.need();
      let c = buf.charCodeAt(k);
      const spaced = isSpace(c);
      while (isSpace(c)) {
        if (++k >= end) return this.need();
        c = buf.charCodeAt(k);
      }
      if (c === GT) {
        this.openElement(i, nameEnd, false);
        return k + 1;
      }
      if (c === SLASH) {
        if (k + 1 >= end) return this.need();
        if (buf.charCodeAt(k + 1) !== GT) this.fail(k + 1, 'forward-slash in opening tag not followed by >.');
        this.openElement(i, nameEnd, true);
        return k + 2;
      }
      if (!spaced) {
        this.fail(
          k,
          k === nameEnd ? 'disallowed character in tag name.' : 'no whitespace between attributes.',
        );
      }
      const attrEnd = this.name(k);
      if (attrEnd === MORE) return this.need();
      if (attrEnd === -2) this.fail(k, 'disallowed character in attribute name.');
      const attrStart = k;
      k = attrEnd;
      c = buf.charCodeAt(k);
      while (isSpace(c)) {
        if (++k >= end) return this.need();
        c = buf.charCodeAt(k);
      }
      if (c !== EQUALS) this.fail(k, 'attribute without value.');
      if (++k >= end) return this.need();
      c = buf.charCodeAt(k);
      while (isSpace(c)) {
        if (++k >= end) return this.need();
        c = buf.charCodeAt(k);
      }
      if (c !== DQUOTE && c !== SQUOTE) this.fail(k, 'unquoted attribute value.');
      const close = buf.indexOf(c === DQUOTE ? '"' : "'", k + 1);
      if (close === -1 || close >= end) return this.need();
      const lt = this.ltFrom(k + 1);
      if (lt < close) this.fail(lt, 'disallowed character.');
      for (let a = this.ampFrom(k + 1); a < close; a = this.ampFrom(a + 1)) {
        if (this.reference(a, close) === MORE) this.fail(a, 'disallowed character in entity name.');
      }
      this.addAttribute(attrStart, attrEnd, k + 1, close);
      k = close + 1;
    }
  }

  private addAttribute(nameStart: number, nameEnd: number, start: number, end: number): void {
    const buf = this.buf;
    const length = nameEnd - nameStart;
    let bounds = this.attrBounds;
    const n = this.attrCount * 4;
    for (let k = 0; k < n; k += 4) {
      const other = bounds[k] as number;
      if ((bounds[k + 1] as number) - other !== length) continue;
      let same = true;
      for (let c = 0; c < length && same; c++)
        same = buf.charCodeAt(other + c) === buf.charCodeAt(nameStart + c);
      if (same) this.fail(start, `duplicate attribute: ${buf.slice(nameStart, nameEnd)}.`);
    }
    if (n + 4 > bounds.length) {
      bounds = new Int32Array(bounds.length * 2);
      bounds.set(this.attrBounds);
      this.attrBounds = bounds;
    }
    bounds[n] = nameStart;
    bounds[n + 1] = nameEnd;
    bounds[n + 2] = start;
    bounds[n + 3] = end;
    this.attrCount++;
  }

  /** The element name `buf[start, end)`, as a shared string when seen before. */
  private elementName(start: number, end: number): string {
    const buf = this.buf;
    // Keyed by length and first and last characters; the name itself confirms.
    const key = (end - start) * 0x10000 * 0x10000 + buf.charCodeAt(start) * 0x10000 + buf.charCodeAt(end - 1);
    const known = this.names.get(key);
    if (known !== undefined && buf.startsWith(known, start)) return known;
    const name = buf.slice(start, end);
    // A report has a handful of element names; a hostile one with thousands is read, just not cached.
    if (known === undefined && this.names.size < 256) this.names.set(key, ` ${name}`.slice(1));
    return name;
  }

  private openElement(i: number, nameEnd: number, selfClosing: boolean): void {
    const name = this.elementName(i + 1, nameEnd);
    this.sawRoot = true;
    this.open.push(name);
    this.sink.openTag(name);
    this.attrCount = 0;
    if (selfClosing) this.closeElement();
  }

  private closeElement(): void {
    this.open.pop();
    if (this.open.length === 0) this.closedRoot = true;
    this.sink.closeTag();
  }

  private endTag(i: number): number {
    const buf = this.buf;
    const end = this.end;
    const nameEnd = this.name(i + 2);
    if (nameEnd === MORE) return this.need();
    if (nameEnd === -2) this.fail(i + 2, 'disallowed character in closing tag.');
    let k = nameEnd;
    for (;;) {
      if (k >= end) return this.need();
      const c = buf.charCodeAt(k);
      if (c === GT) break;
      if (!isSpace(c)) this.fail(k, 'disallowed character in closing tag.');
      k++;
    }
    const top = this.open.at(-1);
    if (top === undefined || nameEnd - i - 2 !== top.length || !buf.startsWith(top, i + 2)) {
      this.fail(k, 'unexpected close tag.');
    }
    this.closeElement();
    return k + 1;
  }

  private processingInstruction(i: number): number {
    const buf = this.buf;
    const targetEnd = this.name(i + 2);
    if (targetEnd === MORE) return this.need();
    if (targetEnd === -2) this.fail(i + 2, 'processing instruction without a target.');
    if (targetEnd - i - 2 === 3 && buf.slice(i + 2, targetEnd).toLowerCase() === 'xml') {
      const atStart = this.offset + i === this.documentStart;
      if (!atStart || buf.slice(i + 2, targetEnd) !== 'xml') {
        this.fail(i + 2, 'an XML declaration must be at the start of the document.');
      }
      return this.declaration(i);
    }
    if (targetEnd >= this.end) return this.need();
    const after = buf.charCodeAt(targetEnd);
    if (!isSpace(after) && after !== QUESTION) {
      this.fail(targetEnd, 'disallowed character in processing instruction name.');
    }
    this.mode = Mode.Pi;
    return targetEnd;
  }

  /** The XML declaration at `i`, checked whole (XML 1.1 §2.8: version, then encoding, then standalone). */
  private declaration(i: number): number {
    const close = this.buf.indexOf('?>', i);
    if (close === -1 || close + 2 > this.end) return this.need();
    const text = this.buf.slice(i, close + 2);
    if (!/^<\?xml\s+version\s*=\s*(["'])1\.[0-9]+\1/.test(text)) {
      this.fail(i + 5, 'XML declaration must contain a version of the form 1.x.');
    }
    if (!XML_DECLARATION.test(text)) this.fail(i + 5, 'malformed XML declaration.');
    return close + 2;
  }

  /** Inside a comment, CDATA section or processing instruction, from `i`. */
  private inConstruct(i: number): number {
    const buf = this.buf;
    const end = this.end;
    if (this.mode === Mode.Cdata) {
      const close = this.cdataEndFrom(i);
      if (close + 3 <= end) {
        if (close > i && this.sink.wantsText) this.sink.text(decodeText(buf.slice(i, close)));
        this.mode = Mode.Text;
        return close + 3;
      }
      if (this.final) return this.need();
      // Pass on all but what may be the start of `]]>`.
      let until = Math.max(i, end - 2);
      // Never between the CR and LF of one line end.
      if (until > i && buf.charCodeAt(until - 1) === 0x0d) until--;
      if (until > i && this.sink.wantsText) this.sink.text(decodeText(buf.slice(i, until)));
      return until === i ? MORE : until;
    }
    const terminator = this.mode === Mode.Comment ? '--' : '?>';
    const found = buf.indexOf(terminator, i);
    if (found === -1 || found + 2 > end) {
      if (this.final) return this.need();
      const until = Math.max(i, end - 1);
      return until === i ? MORE : until;
    }
    if (this.mode === Mode.Pi) {
      this.mode = Mode.Text;
      return found + 2;
    }
    if (found + 2 >= end) return this.final ? this.need() : found === i ? MORE : found;
    if (buf.charCodeAt(found + 2) !== GT) this.fail(found + 2, 'malformed comment.');
    this.mode = Mode.Text;
    return found + 3;
  }
}
