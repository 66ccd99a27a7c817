/**
 * Minimal Block Kit checks, HAND-WRITTEN from Slack's Block Kit reference (docs.slack.dev/reference/block-kit):
 * the Web API description types `blocks` and `view` as plain strings, so nothing in it describes
 * their content. Only the limits that are cheap to check and that drbot can plausibly break are
 * here; Slack itself answers `invalid_blocks` for these. Two rules are drbot's own, not Slack's,
 * and are marked DRBOT RULE: every button has an `action_id` (Slack would generate one, but drbot
 * routes clicks by it) and every modal has a `callback_id` (drbot routes submissions by it).
 */
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Block types from the Block Kit reference. An unknown type is refused by Slack (`invalid_blocks`). */
const BLOCK_TYPES = new Set([
  'actions', 'context', 'context_actions', 'divider', 'file', 'header', 'image', 'input', 'markdown',
  'rich_text', 'section', 'table', 'video',
]);

class Checker {
  readonly problems: string[] = [];
  add(where: string, msg: string): void {
    this.problems.push(`${where}: ${msg}`);
  }

  /** A text object: `{ type: plain_text | mrkdwn, text }`, with a maximum length. */
  text(where: string, t: unknown, max: number, plainOnly = false): void {
    if (!isObj(t)) return this.add(where, 'must be a text object');
    if (t.type !== 'plain_text' && (plainOnly || t.type !== 'mrkdwn')) {
      return this.add(where, `type must be ${plainOnly ? "'plain_text'" : "'plain_text' or 'mrkdwn'"}, got ${JSON.stringify(t.type)}`);
    }
    if (typeof t.text !== 'string' || t.text.length === 0) return this.add(where, 'text must be a non-empty string');
    if (t.text.length > max) this.add(where, `text is ${t.text.length} characters, the maximum is ${max}`);
    if (t.type === 'mrkdwn' && 'emoji' in t) this.add(where, "'emoji' is only allowed on plain_text");
  }

  maxLen(where: string, v: unknown, max: number): void {
    if (v === undefined) return;
    if (typeof v !== 'string') return this.add(where, 'must be a string');
    if (v.length > max) this.add(where, `is ${v.length} characters, the maximum is ${max}`);
  }

  count(where: string, v: unknown, min: number, max: number): v is unknown[] {
    if (!Array.isArray(v)) return this.add(where, 'must be an array'), false;
    if (v.length < min || v.length > max) this.add(where, `has ${v.length} items, allowed ${min}..${max}`);
    return true;
  }

  /** Interactive and input elements: buttons, selects, text inputs, checkboxes … */
  element(where: string, e: unknown, actionIds: Set<string>): void {
    if (!isObj(e) || typeof e.type !== 'string') return this.add(where, 'must be an element object with a type');
    if (e.action_id !== undefined) {
      this.maxLen(`${where}.action_id`, e.action_id, 255);
      // Slack: "Should be unique among all other action_ids in the containing block."
      if (actionIds.has(String(e.action_id))) this.add(where, `action_id ${JSON.stringify(e.action_id)} is used twice in the same block`);
      actionIds.add(String(e.action_id));
    }
    switch (e.type) {
      case 'button':
        this.text(`${where}.text`, e.text, 75, true);
        if (typeof e.action_id !== 'string' || !e.action_id) this.add(where, 'DRBOT RULE: a button needs an action_id (drbot routes clicks by it)');
        this.maxLen(`${where}.value`, e.value, 2000);
        this.maxLen(`${where}.url`, e.url, 3000);
        if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger') this.add(`${where}.style`, `must be 'primary' or 'danger', got ${JSON.stringify(e.style)}`);
        return;
      case 'plain_text_input':
        if (e.placeholder !== undefined) this.text(`${where}.placeholder`, e.placeholder, 150, true);
        return;
      case 'static_select':
      case 'multi_static_select':
        if (e.placeholder !== undefined) this.text(`${where}.placeholder`, e.placeholder, 150, true);
        if ((e.options === undefined) === (e.option_groups === undefined)) return this.add(where, "needs exactly one of 'options' or 'option_groups'");
        if (e.options !== undefined) this.options(`${where}.options`, e.options, 100, true);
        return;
      case 'checkboxes':
      case 'radio_buttons':
        this.options(`${where}.options`, e.options, 10, false);
        return;
      default:
        return; // Other elements (datepicker, users_select, overflow …) are accepted unchecked.
    }
  }

