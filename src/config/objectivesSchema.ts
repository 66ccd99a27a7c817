import { z } from 'zod';
import type { RecoveryObjectives } from '../core/objectives.ts';
import { duration } from './fields.ts';

const tier = z.object({
  name: z.string().min(1).describe('What the plan calls the tier, e.g. Critical'),
  rto: duration.describe('Recovery time objective of the services in this tier'),
  rpo: duration.describe('Recovery point objective (largest data-loss window) of the services in this tier'),
  services: z.array(z.string().min(1)).default([]).describe('Services in this tier, as typed in a declare (lower case, e.g. detection-engine)'),
}).strict();

/** drbot.yml `recovery_objectives`: the plan's DR objectives, tiers and which service is in which. */
export const objectivesSchema = z.object({
  plan: z.object({
    rto: duration.describe('The plan\'s RTO target (used when no affected service has a tier)'),
    rto_max: duration.describe('The plan\'s maximum tolerable RTO (drills pass the rto criterion below it by default)'),
    rpo: duration.describe('The plan\'s RPO target'),
    rpo_max: duration.describe('The plan\'s maximum tolerable data loss'),
  }).strict().describe('The plan\'s overall objective'),
  tiers: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,30}$/, 'expected a short key like tier1'), tier).describe('Service tiers, e.g. tier1 … tier4'),
  warn_at: z.array(z.number().gt(0).lt(1)).default([0.75]).describe('Fractions of the RTO at which the incident channel is warned (the breach itself is always warned and escalated)'),
}).strict().superRefine((o, ctx) => {
  const seen = new Map<string, string>();
  for (const [key, t] of Object.entries(o.tiers)) {
    t.services.forEach((s, i) => {
      const name = s.toLowerCase();
      const other = seen.get(name);
      if (other) ctx.addIssue({ code: 'custom', path: ['tiers', key, 'services', i], message: `service "${s}" is already in ${other} (expected each service in one tier)` });
      seen.set(name, key);
    });
  }
  if (o.plan.rto > o.plan.rto_max) ctx.addIssue({ code: 'custom', path: ['plan', 'rto'], message: 'expected the RTO target to be at most rto_max' });
});

export type ObjectivesFile = z.infer<typeof objectivesSchema>;

export function toObjectives(f: ObjectivesFile): RecoveryObjectives {
  const services: Record<string, string> = {};
  for (const [key, t] of Object.entries(f.tiers)) for (const s of t.services) services[s.toLowerCase()] = key;
  return {
    tiers: Object.entries(f.tiers).map(([key, t]) => ({ key, name: t.name, rtoMs: t.rto, rpoMs: t.rpo })),
    services,
    plan: { rtoTargetMs: f.plan.rto, rtoMaxMs: f.plan.rto_max, rpoTargetMs: f.plan.rpo, rpoMaxMs: f.plan.rpo_max },
    warnAt: f.warn_at,
  };
}
