/**
 * Refuses DTDs before the XML parser sees them. A `<!DOCTYPE` is where entity
 * declarations live — the "billion laughs" expansion bomb and external entities
 * (XXE) both need one — and no JUnit writer emits one. The guard reads only the
 * prolog (what comes before the root element: declaration, comments, processing
 * instructions, whitespace) and stops at the root element's `<`, so content such
 * as `<![CDATA[<!DOCTYPE html>…]]>` inside the report is never mistaken for one.
 * It keeps a few bytes of state, so a DTD of any size costs no memory.
 *
 * @module
 */

/** The `reason` of a report refused for its DOCTYPE. */
export const DOCTYPE_REASON =
  'DOCTYPE declarations are not allowed: they enable entity expansion (billion laughs) and external entities (XXE), and no JUnit writer needs one';

/** What the prolog showed. `pending` means "feed me more". */
export type PrologVerdict = 'pending' | 'root' | 'doctype' | 'text-before-root';

/** Scanner states (plain numbers: the guard runs once per prolog character). */
const State = {
  Outside: 0,
  Lt: 1,
  Bang: 2,
  BangDash: 3,
  Comment: 4,
  CommentDash: 5,
  CommentDashDash: 6,
  Pi: 7,
  PiQuestion: 8,
} as const;
type StateValue = (typeof State)[keyof typeof State];

function isXmlSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** Incremental prolog scanner; feed it decoded text until it stops saying `pending`. */
export class PrologGuard {
  private state: StateValue = State.Outside;
  private verdict: PrologVerdict = 'pending';

  /** `true` once the verdict is final (the root was reached or the file refused). */
  get done(): boolean {
    return this.verdict !== 'pending';
  }

  /** Scans the next piece of text; chunk boundaries may fall anywhere. */
  scan(text: string): PrologVerdict {
    for (let i = 0; i < text.length && this.verdict === 'pending'; i++) {
      this.step(text.charCodeAt(i));
    }
    return this.verdict;
  }

  private step(code: number): void {
    switch (this.state) {
      case State.Outside:
        if (code === 0x3c /* < */) this.state = State.Lt;
        else if (!isXmlSpace(code) && code !== 0xfeff) this.verdict = 'text-before-root';
        return;
      case State.Lt:
        if (code === 0x21 /* ! */) this.state = State.Bang;
        else if (code === 0x3f /* ? */) this.state = State.Pi;
        else this.verdict = 'root';
        return;
      case State.Bang:
        if (code === 0x2d /* - */) this.state = State.BangDash;
        else if (code === 0x44 || code === 0x64 /* D d */) this.verdict = 'doctype';
        else this.verdict = 'root'; // `<![CDATA[` before the root: the XML parser reports it.
        return;
      case State.BangDash:
        if (code === 0x2d) this.state = State.Comment;
        else this.verdict = 'root';
        return;
      case State.Comment:
        if (code === 0x2d) this.state = State.CommentDash;
        return;
      case State.CommentDash:
        this.state = code === 0x2d ? State.CommentDashDash : State.Comment;
        return;
      case State.CommentDashDash:
        if (code === 0x3e /* > */) this.state = State.Outside;
        else if (code !== 0x2d) this.state = State.Comment;
        return;
      case State.Pi:
        if (code === 0x3f) this.state = State.PiQuestion;
        return;
      case State.PiQuestion:
        if (code === 0x3e) this.state = State.Outside;
        else if (code !== 0x3f) this.state = State.Pi;
        return;
    }
  }
}
