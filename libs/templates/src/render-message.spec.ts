import { templateSyntaxError } from './render';
import { renderEmail, renderWebPush } from './render-message';

const context = {
  customer: { first_name: 'Ada' },
  product: { name: '<script>alert(1)</script> & "Mug"' },
  cart: { items: [{ name: 'a' }, { name: 'b' }, { name: 'c' }], url: 'https://shop.example/cart?id=1&x=2' },
};

describe('renderEmail', () => {
  it('escapes printed values in html', () => {
    const rendered = renderEmail({ subject: 's', html: '<p>{{ product.name }}</p>' }, context);
    expect(rendered.html).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Mug&#34;</p>');
  });

  it('leaves the markup of the template itself alone', () => {
    expect(renderEmail({ subject: 's', html: '<b>Hi {{ customer.first_name }}</b>' }, context).html).toBe(
      '<b>Hi Ada</b>',
    );
  });

  it('does not escape values in text or in the subject', () => {
    const rendered = renderEmail({ subject: 'About {{ product.name }}', text: 'Item: {{ product.name }}' }, context);
    expect(rendered.subject).toBe('About <script>alert(1)</script> & "Mug"');
    expect(rendered.text).toBe('Item: <script>alert(1)</script> & "Mug"');
  });

  it('keeps a part the template leaves out undefined', () => {
    const rendered = renderEmail({ subject: 'Hi', text: 'plain' }, context);
    expect(rendered).toEqual({ subject: 'Hi', html: undefined, text: 'plain' });
  });

  it('collapses newlines in the subject into single spaces and trims it', () => {
    const subject = '\n  {{ customer.first_name }},\r\n   your cart\n\n is waiting  \n';
    expect(renderEmail({ subject, text: 't' }, context).subject).toBe('Ada, your cart is waiting');
  });

  it('keeps newlines in the text body', () => {
    expect(renderEmail({ subject: 's', text: 'line 1\nline 2' }, context).text).toBe('line 1\nline 2');
  });

  it('counts cart items with the size filter', () => {
    expect(renderEmail({ subject: '{{ cart.items | size }} items', text: '' }, context).subject).toBe('3 items');
  });

  it('renders a missing variable as empty rather than failing', () => {
    expect(renderEmail({ subject: 'Hi {{ customer.last_name }}!', text: '' }, context).subject).toBe('Hi !');
  });

  it('does not reach inherited properties of the data', () => {
    const customer = Object.create({ secret: 'inherited' }) as Record<string, unknown>;
    customer.first_name = 'Ada';
    expect(renderEmail({ subject: '[{{ customer.secret }}]', text: '' }, { customer }).subject).toBe('[]');
  });
});

describe('renderWebPush', () => {
  it('renders and trims every field', () => {
    const rendered = renderWebPush(
      {
        title: ' Still thinking, {{ customer.first_name }}? ',
        body: '  {{ cart.items | size }} items in your cart\n',
        url: ' {{ cart.url }} ',
        icon: ' https://shop.example/icon.png ',
      },
      context,
    );
    expect(rendered).toEqual({
      title: 'Still thinking, Ada?',
      body: '3 items in your cart',
      url: 'https://shop.example/cart?id=1&x=2',
      icon: 'https://shop.example/icon.png',
    });
  });

  it('drops a url or icon that renders empty', () => {
    const rendered = renderWebPush({ title: 't', body: '', url: '{{ cart.nothing }}', icon: '  ' }, context);
    expect(rendered.url).toBeUndefined();
    expect(rendered.icon).toBeUndefined();
    expect(rendered).toEqual({ title: 't', body: '' });
  });

  it('renders the banner image and the action buttons with Liquid', () => {
    const rendered = renderWebPush(
      {
        title: 't',
        body: '',
        image: ' {{ cart.url }}&img=1 ',
        tag: 'cart-{{ cart.items | size }}\n',
        actions: [
          { title: 'Back to {{ cart.items | size }} items', url: '{{ cart.url }}' },
          { title: 'Never mind', url: '{{ cart.nothing }}' },
        ],
      },
      context,
    );
    expect(rendered).toEqual({
      title: 't',
      body: '',
      image: 'https://shop.example/cart?id=1&x=2&img=1',
      tag: 'cart-3',
      // The second button's url rendered empty: a button that opens nothing is left out.
      actions: [{ title: 'Back to 3 items', url: 'https://shop.example/cart?id=1&x=2' }],
    });
  });

  it('leaves actions out when none renders a url', () => {
    const rendered = renderWebPush({ title: 't', body: '', actions: [{ title: 'x', url: ' ' }] }, context);
    expect(rendered.actions).toBeUndefined();
  });

  it('collapses newlines in the title', () => {
    expect(renderWebPush({ title: 'a\nb', body: '' }, context).title).toBe('a b');
  });

  it('does not HTML-escape push text', () => {
    expect(renderWebPush({ title: '{{ product.name }}', body: '' }, context).title).toBe(
      '<script>alert(1)</script> & "Mug"',
    );
  });
});

describe('templateSyntaxError', () => {
  it.each(['Hello', '{{ customer.first_name }}', '{% if cart.items.size > 1 %}many{% endif %}', ''])(
    'returns null for the good template %j',
    (source) => {
      expect(templateSyntaxError(source)).toBeNull();
    },
  );

  it.each([
    ['{{ customer.first_name ', /not closed/],
    ['{% if cart %}open', /not closed/],
    ['{% endif %}', /./],
    ['{{ x | nosuchfilter }}', /undefined filter: nosuchfilter/],
    ['{% nosuchtag %}', /nosuchtag/],
  ])('returns a message for the broken template %j', (source, message) => {
    expect(templateSyntaxError(source)).toMatch(message);
  });
});

describe('template sandbox', () => {
  it.each(['{% include "package.json" %}', '{% render "./tsconfig.json" %}', '{% layout "x" %}'])(
    'refuses %s so templates cannot read files',
    (source) => {
      expect(templateSyntaxError(source)).toMatch(/not allowed/);
    },
  );

  it('stops a runaway loop instead of stalling the engine', () => {
    expect(() => renderEmail({ subject: 's', text: '{% for i in (1..100000000) %}x{% endfor %}' }, {})).toThrow(
      /limit/,
    );
  });
});
