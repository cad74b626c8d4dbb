/**
 * The bounded set of classes a classification model's confusion matrix uses: the reference's label and
 * prediction categories (top-K each) and the configured positive class, plus `__other__` for anything
 * else, so `modelwatch_classifications_total{actual,predicted}` has a fixed, pre-created set of cells.
 */
import { OTHER_BIN } from '../reference/profile-types.js';
import type { ColumnLayout } from './column-layout.js';

export const MAX_CLASSES = 50;

export class ClassIndex {
  readonly names: string[];
  private readonly index = new Map<string, number>();
  readonly other: number;

  constructor(layout: ColumnLayout, positiveClass: string | undefined) {
    const names: string[] = [];
    const add = (c: string) => {
      if (names.length < MAX_CLASSES - 1 && !names.includes(c)) names.push(c);
    };
    if (positiveClass !== undefined) add(positiveClass);
    for (const col of [layout.label, layout.prediction]) {
      if (col && col.profile.kind === 'categorical') for (const c of col.profile.categories) add(c);
    }
    names.sort();
    names.push(OTHER_BIN);
    this.names = names;
    names.forEach((n, i) => this.index.set(n, i));
    this.other = names.length - 1;
  }

  of(name: string): number {
    return this.index.get(name) ?? this.other;
  }

  get size(): number {
    return this.names.length;
  }
}
