import { addOpenPixel, rewriteLinks } from './track-links';

const tracked = (href: string): string | null => (href.startsWith('https://shop') ? `T(${href})` : null);

describe('rewriteLinks', () => {
  it('rewrites the hrefs of links, decoded, and keeps every other byte', () => {
    const html =
      '<p class=x>Hi</p><a  class="b" HREF="https://shop.example/?a=1&amp;b=2" target=_blank>Cart</a>' +
      "<a href='https://shop.example/x'>y</a><area href=https://shop.example/map>";
    expect(rewriteLinks(html, tracked)).toBe(
      '<p class=x>Hi</p><a  class="b" href="T(https://shop.example/?a=1&amp;b=2)" target=_blank>Cart</a>' +
        '<a href="T(https://shop.example/x)">y</a><area href="T(https://shop.example/map)">',
    );
  });

  it('leaves links the callback declines, and hrefs that are not links, alone', () => {
    const html =
      '<a href="https://beckon.example/u/token">Unsubscribe</a><link href="https://shop.example/css" rel=stylesheet>' +
      '<!-- <a href="https://shop.example/in-comment"> --><style>a[href="https://shop.example/s"]{}</style>' +
      '<p>https://shop.example/text</p><a name="top">no href</a>';
    expect(rewriteLinks(html, tracked)).toBe(html);
  });

  it('escapes what it writes into the attribute and follows only the first href of a tag', () => {
    const html = '<a href="https://shop.example/1" href="https://shop.example/2">x</a>';
    expect(rewriteLinks(html, () => 'https://t.example/?a="<b>&c')).toBe(
      '<a href="https://t.example/?a=&quot;&lt;b&gt;&amp;c" href="https://shop.example/2">x</a>',
    );
  });
});

describe('addOpenPixel', () => {
  it('goes just before </body>', () => {
    expect(addOpenPixel('<html><body><p>x</p></BODY></html>', 'https://b.example/o/t?x&y')).toBe(
      '<html><body><p>x</p><img src="https://b.example/o/t?x&amp;y" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" /></BODY></html>',
    );
  });

  it('goes at the end of a fragment, and ignores a </body> inside a comment', () => {
    const out = addOpenPixel('<p>x</p><!-- </body> -->', 'https://b.example/o/t');
    expect(out.startsWith('<p>x</p><!-- </body> --><img src="https://b.example/o/t"')).toBe(true);
  });
});
