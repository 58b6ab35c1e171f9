import { Parser } from 'htmlparser2';

/** Elements whose `href` is a link the reader follows. */
const LINK_ELEMENTS: ReadonlySet<string> = new Set(['a', 'area']);

/** A value placed in a double-quoted attribute. */
const escapeAttribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Edit {
  start: number;
  end: number;
  text: string;
}

function applyEdits(html: string, edits: readonly Edit[]): string {
  let out = '';
  let at = 0;
  for (const edit of edits) {
    out += html.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + html.slice(at);
}

/**
 * Rewrites the links of rendered HTML: `rewrite` gets each `<a>`/`<area>` href (entities decoded)
 * and returns its replacement, or null to leave it alone. htmlparser2 tokenizes the markup, so
 * hrefs in comments (Outlook conditionals included), scripts, styles or text are never touched,
 * and every byte other than the rewritten attributes stays as it was (no re-serialization).
 */
export function rewriteLinks(html: string, rewrite: (href: string) => string | null): string {
  const edits: Edit[] = [];
  let tag = '';
  let rewritten = false;
  const parser = new Parser(
    {
      onopentagname(name) {
        tag = name;
        rewritten = false;
      },
      onattribute(name, value) {
        // The first href of a tag is the one browsers follow; a later duplicate is ignored, as by them.
        if (name !== 'href' || !LINK_ELEMENTS.has(tag) || rewritten) return;
        rewritten = true;
        const target = rewrite(value.trim());
        if (target === null) return;
        edits.push({ start: parser.startIndex, end: parser.endIndex, text: `href="${escapeAttribute(target)}"` });
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  return edits.length === 0 ? html : applyEdits(html, edits);
}

/** A 1×1 image the mail client loads when the message is shown: before `</body>`, or at the end. */
export function addOpenPixel(html: string, src: string): string {
  const pixel = `<img src="${escapeAttribute(src)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" />`;
  let bodyClose = -1;
  const parser = new Parser({
    onclosetag(name) {
      if (name === 'body' && bodyClose < 0) bodyClose = parser.startIndex;
    },
  });
  parser.end(html);
  // An implied </body> (the template never closed it) is reported at the end of the input.
  if (bodyClose < 0 || !html.slice(bodyClose).toLowerCase().startsWith('</body')) return html + pixel;
  return html.slice(0, bodyClose) + pixel + html.slice(bodyClose);
}
