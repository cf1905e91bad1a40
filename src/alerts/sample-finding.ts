/** Made-up numbers in the shape a rule's real findings have, for `uprate alerts test RULE`. */
import type { Finding } from './finding.js';
import { periodAt, periodsBefore, currentPeriodStart } from './periods.js';
import type { AlertRule } from './rules-schema.js';

export function sampleFinding(rule: AlertRule, at: Date): Finding {
  const period = periodAt(periodsBefore(currentPeriodStart(at, rule.grain), rule.grain, 1), rule.grain);
  const scope = rule.scope.by ? `${rule.scope.by}=example` : 'all';
  return {
    rule: rule.name,
    scope,
    status: 'firing',
    severity: rule.severity,
    message: `This is a test of rule ${rule.name} (${rule.condition.type}); a real alert reads like: conversion rate in ${period.label} was 8.0% (95% interval 6.9%–9.3%, 160 of 2,000 offers; poor band).`,
    period,
    grain: rule.grain,
    numbers: { offers: 2000, accepted: 160, rate: 0.08, lower: 0.0690, upper: 0.0925 },
    test: { name: 'sample', statistic: null, pValue: null, adjustedPValue: null, alpha: null, correction: null, reason: 'made-up numbers: this is a test notification' },
    filters: rule.scope.filters.map((f) => ({ member: f.member, operator: f.operator, ...(f.values ? { values: f.values.map(String) } : {}) })),
  };
}
