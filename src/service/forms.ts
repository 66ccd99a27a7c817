/** The forms drbot opens (declare, and the card's update / severity / resolve). */
import type { Form } from '../core/form.ts';
import { OPEN_STATUSES, incidentRef } from '../core/incident.ts';
import { SEVERITIES, severityLabel } from '../core/severity.ts';

const severityOptions = SEVERITIES.map((s) => ({ value: `sev${s}`, label: severityLabel(s) }));

export function declareForm(isPrivate: boolean): Form {
  return {
    callbackId: 'declare',
    title: 'Declare an incident',
    submitLabel: 'Declare',
    privateMetadata: JSON.stringify({ private: isPrivate }),
    fields: [
      { id: 'severity', label: 'Severity', kind: 'select', options: severityOptions },
      { id: 'title', label: 'Title', kind: 'text', placeholder: 'Lagos region unreachable' },
      { id: 'impact', label: 'Impact', kind: 'textarea', optional: true, placeholder: 'Who or what is affected' },
      { id: 'compliance', label: 'Compliance impact', kind: 'checkbox', optional: true, options: [{ value: 'yes', label: 'Regulator must be notified' }] },
      { id: 'services', label: 'Affected services (comma separated)', kind: 'text', optional: true },
    ],
  };
}

export function incidentForm(kind: 'update' | 'sev' | 'resolve', incidentId: number): Form {
  const meta = JSON.stringify({ incident: incidentId });
  const ref = incidentRef(incidentId);
  switch (kind) {
    case 'update':
      return {
        callbackId: 'incident.update', title: `Update ${ref}`, submitLabel: 'Post', privateMetadata: meta,
        fields: [
          { id: 'status', label: 'Status', kind: 'select', optional: true, options: OPEN_STATUSES.map((s) => ({ value: s, label: s })) },
          { id: 'text', label: 'What changed', kind: 'textarea' },
        ],
      };
    case 'sev':
      return {
        callbackId: 'incident.sev', title: `Severity of ${ref}`, submitLabel: 'Change', privateMetadata: meta,
        fields: [
          { id: 'severity', label: 'New severity', kind: 'select', options: severityOptions },
          { id: 'reason', label: 'Reason', kind: 'text' },
        ],
      };
    case 'resolve':
      return {
        callbackId: 'incident.resolve', title: `Resolve ${ref}`, submitLabel: 'Resolve', privateMetadata: meta,
        fields: [{ id: 'summary', label: 'Summary (what happened, what fixed it)', kind: 'textarea' }],
      };
  }
}
