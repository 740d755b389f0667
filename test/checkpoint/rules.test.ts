import {
  CheckpointObject, DEFAULT_CHECKPOINT_LAYOUT, DEFAULT_COMPLETION_MARKER, DEFAULT_KEEP_LATEST, compareSteps, compileLayout,
  groupCheckpoints, keepLatestProblem, layoutProblem, markerProblem, newestCompleteMs, planRetention,
} from '../../src/checkpoint/rules';

const T0 = Date.UTC(2026, 11, 1, 0, 0, 0);

/** Objects of a checkpoint directory: shards, then the marker last when `complete`. */
function checkpoint(prefix: string, options: { complete?: boolean; shards?: number; at?: number; marker?: string } = {}): CheckpointObject[] {
  const at = options.at ?? T0;
  const shards = Array.from({ length: options.shards ?? 2 }, (_, i) => ({ key: `${prefix}__${i}_0.distcp`, sizeBytes: 1000 + i, lastModifiedMs: at }));
  return options.complete === false ? shards : [...shards, { key: `${prefix}${options.marker ?? '.metadata'}`, sizeBytes: 10, lastModifiedMs: at + 1000 }];
}

describe('defaults', () => {
  test('layout {run}/{step}/, marker .metadata (PyTorch DCP), keep the latest 2', () => {
    expect(DEFAULT_CHECKPOINT_LAYOUT).toBe('{run}/{step}/');
    expect(DEFAULT_COMPLETION_MARKER).toBe('.metadata');
    expect(DEFAULT_KEEP_LATEST).toBe(2);
  });
});

describe('layoutProblem', () => {
  test.each([
    ['{run}/{step}/'],
    ['{step}/'],
    ['{run}/step_{step}/'],
    ['{run}/checkpoints/*-step={step}-*/'],
    ['ckpt/step-*-{step}/'],
    ['jobs/{run}/global_step{step}/'],
  ])('accepts %s', (pattern) => {
    expect(layoutProblem(pattern)).toBeUndefined();
  });

  test.each([
    ['/{run}/{step}/', 'ends with "/"'],
    ['{run}/{step}', 'ends with "/"'],
    ['{run}//{step}/', 'not empty'],
    ['{run}/../{step}/', 'not empty'],
    ['{run}/', '{step} exactly once'],
    ['{step}/{run}/', '{step} exactly once, in the last segment'],
    ['{run}/{step}/{step}/', '{step} exactly once'],
    ['{run}/{run}/{step}/', '{run} at most once'],
    ['{run}-{step}/', '{run} at most once, in a segment before'],
    ['{run}/{epoch}/{step}/', 'no placeholders other than'],
    ['{run}/step {step}/', 'letters, digits'],
    ['*/{step}/', '{run} in a pattern with "*" before the step\'s segment'],
  ])('rejects %s', (pattern, expected) => {
    expect(layoutProblem(pattern)).toContain(expected);
    expect(() => compileLayout(pattern)).toThrow(`invalid checkpoint layout ${JSON.stringify(pattern)}: expected`);
  });
});

describe('compileLayout', () => {
  test('matches files inside a step directory, nested files too', () => {
    const layout = compileLayout();
    expect(layout.match('llama/12000/.metadata')).toEqual({ run: 'llama', step: '12000', directory: 'llama/12000/', file: '.metadata' });
    expect(layout.match('llama/12000/model/shard_0.pt')).toEqual({ run: 'llama', step: '12000', directory: 'llama/12000/', file: 'model/shard_0.pt' });
  });

  test('does not match a step that is not a number, a key above the directory, or a directory marker object', () => {
    const layout = compileLayout();
    expect(layout.match('llama/latest/.metadata')).toBeUndefined();
    expect(layout.match('llama/12000')).toBeUndefined();
    expect(layout.match('llama/12000/')).toBeUndefined();
    expect(layout.match('llama/12000/sub/')).toBeUndefined();
    expect(layout.match('README')).toBeUndefined();
  });

  test('NeMo-style names with wildcards, and literal text around the step', () => {
    const nemo = compileLayout('{run}/checkpoints/*-step={step}-*/');
    expect(nemo.match('gpt/checkpoints/megatron_gpt--val_loss=1.23-step=400-consumed_samples=1.0/common.pt'))
      .toMatchObject({ run: 'gpt', step: '400', file: 'common.pt' });
    const dcp = compileLayout('{run}/step_{step}/');
    expect(dcp.match('r1/step_0042/.metadata')).toMatchObject({ run: 'r1', step: '0042' });
    expect(dcp.match('r1/step_x/.metadata')).toBeUndefined();
    // Literal dots are literal, not "any character".
    expect(compileLayout('{run}/v.{step}/').match('r/vX7/f')).toBeUndefined();
  });

  test('a layout without a run: every checkpoint belongs to the run ""', () => {
    expect(compileLayout('{step}/').match('300/.metadata')).toEqual({ run: '', step: '300', directory: '300/', file: '.metadata' });
  });
});

