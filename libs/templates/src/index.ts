export { renderHtml, renderText, templateSyntaxError } from './render';
export type { TemplateContext } from './render';
export { renderEmail, renderWebPush } from './render-message';
export type { EmailTemplate, RenderedEmail, RenderedWebPush, WebPushTemplate } from './render-message';
export { addOpenPixel, rewriteLinks } from './track-links';
