import { DomainError } from '../../core/errors.ts';
import { incidentRef } from '../../core/incident.ts';
import { textMessage } from '../../core/message.ts';
import { publicStatus } from '../../core/statusPage.ts';
import { listSteps } from '../../store/sql/listSteps.ts';
import { plantSteps } from '../../store/sql/plantSteps.ts';
import type { AppContext } from '../context.ts';
import type { ButtonInput, Reply } from '../../inbound.ts';
import { publishStep } from '../steps/statusPage.ts';
import { recordForIncident } from './record.ts';

/**
 * The Publish button under a public update waiting for review. The click's request key makes a
 * Slack retry harmless; the published step's id (one per reviewed update) makes a second
 * person's click harmless. The user is the one in Slack's signed payload.
 */
export async function publishButton(ctx: AppContext, a: ButtonInput): Promise<Reply> {
  const m = /^(\d{1,9}):([a-z0-9-]{1,120})$/.exec(a.value);
  if (!m) return { refused: true, message: textMessage(['That Publish button is broken (no update named).']) };
  const now = ctx.clock.now();
  return recordForIncident(ctx, { requestKey: a.requestKey, ref: Number(m[1]) }, async (i, tx) => {
    const reviewed = (await listSteps(tx, i.id)).find((s) => s.stepId === m[2]);
    const r = reviewed?.result as { review?: boolean; status?: string; body?: string } | null | undefined;
    if (!reviewed || reviewed.status !== 'done' || !r?.review || !r.status || r.body === undefined) {
      throw new DomainError('NOT_FOUND', 'That public update is not waiting for review.');
    }
    if (i.private) throw new DomainError('NOT_ALLOWED', `${incidentRef(i.id)} is private: nothing about it goes public.`);
    if (r.status !== publicStatus(i.status)) {
      throw new DomainError('NO_CHANGE', `This update says "${r.status}" but ${incidentRef(i.id)} is ${i.status} now. Post a new one with \`/dr update --public\`.`);
    }
    const added = await plantSteps(tx, i.id, [publishStep(reviewed, { status: r.status, body: r.body }, a.userId, now)]);
    if (!added.length) return { reply: { message: textMessage(['Already published (someone pressed Publish first).']) } };
    return {
      reply: { message: textMessage([`Publishing the ${r.status} update of ${incidentRef(i.id)} to the status page.`]) },
      events: [{ type: 'note', at: now, actor: a.userId, text: `Public update published (${r.status}): ${r.body}`, data: { published: reviewed.stepId } }],
      wake: true,
    };
  });
}
