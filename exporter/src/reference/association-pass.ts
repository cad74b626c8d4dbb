/**
 * The reference's feature–label association (concept): Cramér's V between each feature's reference bin and
 * the label's bin, over the reference rows that have a label. Needs the finished bins, so it is a second
 * pass over the reference file, run only when the model has a label column.
 */
import type { ModelConfig } from '../config/load.js';
import { binValue, buildLayout } from '../model/column-layout.js';
import { ContingencyTable, cramersV } from '../performance/association.js';
import { readCell } from './column-accumulator.js';
import type { ReferenceProfile } from './profile-types.js';
import { readTable } from './read-table.js';

/** A raw reference cell as the ingest API would carry it (numbers for numeric columns). */
function asJson(raw: unknown, numeric: boolean, missing: ReadonlySet<string>): unknown {
  if (!numeric) return raw === '' || (typeof raw === 'string' && missing.has(raw)) ? null : raw;
  const cell = readCell(raw, missing);
  return cell.kind === 'number' ? cell.value : null;
}

export async function referenceAssociation(model: ModelConfig, profile: ReferenceProfile): Promise<Record<string, number>> {
  const layout = buildLayout(profile);
  const label = layout.label;
  if (!label) return {};
  const missing = new Set(model.reference.missingValues);
  const tables = layout.features.map((f) => new ContingencyTable(f.binCount, label.binCount));
  await readTable(model.reference.path, {
    format: model.reference.format,
    onRow: (row) => {
      const lb = binValue(label, asJson(row[label.profile.source], label.numericIndex >= 0, missing));
      if (typeof lb !== 'number' || lb === label.missingIndex) return;
      layout.features.forEach((f, i) => {
        const fb = binValue(f, asJson(row[f.profile.source], f.numericIndex >= 0, missing));
        if (typeof fb === 'number') (tables[i] as ContingencyTable).add(fb - f.offset, lb - label.offset);
      });
    },
  });
  const out: Record<string, number> = {};
  layout.features.forEach((f, i) => {
    const v = cramersV(tables[i] as ContingencyTable).value;
    if (Number.isFinite(v)) out[f.profile.name] = v;
  });
  return out;
}
