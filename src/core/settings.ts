import type { PlannedDrill } from './drillCalendar.ts';
import type { RecoveryObjectives } from './objectives.ts';
import type { Severity } from './severity.ts';

/** How one severity behaves (drbot.yml `severities`). Durations are in milliseconds. */
export interface SeveritySettings {
  name: string;
  meaning: string;
  responseSlaMs: number;
  /** No `/dr update` within this → the commander is reminded; undefined: only on resolution. */
  updateCadenceMs?: number;
  /** Contact groups invited to the channel on declare. */
  responders: string[];
}

/** Who may do a guarded thing: `commander`, `declarer`, or `group:<contact group>`. */
export type PermissionRule = string;

export interface Settings {
  /** Shown in templates, e.g. VoxGuard. */
  organization: string;
  /** What the public status page calls the service, e.g. VoxGuard fraud detection services. */
  publicService: string;
  timeZone: string;
  /** Shown after times instead of the zone's offset, e.g. `WAT`. */
  timeZoneLabel?: string;
  channels: { announcements: string; engineering: string; alerts: string };
  /** e.g. `inc-{date}-{slug}`; `{n}` is the incident number. */
  channelNamePattern: string;
  warRoomUrl?: string;
  severities: Record<Severity, SeveritySettings>;
  permissions: { resolve: PermissionRule[]; downgrade: PermissionRule[] };
  /** A declare identical to an open incident's title within this window answers with that incident. */
  duplicateWindowMs: number;
  /** The durable schedule's tuning (drbot.yml `scheduler`). */
  scheduler: { leaseMs: number; maxAttempts: number; backoffBaseMs: number; backoffMaxMs: number; lateAfterMs: number };
  statusPage: {
    /** Affected service name → Statuspage component id. */
    components: Record<string, string>;
    /** Severities whose declare also updates the status page at once (besides their chain). */
    onDeclare: number[];
    /** Public updates are first posted in the incident channel with a Publish button. */
    review: boolean;
  };
  /** Recovery commands: `exec` actions run programs only when this is on (drbot.yml `recovery.exec`). */
  recovery: { exec: boolean };
  /** drbot.yml `recovery_objectives`; undefined: no RTO clock. */
  objectives?: RecoveryObjectives;
  /** Drill reports (drbot.yml `drills`). Optional so hand-built settings in tests need not name it. */
  drills?: { reportPath: string; reviewWithinMs: number; calendar?: PlannedDrill[] };
  /** Alert intake (drbot.yml `alerts`): new incidents from alerts per minute, past which one "alert storm" incident collects the rest. */
  alerts: { incidentsPerMinute: number };
  /** The post-incident review on GitHub. */
  pir: {
    /** Folder of the PIR documents in the repository, e.g. `docs/pir`. */
    repoPath: string;
    /** Messages reacted to with this emoji (name without colons) join the incident timeline. */
    timelineEmoji: string;
  };
}

/** Contact groups flattened to what the core needs: group → Slack user ids. */
export type GroupMembers = Record<string, string[]>;
