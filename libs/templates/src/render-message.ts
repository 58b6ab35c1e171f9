import { renderHtml, renderText, TemplateContext } from './render';

export interface EmailTemplate {
  subject: string;
  html?: string;
  text?: string;
}

export interface WebPushTemplate {
  title: string;
  body: string;
  url?: string;
  icon?: string;
  image?: string;
  actions?: Array<{ title: string; url: string }>;
  tag?: string;
}

export interface RenderedEmail {
  subject: string;
  html?: string;
  text?: string;
}

export interface RenderedWebPush {
  title: string;
  body: string;
  url?: string;
  icon?: string;
  image?: string;
  /** Absent when the step has none; an action whose url renders empty is left out (a button must open something). */
  actions?: Array<{ title: string; url: string }>;
  tag?: string;
}

/** Subjects are one line: a template that renders a newline would otherwise break the header. */
const oneLine = (value: string): string => value.replace(/\s*[\r\n]+\s*/g, ' ').trim();

export function renderEmail(template: EmailTemplate, context: TemplateContext): RenderedEmail {
  return {
    subject: oneLine(renderText(template.subject, context)),
    html: template.html === undefined ? undefined : renderHtml(template.html, context),
    text: template.text === undefined ? undefined : renderText(template.text, context),
  };
}

export function renderWebPush(template: WebPushTemplate, context: TemplateContext): RenderedWebPush {
  const address = (source: string | undefined): string | undefined => {
    const rendered = source === undefined ? undefined : renderText(source, context).trim();
    return rendered === '' ? undefined : rendered;
  };
  const actions = template.actions
    ?.map((action) => ({ title: oneLine(renderText(action.title, context)), url: address(action.url) }))
    .filter((action): action is { title: string; url: string } => action.url !== undefined && action.title !== '');
  return {
    title: oneLine(renderText(template.title, context)),
    body: renderText(template.body, context).trim(),
    url: address(template.url),
    icon: address(template.icon),
    image: address(template.image),
    actions: actions === undefined || actions.length === 0 ? undefined : actions,
    tag: template.tag === undefined ? undefined : oneLine(renderText(template.tag, context)) || undefined,
  };
}
