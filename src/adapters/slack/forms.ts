import type { Form, FormValues } from '../../core/form.ts';

/** A drbot form → a Slack modal view (views.open). */
export function toSlackModal(form: Form): Record<string, unknown> {
  const plain = (text: string, max: number) => ({ type: 'plain_text', text: text.slice(0, max) });
  return {
    type: 'modal',
    callback_id: form.callbackId,
    private_metadata: form.privateMetadata,
    title: plain(form.title, 24),
    submit: plain(form.submitLabel, 24),
    close: plain('Cancel', 24),
    blocks: form.fields.map((f) => {
      const options = f.options?.map((o) => ({ text: plain(o.label, 75), value: o.value }));
      const element =
        f.kind === 'select' ? { type: 'static_select', action_id: f.id, options }
        : f.kind === 'multiselect' ? { type: 'multi_static_select', action_id: f.id, options }
        : f.kind === 'checkbox' ? { type: 'checkboxes', action_id: f.id, options }
        : { type: 'plain_text_input', action_id: f.id, multiline: f.kind === 'textarea', ...(f.placeholder ? { placeholder: plain(f.placeholder, 150) } : {}), ...(f.initial ? { initial_value: f.initial } : {}) };
      return { type: 'input', block_id: f.id, optional: !!f.optional, label: plain(f.label, 2000), element };
    }),
  };
}

interface SlackStateValue {
  type: string;
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: { value: string }[];
}

/** `view.state.values` of a view_submission → the form's values. */
export function fromSlackState(values: Record<string, Record<string, SlackStateValue>>): FormValues {
  const out: FormValues = {};
  for (const [blockId, actions] of Object.entries(values ?? {})) {
    for (const v of Object.values(actions)) {
      if (v.selected_options) out[blockId] = v.selected_options.map((o) => o.value);
      else if (v.selected_option !== undefined) out[blockId] = v.selected_option?.value ?? undefined;
      else out[blockId] = v.value ?? undefined;
    }
  }
  return out;
}
