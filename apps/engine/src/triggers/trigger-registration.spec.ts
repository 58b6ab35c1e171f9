import { SchedulerRegistry } from '@nestjs/schedule';
import { DataSource, EntityManager } from 'typeorm';
import { BeckonConfig } from '@beckon/config';
import { paramsSchemas, Rule, Trigger, TRIGGERS, validateRule } from '@beckon/rules';
import { Recipient } from '@beckon/template-context';
import {
  ALL_TRIGGER_DEFINITIONS,
  DueDispatch,
  NO_FACTS,
  previewContext,
  TRIGGER_DEFINITIONS,
  TriggerDefinition,
  TriggerPorts,
} from '@beckon/triggers';
import { resolveOccasions } from '../firing/resolve-occasions';
import { MomentScanner } from '../moments/moment-scanner';
import { ScanCursorRepository } from '../moments/scan-cursor.repository';
import { RuleCache } from '../rules/rule-cache';
import { TriggerFactsHandler } from './trigger-facts.handler';

// The one list of definitions is what every part iterates. These tests hold each part against the
// list itself: a part that skips a definition, or calls the wrong one, fails here, not in production.

const tx = {} as EntityManager;
const ports = { scanIntervalMs: 60_000 } as TriggerPorts;
const now = new Date('2026-12-04T10:00:00Z');

function ruleOf(trigger: Trigger): Rule {
  const validation = validateRule(TRIGGER_DEFINITIONS[trigger].example.value);
  if (!validation.ok) throw new Error(`example of ${trigger} is invalid`);
  return { ...validation.rule, id: `rule-${trigger}`, createdAt: now, updatedAt: now };
}

const rules = new Map(TRIGGERS.map((trigger) => [`rule-${trigger}`, ruleOf(trigger)]));

const ruleCache = {
  refreshIfChanged: async () => undefined,
  enabledFor: async (trigger: Trigger) => [rules.get(`rule-${trigger}`)!],
  all: async () => rules,
} as unknown as RuleCache;

afterEach(() => jest.restoreAllMocks());

describe('the trigger definitions', () => {
  it('name every trigger once, each under its own name, with the params schema rules are validated with', () => {
    expect(Object.keys(TRIGGER_DEFINITIONS).sort()).toEqual([...TRIGGERS].sort());
    expect(ALL_TRIGGER_DEFINITIONS).toHaveLength(TRIGGERS.length);
    for (const [name, definition] of Object.entries(TRIGGER_DEFINITIONS)) {
      expect(definition.trigger).toBe(name);
      expect(definition.params).toBe(paramsSchemas[name as Trigger]);
      expect(definition.example.value.trigger).toBe(name);
      expect(definition.description.length).toBeGreaterThan(20);
    }
  });

  it('reach the facts handler: each onFacts gets its own trigger’s enabled rules', async () => {
    const calls = new Map<string, Rule[]>();
    for (const definition of ALL_TRIGGER_DEFINITIONS as TriggerDefinition[]) {
      if (definition.onFacts === undefined) continue;
      jest.spyOn(definition, 'onFacts').mockImplementation(async (run) => {
        calls.set(definition.trigger, [...run.rules]);
      });
    }
    await new TriggerFactsHandler(ports, ruleCache).handle(tx, NO_FACTS);

    const reacting = ALL_TRIGGER_DEFINITIONS.filter((d) => d.onFacts !== undefined).map((d) => d.trigger);
    expect(reacting.length).toBeGreaterThan(0);
    expect([...calls.keys()].sort()).toEqual([...reacting].sort());
    for (const [trigger, given] of calls) expect(given.map((r) => r.id)).toEqual([`rule-${trigger}`]);
  });

  it('reach the firing loop: each definition resolves exactly its own trigger’s due steps', async () => {
    const due: DueDispatch[] = TRIGGERS.map((trigger, i) => ({
      id: `d${i}`,
      ruleId: `rule-${trigger}`,
      customerId: `c${i}`,
      occasion: `o${i}`,
      step: 0,
      dueAt: now,
      correlationId: null,
    }));
    const asked = new Map<string, string[]>();
    for (const definition of ALL_TRIGGER_DEFINITIONS as TriggerDefinition[]) {
      jest.spyOn(definition, 'resolve').mockImplementation(async (_run, steps) => {
        asked.set(
          definition.trigger,
          steps.map((s) => s.id),
        );
        return new Map(steps.map((s) => [s.id, { kind: 'end', reason: `resolved_by:${definition.trigger}` }]));
      });
    }
    const verdicts = await resolveOccasions(tx, { due, rules, busy: new Set() }, ports, now);

    TRIGGERS.forEach((trigger, i) => {
      expect(asked.get(trigger)).toEqual([`d${i}`]);
      expect(verdicts.get(`d${i}`)).toEqual({ kind: 'end', reason: `resolved_by:${trigger}` });
    });
  });

  it('reach the moment scanner: every stream of every definition with a scan is walked, no other', async () => {
    const walked: string[] = [];
    for (const definition of ALL_TRIGGER_DEFINITIONS) {
      if (definition.scan === undefined) continue;
      jest.spyOn(definition.scan, 'page').mockImplementation(async (_tx, rule, stream, cursor) => {
        walked.push(`${rule.trigger}/${stream}`);
        return { cursor, scheduled: 0, done: true };
      });
    }
    const dataSource = { transaction: (work: (m: EntityManager) => unknown) => work(tx) } as unknown as DataSource;
    const cursors = {
      claim: async () => ({ at: null, key: '' }),
      save: async () => undefined,
    } as unknown as ScanCursorRepository;
    const config = { SCAN_INTERVAL_MS: 60_000 } as BeckonConfig;
    const scanner = new MomentScanner(dataSource, config, ruleCache, cursors, ports, new SchedulerRegistry());

    const reports = await scanner.scanAll(now);

    const expected = ALL_TRIGGER_DEFINITIONS.flatMap((d) =>
      d.scan === undefined ? [] : d.scan.streams(rules.get(`rule-${d.trigger}`)!).map((s) => `${d.trigger}/${s}`),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(walked.sort()).toEqual(expected.sort());
    expect(reports.map((r) => `${rules.get(r.ruleId)!.trigger}/${r.stream}`).sort()).toEqual(expected.sort());
  });

  it('reach the preview: each rule is previewed by its own definition', async () => {
    const recipient = { id: 'c1' } as Recipient;
    for (const definition of ALL_TRIGGER_DEFINITIONS as TriggerDefinition[]) {
      jest.spyOn(definition, 'preview').mockResolvedValue({ previewedBy: definition.trigger });
    }
    for (const trigger of TRIGGERS) {
      const data = await previewContext(tx, rules.get(`rule-${trigger}`)!, recipient, { defaultTimezone: 'UTC', now });
      expect(data).toEqual({ previewedBy: trigger });
    }
  });
});
