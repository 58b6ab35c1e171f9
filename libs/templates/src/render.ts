import { Liquid, Template } from 'liquidjs';

/** Plain-text contexts (subjects, push titles) must not see HTML entities. */
const plain = new Liquid({
  cache: 500,
  strictFilters: true,
  ownPropertyOnly: true,
});
/** Every value printed into HTML is escaped, so a product name cannot inject markup. */
const html = new Liquid({
  cache: 500,
  strictFilters: true,
  ownPropertyOnly: true,
  outputEscape: 'escape',
});

const parsed = new Map<string, Template[]>();
const MAX_PARSED = 2000;

function compile(engine: Liquid, source: string): Template[] {
  const key = `${engine === html ? 'h' : 'p'}:${source}`;
  let templates = parsed.get(key);
  if (templates === undefined) {
    templates = engine.parse(source);
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(key, templates);
  }
  return templates;
}

export function templateSyntaxError(source: string): string | null {
  try {
    plain.parse(source);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

export type TemplateContext = Record<string, unknown>;

export function renderText(source: string, context: TemplateContext): string {
  return plain.renderSync(compile(plain, source), context) as string;
}

export function renderHtml(source: string, context: TemplateContext): string {
  return html.renderSync(compile(html, source), context) as string;
}
