import { ThresholdsMode, getActiveThreshold, type GrafanaTheme2, type ThresholdsConfig } from '@grafana/data';

/** Grafana colour name ("blue", "semi-dark-red") or CSS colour → CSS colour for the current theme. */
export function resolveColor(theme: GrafanaTheme2, name: string): string {
  return theme.visualization.getColorByName(name);
}

/**
 * Colour of a statistic by the panel's thresholds, as Grafana reads them: the step with the largest value
 * at or below the statistic. In percentage mode the statistic's 0..1 scale counts as 0..100 %.
 */
export function thresholdColor(value: number, thresholds: ThresholdsConfig, theme: GrafanaTheme2): string {
  const v = thresholds.mode === ThresholdsMode.Percentage ? value * 100 : value;
  return resolveColor(theme, getActiveThreshold(v, thresholds.steps).color);
}

/** A drift decision takes the last threshold colour when drifted and the base colour otherwise. */
export function decisionColor(drifted: boolean, thresholds: ThresholdsConfig, theme: GrafanaTheme2): string {
  const steps = thresholds.steps;
  const step = drifted ? steps[steps.length - 1] : steps[0];
  return step ? resolveColor(theme, step.color) : theme.colors.text.primary;
}
