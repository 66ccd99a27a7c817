import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isDrillRecord, type DrillScenario } from '../core/drill.ts';
import type { RecoveryObjectives } from '../core/objectives.ts';
import { checkParams, planRun, PHASES, type Runbook } from '../core/runbook.ts';
import { compileTemplate, missingFields, TemplateError, type Template } from '../templates/engine.ts';
import { drillFileSchema } from './drillSchema.ts';
import { readYamlFile } from './readYaml.ts';
import { readFileSync } from 'node:fs';
import { sampleDrillReportDoc } from '../core/drillReport.ts';

/**
 * drills/*.yml, each checked against the runbooks it names (a drill target must pass the
 * runbook's own parameter rules, and every Route 53 record it would change must be a drill
 * record) and the services of the recovery objectives.
 */
export function loadDrills(base: string, runbooks: Runbook[], objectives: RecoveryObjectives | undefined, problems: string[]): DrillScenario[] {
  const dir = join(base, 'drills');
  if (!existsSync(dir)) return [];
  const out: DrillScenario[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.yml') || n.endsWith('.yaml')).sort()) {
    const file = `drills/${f}`;
    const parsed = readYamlFile(join(dir, f), drillFileSchema, base);
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      continue;
    }
    const d = parsed.value;
    const stem = f.replace(/\.ya?ml$/, '');
    if (d.name !== stem) problems.push(`${file}: name: expected "${stem}" (the file name) (got "${d.name}")`);
    if (out.some((o) => o.name === d.name)) problems.push(`${file}: name: "${d.name}" is already the name of another drill`);
    if (objectives) {
      d.services.forEach((s, i) => {
        if (!objectives.services[s.toLowerCase()]) problems.push(`${file}: services[${i}]: unknown service "${s}" (expected one listed under recovery_objectives.tiers in drbot.yml)`);
      });
    }
    d.runbooks.forEach((r, i) => {
      const at = `${file}: runbooks[${i}]`;
      const rb = runbooks.find((x) => x.name === r.name);
      if (!rb) {
        problems.push(`${at}.name: unknown runbook "${r.name}" (expected one of ${runbooks.map((x) => x.name).join(', ') || 'none: commands/ is empty'})`);
        return;
      }
      if (!r.params) return;
      let params: Record<string, string>;
      try {
        params = checkParams(rb, r.params);
      } catch (e) {
        problems.push(`${at}.params: ${(e as Error).message}`);
        return;
      }
      const plan = planRun(rb, params);
      for (const phase of PHASES) {
        plan[phase].forEach((a) => {
          if (a.kind === 'route53' && !isDrillRecord(a.name)) {
            problems.push(`${at}.params: "${a.label}" would change ${a.name}, a production record (expected drill targets: a record whose name starts with drill., e.g. drill.${a.name})`);
          }
          if (a.kind === 'http' || a.kind === 'exec') {
            problems.push(`${at}.params: "${a.label}" is an ${a.kind} action, which cannot be pointed at a drill target (expected a runbook of route53 and health_check actions; leave out params to rehearse it)`);
          }
        });
      }
    });
    out.push({
      name: d.name, description: d.description, kind: d.kind, severity: d.severity, title: d.title ?? d.description, services: d.services,
      runbooks: d.runbooks.map((r) => ({ name: r.name, params: r.params })),
      injects: d.injects.map((x) => ({ atMs: x.at, text: x.text })),
      success: { allNotifiedWithinSla: d.success.all_notified_within_sla, rtoMs: d.success.rto, rpoMs: d.success.rpo, healthChecksPass: d.success.health_checks_pass },
      file,
    });
  }
  return out;
}

const REPORT = 'templates/drill-report.md.hbs';

/** templates/drill-report.md.hbs, checked against a sample report (every field it names must exist). */
export function loadDrillReportTemplate(base: string, problems: string[], required: boolean): Template | undefined {
  const path = join(base, REPORT);
  if (!existsSync(path)) {
    if (required) problems.push(`${REPORT}: file not found (drills/ has scenarios, and their report is rendered with it; restore it from the drbot repository)`);
    return undefined;
  }
  try {
    const tpl = compileTemplate(REPORT, readFileSync(path, 'utf8'), 'text');
    for (const f of missingFields(tpl, sampleDrillReportDoc())) problems.push(`${REPORT}: uses the field "${f}", which drbot does not provide`);
    return tpl;
  } catch (e) {
    if (e instanceof TemplateError) problems.push(`${REPORT}: ${e.message.replace(/^template \S+: /, '')}`);
    else throw e;
    return undefined;
  }
}
