import type { Clock } from '../../src/clock.js';

export class ManualClock implements Clock {
  private current: number;

  constructor(iso: string) {
    this.current = Date.parse(iso);
  }

  now(): number {
    return this.current;
  }

  set(iso: string): void {
    this.current = Date.parse(iso);
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
