import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configReference, README_END, README_START, withReference } from '../../src/config/docs.ts';
import { envSchema } from '../../src/config/env.ts';
import { ROOT } from '../helpers/paths.ts';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('README', () => {
  it('has the configuration reference generated from the zod schemas (run `npm run config-docs` after changing them)', () => {
    expect(readme).toContain(README_START);
    expect(readme).toContain(README_END);
    expect(withReference(readme)).toBe(readme);
  });

  it('documents every environment variable drbot reads, secrets marked', () => {
    const ref = configReference();
    for (const name of Object.keys(envSchema.shape)) expect(ref).toContain(`| \`${name}\` |`);
    expect(ref).toMatch(/\| `SLACK_BOT_TOKEN` \|[^\n]*\*\*\(secret\)\*\*/);
  });

  it('shows the two set-up commands and the test command', () => {
    expect(readme).toMatch(/npm install\nnpm start/);
    expect(readme).toContain('`npm test`');
  });
});
