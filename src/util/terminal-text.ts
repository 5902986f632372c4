/**
 * Text that came from outside (a server's reason phrase, a torrent's name,
 * a manifest's strings, a peer's words) reaches the user's terminal inside
 * our messages. Escape sequences in it could move the cursor, rewrite
 * earlier lines, retitle the window or hide text; a bidirectional override
 * could make a file name read as another. So every message is passed through
 * here before it is written: C0 controls (but newline and tab, which our own
 * messages use), DEL, C1 controls and the bidi embedding, override and
 * isolate characters become visible `\u` escapes.
 * @example terminalSafe('evil\x1b]0;owned\x07') === 'evil\\u001b]0;owned\\u0007'
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The same, for text quoted inside one line: newlines and tabs are escaped too. */
export function oneLine(text: string): string {
  return terminalSafe(text).replace(/[\n\t]/g, (char) => (char === '\n' ? '\\n' : '\\t'));
}

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
