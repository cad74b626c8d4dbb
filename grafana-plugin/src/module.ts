import { FieldConfigProperty, PanelPlugin } from '@grafana/data';
import { DistributionPanel } from './components/DistributionPanel';
import { DEFAULT_THRESHOLDS, addPanelOptions } from './options';
import type { DistributionOptions } from './types';

export const plugin = new PanelPlugin<DistributionOptions>(DistributionPanel)
  .useFieldConfig({
    // Only the thresholds apply: they colour the drift statistic (Grafana's threshold conventions).
    disableStandardOptions: [
      FieldConfigProperty.Unit,
      FieldConfigProperty.Min,
      FieldConfigProperty.Max,
      FieldConfigProperty.Decimals,
      FieldConfigProperty.DisplayName,
      FieldConfigProperty.NoValue,
      FieldConfigProperty.Mappings,
      FieldConfigProperty.Links,
      FieldConfigProperty.Color,
      FieldConfigProperty.Filterable,
      FieldConfigProperty.FieldMinMax,
      FieldConfigProperty.Actions,
    ],
    standardOptions: {
      [FieldConfigProperty.Thresholds]: { defaultValue: DEFAULT_THRESHOLDS },
    },
  })
  .setPanelOptions(addPanelOptions);