describe('markerProblem', () => {
  test.each(['.metadata', 'done/COMPLETE', 'latest_checkpointed_iteration.txt'])('accepts %s', (marker) => {
    expect(markerProblem(marker)).toBeUndefined();
  });
  test.each(['', '/.metadata', 'done/', 'a//b', '../x', './x'])('rejects %j', (marker) => {
    expect(markerProblem(marker)).toMatch(/relative|segments/);
  });
});

describe('compareSteps', () => {
  test('numeric, any length, leading zeros ignored', () => {
    expect(compareSteps('9', '10')).toBeLessThan(0);
    expect(compareSteps('100', '99')).toBeGreaterThan(0);
    expect(compareSteps('007', '7')).toBe(0);
    expect(compareSteps('123456789012345678901234567890', '123456789012345678901234567891')).toBeLessThan(0);
    expect(compareSteps('0', '000')).toBe(0);
  });
});

describe('groupCheckpoints', () => {
  const objects = [
    ...checkpoint('ckpt/run-b/10/'),
    ...checkpoint('ckpt/run-a/9/'),
    ...checkpoint('ckpt/run-a/10/', { complete: false }),
    ...checkpoint('ckpt/run-a/100/'),
    { key: 'ckpt/run-a/notes.txt', sizeBytes: 1, lastModifiedMs: T0 },
    { key: 'elsewhere/run-a/1/.metadata', sizeBytes: 1, lastModifiedMs: T0 },
  ];
  const listing = groupCheckpoints(objects, { root: 'ckpt/' });

  test('one checkpoint per step directory, sorted by run then numeric step', () => {
    expect(listing.checkpoints.map((c) => `${c.run}/${c.step}`)).toEqual(['run-a/9', 'run-a/10', 'run-a/100', 'run-b/10']);
  });

  test('complete only with the marker; size, prefix and times', () => {
    const [a9, a10] = listing.checkpoints;
    expect(a9).toMatchObject({ complete: true, prefix: 'ckpt/run-a/9/', directory: 'run-a/9/', sizeBytes: 1000 + 1001 + 10, markerLastModifiedMs: T0 + 1000, lastModifiedMs: T0 + 1000 });
    expect(a10).toMatchObject({ complete: false, sizeBytes: 2001, markerLastModifiedMs: undefined });
  });

  test('keys under the root outside the layout are reported; keys outside the root are ignored', () => {
    expect(listing.unmatched).toEqual(['ckpt/run-a/notes.txt']);
  });

  test('a marker with another name, and a marker that is only a prefix of a file name, do not count', () => {
    const custom = groupCheckpoints([...checkpoint('r/1/', { marker: 'COMPLETE' }), ...checkpoint('r/2/')], { root: '', marker: 'COMPLETE' });
    expect(custom.checkpoints.map((c) => c.complete)).toEqual([true, false]);
    const lookalike = groupCheckpoints([{ key: 'r/3/.metadata.tmp', sizeBytes: 1, lastModifiedMs: T0 }], { root: '' });
    expect(lookalike.checkpoints[0].complete).toBe(false);
  });

  test('a marker in a subdirectory of the checkpoint is not the checkpoint\'s marker', () => {
    const nested = groupCheckpoints([{ key: 'r/3/sub/.metadata', sizeBytes: 1, lastModifiedMs: T0 }], { root: '' });
    expect(nested.checkpoints[0].complete).toBe(false);
  });

  test('rejects a root without a trailing slash and an invalid marker', () => {
    expect(() => groupCheckpoints([], { root: 'ckpt' })).toThrow('invalid checkpoints root "ckpt"');
    expect(() => groupCheckpoints([], { root: '', marker: '../x' })).toThrow('invalid completion marker "../x"');
  });
});

