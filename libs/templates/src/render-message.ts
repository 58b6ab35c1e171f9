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
  const url = template.url === undefined ? undefined : renderText(template.url, context).trim();
  const icon = template.icon === undefined ? undefined : renderText(template.icon, context).trim();
  return {
    title: oneLine(renderText(template.title, context)),
    body: renderText(template.body, context).trim(),
    url: url === '' ? undefined : url,
    icon: icon === '' ? undefined : icon,
  };
}
