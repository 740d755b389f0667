import { BoundedQueue } from '../../../src/transfer/engine/queue';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('BoundedQueue', () => {
  test('push waits while the queue is full; pop hands items out in order', async () => {
    const queue = new BoundedQueue<number>(2);
    expect(await queue.push(1)).toBe(true);
    expect(await queue.push(2)).toBe(true);
    let third: boolean | undefined;
    void queue.push(3).then((taken) => { third = taken; });
    await tick();
    expect(third).toBeUndefined(); // full: the producer waits
    expect(await queue.pop()).toBe(1);
    await tick();
    expect(third).toBe(true);
    expect([await queue.pop(), await queue.pop()]).toEqual([2, 3]);
  });

  test('a waiting pop gets the next push; close ends waiting pops with undefined', async () => {
    const queue = new BoundedQueue<string>(1);
    const waiting = queue.pop();
    await queue.push('a');
    expect(await waiting).toBe('a');
    const ended = queue.pop();
    queue.close();
    expect(await ended).toBeUndefined();
    expect(await queue.push('b')).toBe(false);
  });

  test('drain drops what is queued and releases a waiting producer with false', async () => {
    const queue = new BoundedQueue<number>(1);
    await queue.push(1);
    const blocked = queue.push(2);
    queue.drain();
    expect(await blocked).toBe(false);
    expect(await queue.pop()).toBeUndefined();
  });
});
