import { z } from 'zod';
import type { Severity } from '../core/severity.ts';
import type { Settings } from '../core/settings.ts';
import { duration, severityKey } from './fields.ts';
import { objectivesSchema, toObjectives } from './objectivesSchema.ts';

const severitySchema = z.object({
  name: z.string().min(1).describe('Short name, e.g. Critical'),
  meaning: z.string().min(1).describe('What this severity means (shown on the card)'),
  response_sla: duration.describe('Time to acknowledge a page before it escalates'),
  update_cadence: duration.nullable().describe('Remind the commander when no update came within this; null: only on resolution'),
  responders: z.array(z.string()).default([]).describe('Contact groups invited to the incident channel on declare'),
}).strict();

const permissionRule = z
  .string()
  .regex(/^(anyone|commander|declarer|group:[\w.-]+)$/, 'expected anyone, commander, declarer or group:<contact group>');

/** drbot.yml: the settings that are not secrets and not chains/runbooks/templates. */
export const settingsFileSchema = z.object({
  organization: z.string().min(1).default('Our company').describe('Organisation name used in templates'),
  public_service: z.string().min(1).default('our services').describe('What public messages call the affected service'),
  time_zone: z.string().default('UTC').describe('IANA time zone for times shown to people, e.g. Africa/Lagos'),
  time_zone_label: z.string().optional().describe('Label after times instead of the offset, e.g. WAT'),
  channels: z.object({
    announcements: z.string().min(1).describe('Channel (id or name) where every incident is announced'),
    engineering: z.string().min(1).describe('Engineering incidents channel (chain steps `to: engineering`)'),
    alerts: z.string().min(1).describe('Alerts channel (SEV-3 notifications)'),
  }).strict().describe('Where drbot posts besides the incident channels'),
  channel_name_pattern: z.string().regex(/\{slug\}|\{n\}/, 'expected a pattern containing {slug} or {n}, e.g. inc-{date}-{slug}')
    .default('inc-{date}-{slug}').describe('Incident channel name: {date} (YYYYMMDD), {slug} (from the title), {n} (number)'),
  war_room_url: z.string().url().optional().describe('Bridge link posted by the war-room step'),
  duplicate_window: duration.prefault('10m').describe('A declare with the title of an open incident declared within this answers with that incident'),
  severities: z.object({ sev1: severitySchema, sev2: severitySchema, sev3: severitySchema, sev4: severitySchema }).strict()
    .describe('The severity table: one entry per severity, sev1 (critical) to sev4 (low)'),
  scheduler: z.object({
    lease: duration.prefault('15s').describe('How long a claimed step is held without a heartbeat (renewed every third of it while the send runs); another replica takes over a dead replica\'s steps after this'),
    max_attempts: z.number().int().min(1).max(20).default(5).describe('Tries per step before it is shown as failed'),
    backoff: duration.prefault('2s').describe('First retry delay; doubles each try (a provider\'s Retry-After wins when longer)'),
    max_backoff: duration.prefault('2m').describe('Longest retry delay'),
    late_after: duration.prefault('30s').describe('A step that starts this much after it fell due is marked late'),
  }).strict().prefault({}).describe('The durable schedule (every timed step runs on it)'),
  status_page: z.object({
    components: z.record(z.string(), z.string()).default({}).describe('Affected service → Statuspage component id'),
    on_declare: z.array(z.number().int().min(1).max(4)).default([]).describe('Severities that update the status page at declare'),
    review: z.boolean().default(false).describe('Post each public update in the incident channel with a Publish button first; nothing goes out until someone presses it'),
  }).strict().default({ components: {}, on_declare: [], review: false }),
  pir: z.object({
    repo_path: z.string().regex(/^[\w.-]+(\/[\w.-]+)*$/, 'expected a folder path inside the repository, e.g. docs/pir')
      .refine((p) => !p.split('/').includes('..'), 'expected a folder inside the repository (no ..)')
      .default('docs/pir').describe('Folder of the PIR documents in GITHUB_REPO; each PIR is <date>-inc-<n>-<slug>.md'),
    timeline_emoji: z.string().regex(/^[a-z0-9_+-]+$/, 'expected an emoji name without colons, e.g. pushpin').default('pushpin')
      .describe('Messages in an incident channel reacted to with this emoji (or pinned) join the incident timeline'),
  }).strict().default({ repo_path: 'docs/pir', timeline_emoji: 'pushpin' }).describe('Post-incident review'),
  recovery: z.object({
    exec: z.boolean().default(false).describe('Run the `exec` actions of recovery commands as programs on this host; false: a run shows what it would have executed and runs nothing'),
  }).strict().default({ exec: false }).describe('Recovery commands (commands/)'),
  recovery_objectives: objectivesSchema.optional().describe('DR objectives (VoxGuard plan, "DR Objectives"): tiers with RTO/RPO, services per tier, the plan\'s overall RTO; unset: no RTO clock'),
  drills: z.object({
    report_path: z.string().regex(/^[\w.-]+(\/[\w.-]+)*$/, 'expected a folder path inside the repository, e.g. docs/drills')
      .refine((p) => !p.split('/').includes('..'), 'expected a folder inside the repository (no ..)')
      .default('docs/drills').describe('Folder of the drill reports in GITHUB_REPO; each is <date>-inc-<n>-<scenario>.md'),
    review_within: duration.prefault('48h').describe('A drill report still unreviewed (pull request open) this long after the drill is reminded in its channel'),
    calendar: z.array(z.object({
      date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date like 2026-12-10').describe('The day of the drill (YYYY-MM-DD, in time_zone)'),
      scenario: z.string().min(1).describe('A scenario in drills/ (its name)'),
      participants: z.array(z.string()).default([]).describe('Contact groups or people taking part'),
    }).strict()).default([]).describe('Planned drills: a briefing is posted in the announcements channel at 09:00 the day before, the drill at 09:00 on its day, and a warning for each quarter without any drill'),
  }).strict().prefault({}).describe('DR drills (drills/<name>.yml)'),
  alerts: z.object({
    incidents_per_minute: z.number().int().min(1).max(1000).default(5)
      .describe('New incidents alerts may open per minute (all replicas together); past it, one "alert storm" incident lists and counts what fired'),
  }).strict().default({ incidents_per_minute: 5 }).describe('Alertmanager intake (POST /alerts)'),
  permissions: z.object({
    resolve: z.array(permissionRule).default([]).describe('Who may resolve or cancel (empty: anyone)'),
    downgrade: z.array(permissionRule).default([]).describe('Who may lower the severity (empty: anyone)'),
  }).strict().default({ resolve: [], downgrade: [] }).describe('Who may do guarded things'),
}).strict();

