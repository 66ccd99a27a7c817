import { USAGE, type Command } from '../../core/commands.ts';
import { DomainError } from '../../core/errors.ts';
import { incidentRef } from '../../core/incident.ts';
import { textMessage } from '../../core/message.ts';
import type { StepPlan } from '../../core/steps.ts';
import { listExternalRefs } from '../../store/sql/listExternalRefs.ts';
import { listActionItems } from '../../store/sql/listActionItems.ts';
import { listSteps } from '../../store/sql/listSteps.ts';
import type { AppContext } from '../context.ts';
import type { CommandInput, Reply } from '../../inbound.ts';
import { actionIssueStep } from './actionItems.ts';
import { PIR_REF, pirDocStep } from './document.ts';
import { recordForIncident } from './record.ts';

/**
 * `/dr pir retry`: plants again what GitHub did not take — the PIR pull request and any action
 * item without its issue — unless it is already waiting to run.
 */
export async function pirRetry(ctx: AppContext, input: CommandInput, cmd: Extract<Command, { verb: 'pir' }>): Promise<Reply> {
  const now = ctx.clock.now();
  return recordForIncident(ctx, { requestKey: input.requestKey, ref: cmd.ref, channelId: input.channelId, usage: USAGE.pir }, async (i, tx) => {
    const ref = incidentRef(i.id);
    const steps = await listSteps(tx, i.id);
    const pending = (kind: string, n?: number) => steps.some((s) => s.kind === kind && s.status === 'pending' && (n === undefined || s.params.n === n));
    // Step ids are unique per incident; the step count grows with every retry.
    const suffix = `-r${steps.length}`;
    const plant: StepPlan[] = [];
    const said: string[] = [];
    const [pr] = await listExternalRefs(tx, i.id, PIR_REF);
    if (pr) said.push(`the PIR is ${pr.url}`);
    else if (i.status !== 'resolved') said.push(`${ref} is ${i.status}: its PIR is opened when it is resolved`);
    else if (pending('pir_doc')) said.push('the PIR pull request is already queued');
    else plant.push(pirDocStep(`pir-doc${suffix}`, now));
    for (const a of await listActionItems(tx, i.id)) {
      if (a.issueNumber) continue;
      if (pending('pir_action_issue', a.n)) said.push(`action item ${a.n} is already queued`);
      else plant.push(actionIssueStep(a.n, now, suffix));
    }
    if (!plant.length) {
      if (!said.length) throw new DomainError('NO_CHANGE', `Nothing to retry for ${ref}.`);
      return { reply: { message: textMessage([`Nothing to retry: ${said.join('; ')}.`]) } };
    }
    const what = plant.map((p) => p.label).join(', ');
    return {
      reply: { message: textMessage([`Trying again for ${ref}: ${what}.${said.length ? ` (${said.join('; ')}.)` : ''}`]) },
      events: [{ type: 'note', at: now, actor: input.userId, text: `PIR retry requested: ${what}`, data: { retried: plant.map((p) => p.stepId) } }],
      plant,
    };
  });
}
