import React from 'react';
import { roleLabel } from '../data/classify';
import { EXPECTED_SERIES } from '../data/metrics';
import type { Model } from '../data/model';
import type { Styles } from './styles';

interface Props {
  kind: 'loading' | 'no-data' | 'wrong-shape';
  model?: Model;
  errors?: string[];
  styles: Styles;
}

function Expected(): React.ReactElement {
  return (
    <>
      <p>This panel reads these series (one query each):</p>
      <ul>
        {EXPECTED_SERIES.map((s) => (
          <li key={s.metric}>
            {s.role}: <code>{s.metric}</code> with labels <code>{s.labels}</code>, e.g. <code>{s.query}</code>
          </li>
        ))}
      </ul>
    </>
  );
}

/** Loading, no data, or results that are not modelwatch distributions — saying what is expected. */
export function EmptyState({ kind, model, errors = [], styles }: Props): React.ReactElement {
  if (kind === 'loading') {
    return (
      <div className={styles.empty} data-testid="state-loading" role="status">
        Loading…
      </div>
    );
  }
  const title = kind === 'no-data' ? 'No data' : 'These results are not modelwatch distributions';
  return (
    <div className={styles.empty} data-testid={kind === 'no-data' ? 'state-no-data' : 'state-wrong-shape'} role="status">
      <h3>{title}</h3>
      {errors.length > 0 && (
        <ul data-testid="query-errors">
          {errors.map((e, i) => (
            <li key={i}>{e}</li>
          ))}
        </ul>
      )}
      {kind === 'no-data' && <p>The queries returned no series for this time range.</p>}
      {kind === 'wrong-shape' && model && (
        <>
          <p>Found:</p>
          <ul data-testid="found">
            {(['current', 'reference', 'drift', 'pValue', 'drifted'] as const)
              .filter((r) => model.found[r] > 0)
              .map((r) => (
                <li key={r}>
                  {roleLabel(r)}: {model.found[r]} series
                </li>
              ))}
            {model.unrecognised.map((u) => (
              <li key={`u-${u.refId}`}>
                query {u.refId || '(no refId)'}: {u.series} series with labels{' '}
                <code>{u.labelNames.length > 0 ? u.labelNames.join(', ') : '(none)'}</code>, not recognised
              </li>
            ))}
          </ul>
          {model.notes.map((n, i) => (
            <p key={`n-${i}`}>{n}</p>
          ))}
        </>
      )}
      <Expected />
    </div>
  );
}