export type SettingsFile = z.infer<typeof settingsFileSchema>;

export function toSettings(f: SettingsFile): Settings {
  const sev = (k: z.infer<typeof severityKey>) => {
    const s = f.severities[k];
    return { name: s.name, meaning: s.meaning, responseSlaMs: s.response_sla, updateCadenceMs: s.update_cadence ?? undefined, responders: s.responders };
  };
  return {
    organization: f.organization,
    publicService: f.public_service,
    timeZone: f.time_zone,
    timeZoneLabel: f.time_zone_label,
    channels: f.channels,
    channelNamePattern: f.channel_name_pattern,
    warRoomUrl: f.war_room_url,
    duplicateWindowMs: f.duplicate_window,
    severities: { 1: sev('sev1'), 2: sev('sev2'), 3: sev('sev3'), 4: sev('sev4') } as Record<Severity, ReturnType<typeof sev>>,
    permissions: f.permissions,
    scheduler: { leaseMs: f.scheduler.lease, maxAttempts: f.scheduler.max_attempts, backoffBaseMs: f.scheduler.backoff, backoffMaxMs: f.scheduler.max_backoff, lateAfterMs: f.scheduler.late_after },
    statusPage: { components: f.status_page.components, onDeclare: f.status_page.on_declare, review: f.status_page.review },
    pir: { repoPath: f.pir.repo_path, timelineEmoji: f.pir.timeline_emoji },
    recovery: { exec: f.recovery.exec },
    objectives: f.recovery_objectives ? toObjectives(f.recovery_objectives) : undefined,
    drills: { reportPath: f.drills.report_path, reviewWithinMs: f.drills.review_within, calendar: f.drills.calendar },
    alerts: { incidentsPerMinute: f.alerts.incidents_per_minute },
  };
}