  options(where: string, opts: unknown, max: number, plainOnly: boolean): void {
    if (!this.count(where, opts, 1, max)) return;
    opts.forEach((o, i) => {
      if (!isObj(o)) return this.add(`${where}[${i}]`, 'must be an option object');
      this.text(`${where}[${i}].text`, o.text, 75, plainOnly);
      if (typeof o.value !== 'string') this.add(`${where}[${i}].value`, 'must be a string');
      else this.maxLen(`${where}[${i}].value`, o.value, 150);
    });
  }

  block(where: string, b: unknown, blockIds: Set<string>): void {
    if (!isObj(b) || typeof b.type !== 'string') return this.add(where, 'must be a block object with a type');
    if (!BLOCK_TYPES.has(b.type)) return this.add(where, `unknown block type ${JSON.stringify(b.type)}`);
    if (b.block_id !== undefined) {
      this.maxLen(`${where}.block_id`, b.block_id, 255);
      // Slack: "block_id should be unique for each message".
      if (blockIds.has(String(b.block_id))) this.add(where, `block_id ${JSON.stringify(b.block_id)} is used twice`);
      blockIds.add(String(b.block_id));
    }
    const actionIds = new Set<string>();
    switch (b.type) {
      case 'header':
        return this.text(`${where}.text`, b.text, 150, true);
      case 'section':
        if (b.text === undefined && b.fields === undefined) return this.add(where, "a section needs 'text' or 'fields'");
        if (b.text !== undefined) this.text(`${where}.text`, b.text, 3000);
        if (b.fields !== undefined && this.count(`${where}.fields`, b.fields, 1, 10)) {
          b.fields.forEach((f, i) => this.text(`${where}.fields[${i}]`, f, 2000));
        }
        if (b.accessory !== undefined) this.element(`${where}.accessory`, b.accessory, actionIds);
        return;
      case 'context':
        if (this.count(`${where}.elements`, b.elements, 1, 10)) {
          b.elements.forEach((e, i) => (isObj(e) && e.type === 'image' ? undefined : this.text(`${where}.elements[${i}]`, e, 3000)));
        }
        return;
      case 'actions':
        if (this.count(`${where}.elements`, b.elements, 1, 25)) b.elements.forEach((e, i) => this.element(`${where}.elements[${i}]`, e, actionIds));
        return;
      case 'input':
        this.text(`${where}.label`, b.label, 2000, true);
        if (b.hint !== undefined) this.text(`${where}.hint`, b.hint, 2000, true);
        if (b.optional !== undefined && typeof b.optional !== 'boolean') this.add(`${where}.optional`, 'must be a boolean');
        if (b.element === undefined) return this.add(where, "an input block needs an 'element'");
        return this.element(`${where}.element`, b.element, actionIds);
      default:
        return;
    }
  }

  blocks(where: string, blocks: unknown, max: number): void {
    if (!this.count(where, blocks, 0, max)) return;
    const blockIds = new Set<string>();
    blocks.forEach((b, i) => this.block(`${where}[${i}]`, b, blockIds));
  }
}

/** Problems with a message's `blocks` (chat.postMessage / update / postEphemeral): at most 50 blocks. */
export function checkMessageBlocks(blocks: unknown, where = 'blocks'): string[] {
  const c = new Checker();
  c.blocks(where, blocks, 50);
  return c.problems;
}

/** Problems with a modal `view` (views.open / push / update). */
export function checkModalView(view: unknown, where = 'view'): string[] {
  const c = new Checker();
  if (!isObj(view)) return [`${where}: must be an object`];
  if (view.type !== 'modal') c.add(`${where}.type`, `must be 'modal' for views.open, got ${JSON.stringify(view.type)}`);
  c.text(`${where}.title`, view.title, 24, true);
  if (view.submit !== undefined) c.text(`${where}.submit`, view.submit, 24, true);
  if (view.close !== undefined) c.text(`${where}.close`, view.close, 24, true);
  if (typeof view.callback_id !== 'string' || !view.callback_id) c.add(where, 'DRBOT RULE: a modal needs a callback_id (drbot routes submissions by it)');
  c.maxLen(`${where}.callback_id`, view.callback_id, 255);
  c.maxLen(`${where}.private_metadata`, view.private_metadata, 3000);
  c.blocks(`${where}.blocks`, view.blocks, 100);
  // Slack: `submit` is required when the view has an input block.
  const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === 'input');
  if (hasInput && view.submit === undefined) c.add(where, "a modal with input blocks needs 'submit'");
  return c.problems;
}
