/**
 * A built-in stand-in for Atlassian Statuspage, used when drbot has no STATUSPAGE_API_KEY /
 * STATUSPAGE_PAGE_ID (DRBOT_SIMULATE=auto): incidents are kept in a JSON file (or in memory).
 * What drbot publishes still shows on its own page, GET /status, which says the Statuspage
 * side is simulated. Nothing leaves the machine.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StatusPageComponentStatus, StatusPageIncidentStatus, StatusPagePort } from '../../ports.ts';

export const SIMULATED_STATUSPAGE = 'Statuspage (simulated: no Statuspage account)';

interface Update { at: string; status: StatusPageIncidentStatus; body: string; components: Record<string, StatusPageComponentStatus> }
interface SimIncident { id: string; name: string; status: StatusPageIncidentStatus; updates: Update[] }

export interface SimulatedStatusPage extends StatusPagePort {
  readonly simulated: string;
  readonly file?: string;
  incidents(): SimIncident[];
}

export function createSimulatedStatusPage(o: { file?: string; now?: () => Date } = {}): SimulatedStatusPage {
  const now = o.now ?? (() => new Date());
  const state: { next: number; incidents: SimIncident[] } = o.file && existsSync(o.file)
    ? JSON.parse(readFileSync(o.file, 'utf8')) as { next: number; incidents: SimIncident[] }
    : { next: 1, incidents: [] };
  const save = () => {
    if (!o.file) return;
    mkdirSync(dirname(o.file), { recursive: true });
    // Its own temporary name: two processes saving into one data dir must not rename each other's file.
    const tmp = `${o.file}.${randomUUID()}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ about: `${SIMULATED_STATUSPAGE}: nothing here was published`, ...state }, null, 2)}\n`);
    renameSync(tmp, o.file);
  };
  return {
    simulated: SIMULATED_STATUSPAGE,
    file: o.file,
    async createIncident(i) {
      const id = `sim-${state.next++}`;
      state.incidents.push({ id, name: i.name, status: i.status, updates: [{ at: now().toISOString(), status: i.status, body: i.body, components: i.components }] });
      save();
      return { id };
    },
    async updateIncident(id, u) {
      const i = state.incidents.find((x) => x.id === id);
      if (!i) throw new Error(`${SIMULATED_STATUSPAGE}: no incident ${id}`);
      i.status = u.status;
      i.updates.push({ at: now().toISOString(), status: u.status, body: u.body, components: u.components });
      save();
    },
    incidents: () => structuredClone(state.incidents),
  };
}
