import { z } from 'zod';
import { AVAILABLE_TRIGGERS, RuleInput, ruleInputSchema, Trigger } from './rule.schema';

export interface FieldError {
  field: string;
  message: string;
}

export type RuleValidation = { ok: true; rule: RuleInput } | { ok: false; errors: FieldError[] };

/** Only post_purchase steps know `when`: anywhere else it is an unknown key that deserves a reason. */
const unknownKeyMessage = (path: readonly PropertyKey[], key: string): string =>
  key === 'when' && path.length === 2 && path[0] === 'steps'
    ? 'only steps of a post_purchase rule may carry "when" (they follow the survey answer)'
    : 'is not a known parameter';

/** One message per field; each unknown key is named as its own field, so a typo points at itself. */
export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: [...issue.path, key].join('.'),
        message: unknownKeyMessage(issue.path, key),
      }));
    }
    return [{ field: issue.path.map(String).join('.') || '(root)', message: issue.message }];
  });
}

/** Validates a whole rule as a marketer sends it (POST) or as it would be after a PATCH. */
export function validateRule(input: unknown): RuleValidation {
  const parsed = ruleInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  if (!AVAILABLE_TRIGGERS.has(parsed.data.trigger as Trigger)) {
    return {
      ok: false,
      errors: [
        {
          field: 'trigger',
          message: `trigger "${parsed.data.trigger}" is not available in this version yet`,
        },
      ],
    };
  }
  return { ok: true, rule: parsed.data };
}

/** PATCH semantics: top-level fields replace the stored ones, then the result must be a valid rule. */
export function applyRulePatch(current: RuleInput, patch: unknown): RuleValidation {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    return {
      ok: false,
      errors: [{ field: '(root)', message: 'a JSON object is required' }],
    };
  }
  const patchObject = patch as Record<string, unknown>;
  if ('trigger' in patchObject && patchObject.trigger !== current.trigger) {
    return {
      ok: false,
      errors: [
        {
          field: 'trigger',
          message: 'the trigger of a rule cannot change; create a new rule',
        },
      ],
    };
  }
  return validateRule({ ...current, ...patchObject });
}