describe('planRetention', () => {
  function plan(layout: Array<[string, boolean]>, keep?: number) {
    const objects = layout.flatMap(([dir, complete], i) => checkpoint(dir, { complete, at: T0 + i * 60_000 }));
    return planRetention(groupCheckpoints(objects, { root: '' }).checkpoints, keep);
  }
  const steps = (list: readonly { step: string }[]) => list.map((c) => c.step);

  test('keeps the latest 2 complete checkpoints by default; older complete ones expire, oldest first', () => {
    const [run] = plan([['r/1/', true], ['r/2/', true], ['r/3/', true], ['r/4/', true]]);
    expect(steps(run.keep)).toEqual(['4', '3']);
    expect(steps(run.expired)).toEqual(['1', '2']);
  });

  test('crash in the middle: an incomplete checkpoint neither counts as kept nor expires', () => {
    // Step 5 crashed half-written; 6 is being written now. The two newest COMPLETE ones stay.
    const [run] = plan([['r/1/', true], ['r/2/', true], ['r/3/', true], ['r/4/', true], ['r/5/', false], ['r/6/', false]]);
    expect(steps(run.keep)).toEqual(['4', '3']);
    expect(steps(run.expired)).toEqual(['1', '2']);
    expect(steps(run.incomplete)).toEqual(['5', '6']);
  });

  test('an old incomplete checkpoint below expired ones is left alone, not expired', () => {
    const [run] = plan([['r/1/', false], ['r/2/', true], ['r/3/', true], ['r/4/', true]], 1);
    expect(steps(run.expired)).toEqual(['2', '3']);
    expect(steps(run.incomplete)).toEqual(['1']);
  });

  test('fewer complete checkpoints than the keep count: nothing expires', () => {
    const [run] = plan([['r/1/', true], ['r/2/', false]], 3);
    expect(steps(run.keep)).toEqual(['1']);
    expect(run.expired).toEqual([]);
  });

  test('runs are independent: each keeps its own latest', () => {
    const runs = plan([['a/1/', true], ['a/2/', true], ['b/7/', true], ['a/3/', true]], 1);
    expect(runs.map((r) => [r.run, steps(r.keep), steps(r.expired)])).toEqual([['a', ['3'], ['1', '2']], ['b', ['7'], []]]);
  });

  test('numeric order, not string order: step 10 is newer than step 9', () => {
    const [run] = plan([['r/10/', true], ['r/9/', true]], 1);
    expect(steps(run.keep)).toEqual(['10']);
  });

  test.each([0, -1, 1.5, Number.NaN, 1001])('rejects keepLatest %p', (keep) => {
    expect(keepLatestProblem(keep)).toContain('a whole number from 1 to 1000');
    expect(() => planRetention([], keep)).toThrow(`invalid keepLatest ${keep}`);
  });
});

describe('newestCompleteMs', () => {
  test('the newest marker time among complete checkpoints; undefined when none is complete', () => {
    const { checkpoints } = groupCheckpoints([
      ...checkpoint('r/1/', { at: T0 }), ...checkpoint('r/2/', { at: T0 + 5000 }), ...checkpoint('r/3/', { complete: false, at: T0 + 9000 }),
    ], { root: '' });
    expect(newestCompleteMs(checkpoints)).toBe(T0 + 6000);
    expect(newestCompleteMs(checkpoints.filter((c) => !c.complete))).toBeUndefined();
  });
});
