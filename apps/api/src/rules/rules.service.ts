import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FindOptionsWhere, IsNull, Repository } from 'typeorm';
import { applyRulePatch, RuleInput, validateRule } from '@beckon/rules';
import { RuleEntity } from '@beckon/persistence';
import { isUuid } from '../common/uuid';
import { ValidationFailedException } from '../errors/validation-failed.exception';
import { applyRuleInput, toRuleInput } from './rule.view';

export interface RuleFilter {
  trigger?: string;
  enabled?: boolean;
}

@Injectable()
export class RulesService {
  constructor(@InjectRepository(RuleEntity) private readonly rules: Repository<RuleEntity>) {}

  async create(body: unknown): Promise<RuleEntity> {
    const rule = this.validOrThrow(validateRule(body));
    return this.rules.save(applyRuleInput(this.rules.create(), rule));
  }

  list(filter: RuleFilter): Promise<RuleEntity[]> {
    // Soft-deleted rules are left out by TypeORM's @DeleteDateColumn handling.
    const where: FindOptionsWhere<RuleEntity> = {};
    if (filter.trigger !== undefined) where.trigger = filter.trigger;
    if (filter.enabled !== undefined) where.enabled = filter.enabled;
    return this.rules.find({ where, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async get(id: string): Promise<RuleEntity> {
    const rule = isUuid(id) ? await this.rules.findOneBy({ id }) : null;
    if (rule === null) throw new NotFoundException(`rule ${id} not found`);
    return rule;
  }

  /** Read, merge and write under a row lock, so two concurrent PATCHes of different fields both stick. */
  async patch(id: string, patch: unknown): Promise<RuleEntity> {
    if (!isUuid(id)) throw new NotFoundException(`rule ${id} not found`);
    return this.rules.manager.transaction(async (manager) => {
      const repository = manager.getRepository(RuleEntity);
      const current = await repository.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (current === null) throw new NotFoundException(`rule ${id} not found`);
      const rule = this.validOrThrow(applyRulePatch(toRuleInput(current), patch));
      return repository.save(applyRuleInput(current, rule));
    });
  }

  /** Soft delete: dispatches keep pointing at the rule, so the log can still say what sent them. */
  async remove(id: string): Promise<void> {
    // Only a live rule counts: deleting twice answers 404 and keeps the first deletion time.
    const result = isUuid(id)
      ? await this.rules.update({ id, deletedAt: IsNull() }, { deletedAt: () => 'now()' })
      : null;
    if (!result?.affected) throw new NotFoundException(`rule ${id} not found`);
  }

  private validOrThrow(validation: ReturnType<typeof validateRule>): RuleInput {
    if (!validation.ok) throw new ValidationFailedException(validation.errors);
    return validation.rule;
  }
}
