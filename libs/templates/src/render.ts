import { Liquid, Template } from 'liquidjs';

const LIMITS = { strictFilters: true, ownPropertyOnly: true, renderLimit: 1000, memoryLimit: 16 * 1024 * 1024 };

/**
 * Rule templates come from the API, so nothing in them may reach the file system: include, render and
 * layout would let a marketer key print files from the service's working directory into a message.
 * The limits stop a template like a loop over a billion numbers from stalling the engine.
 */
function sandboxed(engine: Liquid): Liquid {
  for (const tag of ['include', 'render', 'layout']) {
    engine.registerTag(tag, {
      parse() {
        throw new Error(`the ${tag} tag is not allowed in Beckon templates`);
      },
      render() {
        return '';
      },
    });
  }
  return engine;
}

/** Plain-text contexts (subjects, push titles) must not see HTML entities. */
const plain = sandboxed(new Liquid({ cache: 500, ...LIMITS }));
/** Every value printed into HTML is escaped, so a product name cannot inject markup. */
const html = sandboxed(new Liquid({ cache: 500, ...LIMITS, outputEscape: 'escape' }));

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
