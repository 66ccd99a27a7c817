import { DomainError } from '../core/errors.ts';
import { incidentRef } from '../core/incident.ts';
import type { Queryable } from '../store/db.ts';
import { getIncident } from '../store/sql/getIncident.ts';
import { getIncidentByChannel } from '../store/sql/getIncidentByChannel.ts';
import type { StoredIncident } from '../store/rows.ts';

/**
 * The incident a command is about: the one named (`INC-<n>`), else the incident whose channel
 * the command was typed in. `forUpdate` locks it for the rest of the transaction.
 */
export async function findTarget(
  q: Queryable,
  ref: number | undefined,
  channelId: string | undefined,
  usage: string | undefined,
  forUpdate = false,
): Promise<StoredIncident> {
  if (ref !== undefined) {
    const found = await getIncident(q, ref, forUpdate);
    if (!found) throw new DomainError('NOT_FOUND', `There is no ${incidentRef(ref)}. \`/dr list\` shows the open incidents.`, usage);
    return found;
  }
  const inChannel = channelId ? await getIncidentByChannel(q, channelId) : undefined;
  if (!inChannel) {
    throw new DomainError('NOT_FOUND', 'This is not an incident channel: name the incident, e.g. `INC-12`. `/dr list` shows the open ones.', usage);
  }
  return forUpdate ? (await getIncident(q, inChannel.id, true))! : inChannel;
}
