import { test } from 'node:test';
import assert from 'node:assert/strict';

const { logTicks } = await import('../../../build/web-unit/ticks.js');

const close = (actual, expected) => {
  assert.equal(actual.length, expected.length, `${actual} vs ${expected}`);
  actual.forEach((v, i) => assert.ok(Math.abs(v / expected[i] - 1) < 1e-12, `${actual} vs ${expected}`));
};

test('log ticks: decades when two or more fit', () => {
  close(logTicks(0.0008, 1.25), [0.001, 0.01, 0.1, 1]);
  close(logTicks(3, 4000), [10, 100, 1000]);
});

test('log ticks: 1-2-5 then integer multiples inside narrower ranges, never the padded ends', () => {
  // An MFU axis padded by 1.25 around 0.2..0.79: no "99 %" label at the top.
  close(logTicks(0.2 / 1.25, 0.794 * 1.25), [0.2, 0.5]);
  close(logTicks(0.16, 1.0), [0.2, 0.5, 1]);
  close(logTicks(2.1, 4.5), [3, 4]);
  close(logTicks(0.31, 0.46), [0.31, 0.46]); // one round value inside: the two ends instead
});
