/**
 * Every kind of durable step drbot runs: the one list the scheduler looks kinds up in. A new
 * kind is one file (`defineStep` with its params schema and handler) and one line here.
 */
import { actionIssueKind } from '../pir/actionItems.ts';
import { pirDocKind } from '../pir/document.ts';
import { pirTimerKind } from '../pir/timers.ts';
import { runbookActionKind } from '../runbooks/execute.ts';
import { runbookEmailKind, runbookExpireKind, runbookMessageKind, runbookPageKind, runbookPageResolveKind } from '../runbooks/notify.ts';
import { runbookWaitKind } from '../runbooks/route53.ts';
import { updateDueKind } from './cadence.ts';
import type { StepKind } from './define.ts';
import { emailKind, resolutionEmailKind } from './email.ts';
import { checkAssignedKind, reminderKind, slackKind } from './messages.ts';
import { openChannelKind } from './openChannel.ts';
import { ackCheckKind, pageAckKind, pageKind, pageResolveKind } from './page.ts';
import { postKind } from './post.ts';
import { statusPageKind } from './statusPage.ts';
import { ticketKind } from './ticket.ts';
import { warRoomKind } from './warRoom.ts';
import { drillReportKind, drillReviewKind } from '../drills/report.ts';
import { outcomeMetricsKind } from '../rto/metrics.ts';
import { rtoCheckKind } from '../rto/steps.ts';

const KINDS: StepKind[] = [
  // Declare and changes
  openChannelKind,
  postKind,
  updateDueKind,
  // Notification chains (notifications/sevN.yml)
  pageKind,
  ackCheckKind,
  pageAckKind,
  pageResolveKind,
  slackKind,
  reminderKind,
  checkAssignedKind,
  emailKind,
  resolutionEmailKind,
  warRoomKind,
  statusPageKind,
  ticketKind,
  // Recovery runs (commands/)
  runbookMessageKind,
  runbookActionKind,
  runbookWaitKind,
  runbookExpireKind,
  runbookPageKind,
  runbookPageResolveKind,
  runbookEmailKind,
  // Post-incident review
  pirDocKind,
  pirTimerKind,
  actionIssueKind,
  // Drills and recovery objectives (drills/, drbot.yml recovery_objectives)
  drillReportKind,
  drillReviewKind,
  rtoCheckKind,
  outcomeMetricsKind,
] as StepKind[];

export type StepRegistry = ReadonlyMap<string, StepKind>;

function byKind(kinds: StepKind[]): StepRegistry {
  const map = new Map<string, StepKind>();
  for (const k of kinds) {
    if (map.has(k.kind)) throw new Error(`step kind "${k.kind}" is defined twice`);
    map.set(k.kind, k);
  }
  return map;
}

export const STEP_KINDS = byKind(KINDS);
