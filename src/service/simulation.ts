/**
 * The one place messages learn that an integration is simulated (DRBOT_SIMULATE): a port whose
 * adapter is the built-in simulation carries a `simulated` label, and every step detail, run
 * result, approval preview and timeline line that touched it ends with that label.
 */
import type { StepOutcome } from '../core/steps.ts';
import type { IntegrationPorts, MaybeSimulated } from '../ports.ts';

/** `text`, followed by the port's simulation label when it is simulated (once). */
export function labelled(port: MaybeSimulated, text: string): string {
  return port.simulated && !text.includes(port.simulated) ? `${text} — ${port.simulated}` : text;
}

/** A step outcome whose detail says which of the ports it used are simulated (a skipped step used none). */
export function labelOutcome(ports: MaybeSimulated[], o: StepOutcome): StepOutcome {
  return o.status === 'skipped' ? o : { ...o, detail: ports.reduce((d, p) => labelled(p, d), o.detail) };
}

/** The ports a step kind calls out through (named so `defineStep` can label its outcomes). */
export type PortName = keyof Omit<IntegrationPorts, 'actions'>;
