export { addIsoDuration, isIsoDuration, parseIsoDuration } from './iso-duration';
export {
  AVAILABLE_TRIGGERS,
  CHANNELS,
  emailContentSchema,
  paramsSchemas,
  ruleInputSchema,
  stepSchema,
  TRIGGERS,
  webPushContentSchema,
} from './rule.schema';
export type {
  Channel,
  EmailContent,
  Rule,
  RuleInput,
  RuleParams,
  RuleStep,
  Trigger,
  WebPushContent,
} from './rule.schema';
export { applyRulePatch, validateRule } from './validate-rule';
export type { FieldError, RuleValidation } from './validate-rule';
export { abandonedCartVerdict, cartValue } from './abandoned-cart';
export type { CartSnapshot, CartVerdict } from './abandoned-cart';
export { chooseChannel } from './choose-channel';
export type { ChannelChoice, ChannelReach } from './choose-channel';
export { dispatchKey } from './dispatch-key';
