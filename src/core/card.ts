import { formatDuration } from './duration.ts';
import { incidentRef, isOpen, type Incident } from './incident.ts';
import type { Block, Button, Line, Message } from './message.ts';
import { severityLabel } from './severity.ts';
import type { Settings } from './settings.ts';
import type { Step } from './steps.ts';
import { rtoField } from './objectives.ts';
import { formatTime } from './time.ts';

const STATUS_LABEL: Record<Incident['status'], string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  cancelled: 'Cancelled (false alarm)',
};

export function nextUpdateDue(i: Incident, settings: Settings): Date | undefined {
  const cadence = settings.severities[i.severity].updateCadenceMs;
  return cadence === undefined ? undefined : new Date(i.lastUpdateAt.getTime() + cadence);
}

function when(at: Date, settings: Settings): string {
  return formatTime(at, settings.timeZone, settings.timeZoneLabel);
}

export function stepLine(s: Step, now: Date, settings: Settings): Line {
  switch (s.status) {
    case 'done': {
      const late = s.sentAt && s.sentAt.getTime() - s.dueAt.getTime() > 60_000
        ? ` (late ${formatDuration(s.sentAt.getTime() - s.dueAt.getTime())})` : '';
      const twice = s.attempts > 1 && s.result?.maybeRepeated ? ' — may have been sent twice' : '';
      return [`✓ ${s.label} — sent ${when(s.sentAt ?? s.dueAt, settings)}${late}${twice}`];
    }
    case 'pending':
      // A pending step with an error is between tries; without one it is being sent right now.
      if (s.lastError) return [`… ${s.label} — retrying (${s.lastError}), next try ${when(s.dueAt, settings)}`];
      return s.dueAt <= now ? [`… ${s.label} — sending (due ${when(s.dueAt, settings)})`] : [`○ ${s.label} — due ${when(s.dueAt, settings)}`];
    case 'failed':
      return [`✗ ${s.label} — failed: ${s.lastError ?? 'unknown error'}`];
    case 'skipped':
      return [`– ${s.label} — skipped: ${s.lastError ?? ''}`];
    case 'cancelled':
      return [`– ${s.label} — cancelled`];
  }
}

export function cardButtons(i: Incident): Button[] {
  const value = String(i.id);
  if (!isOpen(i)) return [{ action: 'incident.reopen', label: 'Reopen', value }];
  return [
    { action: 'incident.update', label: 'Post update', value, style: 'primary' },
    { action: 'incident.take_command', label: 'Take command', value },
    { action: 'incident.sev', label: 'Change severity', value },
    { action: 'incident.resolve', label: 'Resolve', value, style: 'danger' },
  ];
}

/** The incident card: posted in the incident channel on declare, updated in place on every change. */
export function incidentCard(i: Incident, settings: Settings, now: Date, steps: Step[] = []): Message {
  const sev = settings.severities[i.severity];
  const title = `${i.mode === 'drill' ? 'DRILL · ' : ''}${incidentRef(i.id)} · ${severityLabel(i.severity)} · ${i.title}`;
  const due = nextUpdateDue(i, settings);
  const fields: { label: string; value: Line }[] = [
    { label: 'Severity', value: [{ bold: `${severityLabel(i.severity)} ${sev.name}` }, ` — ${sev.meaning}`] },
    { label: 'Status', value: [STATUS_LABEL[i.status]] },
    { label: 'Commander', value: [{ user: i.commander }] },
    { label: 'Impact', value: [i.impact || 'not stated yet'] },
    { label: 'Started', value: [when(i.declaredAt, settings)] },
  ];
  if (isOpen(i)) {
    const overdue = due && due <= now;
    fields.push({
      label: 'Next update due',
      value: [due ? `${when(due, settings)}${overdue ? ' — update overdue' : ''}` : 'on resolution'],
    });
  } else if (i.resolvedAt) {
    fields.push({ label: i.status === 'cancelled' ? 'Cancelled' : 'Resolved', value: [`${when(i.resolvedAt, settings)} (after ${formatDuration(i.resolvedAt.getTime() - i.declaredAt.getTime())})`] });
  }
  if (settings.objectives) fields.push({ label: 'RTO', value: [rtoField(settings.objectives, i, now, (d) => when(d, settings))] });
  if (i.comms) fields.push({ label: 'Comms', value: [{ user: i.comms }] });
  if (i.scribe) fields.push({ label: 'Scribe', value: [{ user: i.scribe }] });
  if (i.services.length) fields.push({ label: 'Services', value: [i.services.join(', ')] });
  if (i.complianceImpact) fields.push({ label: 'Compliance impact', value: ['yes — regulator to be notified'] });

  const blocks: Block[] = [{ type: 'header', text: title }, { type: 'fields', fields }];
  if (i.summary) blocks.push({ type: 'section', lines: [[{ bold: i.status === 'cancelled' ? 'Reason: ' : 'Summary: ' }, i.summary]] });
  const chain = steps.filter((s) => s.source === 'chain');
  if (chain.length) {
    blocks.push({ type: 'context', lines: [[{ bold: 'Notification chain' }], ...chain.map((s) => stepLine(s, now, settings))] });
  }
  const tags = [i.mode === 'drill' ? 'DRILL' : '', i.private ? 'private' : ''].filter(Boolean);
  if (tags.length) blocks.push({ type: 'context', lines: [[tags.join(' · ')]] });
  blocks.push({ type: 'actions', buttons: cardButtons(i) });
  return { fallback: `${title} — ${STATUS_LABEL[i.status]}`, blocks };
}

/** The one-line announcement in the announcements channel. */
export function announcement(i: Incident, settings: Settings): Message {
  const sev = settings.severities[i.severity];
  const line: Line = [
    { bold: `${i.mode === 'drill' ? 'DRILL — ' : ''}${incidentRef(i.id)} declared — ${severityLabel(i.severity)} ${sev.name}` },
    `: ${i.title}. Commander `, { user: i.commander },
  ];
  if (i.channelId) line.push('. Join ', { channel: i.channelId });
  if (i.mode === 'drill') line.push(' (an exercise: no action on production)');
  return { fallback: `${i.mode === 'drill' ? '[DRILL] ' : ''}${incidentRef(i.id)} declared: ${i.title}`, blocks: [{ type: 'section', lines: [line] }] };
}
