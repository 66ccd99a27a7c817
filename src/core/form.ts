/** A form a person fills in: a Slack modal, or questions asked one by one on the console. */
export interface FormField {
  id: string;
  label: string;
  kind: 'text' | 'textarea' | 'select' | 'checkbox' | 'multiselect';
  options?: { value: string; label: string }[];
  optional?: boolean;
  initial?: string;
  placeholder?: string;
}

export interface Form {
  /** Identifies the submission handler, e.g. `declare`, `incident.resolve`. */
  callbackId: string;
  title: string;
  submitLabel: string;
  fields: FormField[];
  /** Carried back untouched on submit (e.g. the incident id). */
  privateMetadata: string;
}

/** What came back: text fields as strings, checkboxes and multiselects as lists of values. */
export type FormValues = Record<string, string | string[] | undefined>;
