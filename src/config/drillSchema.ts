import { z } from 'zod';
import { DRILL_KINDS } from '../core/drill.ts';
import { duration } from './fields.ts';

/**
 * `drills/<name>.yml`: one DR drill scenario (VoxGuard plan, "Testing Schedule": drill calendar,
 * execution checklist, success criteria). Durations are written like the chains' (`30s`, `5m`),
 * so a drill compresses the same way.
 */
const value = z.union([z.string(), z.number()]).transform(String);

export const drillFileSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a lower-case name like communication-drill (letters, digits, -)')
    .refine((n) => n !== 'end' && n !== 'list', 'expected a name other than end or list (they are /dr drill sub-commands)')
    .describe('What `/dr drill <name>` starts; the file is drills/<name>.yml'),
  description: z.string().min(1).max(300).describe('What the drill exercises (shown by /dr drill and on the report)'),
  title: z.string().min(1).max(120).optional().describe('Incident title (default: the description)'),
  kind: z.enum(DRILL_KINDS).describe('The plan\'s drill types'),
  severity: z.union([z.number().int().min(1).max(4), z.string().regex(/^(?:sev-?)?[1-4]$/i, 'expected sev1 … sev4')])
    .transform((v) => Number(String(v).replace(/\D/g, '')) as 1 | 2 | 3 | 4).describe('The severity whose notification chain the drill exercises (sev1 … sev4)'),
  services: z.array(z.string().min(1)).default([]).describe('Services in scope (names from recovery_objectives tiers)'),
  runbooks: z.array(z.object({
    name: z.string().min(1).describe('A recovery command in commands/'),
    params: z.record(z.string(), value).optional()
      .describe('Drill targets (e.g. name: drill.app.voxguard.ng); Route 53 records must be drill records. None: the run is rehearsed (full approval flow, nothing changed)'),
  }).strict()).default([]).describe('Recovery commands the drill exercises'),
  injects: z.array(z.object({
    at: duration.describe('After the start: 0s, 5m, 1h'),
    text: z.string().min(1).max(2000).describe('Posted in the drill channel at that time'),
  }).strict()).default([]).describe('Tabletop injects: scenario developments posted in the drill channel'),
  success: z.object({
    all_notified_within_sla: z.boolean().optional().describe('Every chain step sent within the severity\'s response SLA of its planned time, and confirmed (page acknowledged, Received pressed) within the SLA'),
    rto: duration.optional().describe('Recovered (a recovery run succeeded, else the drill ended) within this after the start'),
    rpo: duration.optional().describe('Data loss measured at the end (`/dr drill end rpo=…`) within this'),
    health_checks_pass: z.boolean().optional().describe('Every verification of the drill\'s recovery runs passed'),
  }).strict().default({}).describe('Success criteria (the plan\'s "Drill Success Criteria"); each is reported pass/fail with the measured value'),
}).strict();

export type DrillFile = z.infer<typeof drillFileSchema>;
