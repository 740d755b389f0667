import { readFileSync } from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { buildExamples } from '../../examples/all';
import { plainApp } from '../support/harness';
import { ResourceCounts, stackResourceCounts } from '../support/resource-counts';

/** The README's "Resources per example stack" table: for each stack, the counts after the arrows. */
function readmeCounts(): Record<string, ResourceCounts> {
  const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf('**Resources per example stack**');
  expect(start).toBeGreaterThan(0);
  const rows = readme.slice(start).split('\n').filter((line) => /^\| `\w+` \|/.test(line));
  const now = (cell: string) => Number(cell.split('→').pop()!.trim());
  return Object.fromEntries(rows.map((row) => {
    const [stack, functions, kmsKeys, logGroups, stateMachines, roles] = row.split('|').slice(1, -1).map((c) => c.trim());
    return [stack.replace(/`/g, ''), {
      functions: now(functions), kmsKeys: now(kmsKeys), logGroups: now(logGroups), stateMachines: now(stateMachines), roles: now(roles),
    }];
  }));
}

test('the README\'s resource counts of the examples are those of the synthesized templates', () => {
  // Counting needs no validator: examples.test.ts runs the three validators on every example stack.
  const app: App = buildExamples(plainApp());
  const stacks = app.node.children.filter((c): c is Stack => Stack.isStack(c));
  const measured = Object.fromEntries(stacks.map((stack) => [stack.stackName, stackResourceCounts(stack)]));
  expect(readmeCounts()).toEqual(measured);
  // The point: the two copies of DatasetCopyExample share one provider, log group and log key.
  expect(measured.DatasetCopyExample).toEqual({ functions: 5, kmsKeys: 3, logGroups: 1, stateMachines: 1, roles: 7 });
});
