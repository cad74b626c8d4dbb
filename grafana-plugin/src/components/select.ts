import { locationService } from '@grafana/runtime';

/** Sets the dashboard variable `variable` to `value` (URL `var-<name>`), replacing the history entry. */
export function selectFeature(variable: string, value: string): void {
  const name = variable.replace(/^\$/, '').trim() || 'feature';
  locationService.partial({ [`var-${name}`]: value }, true);
}
