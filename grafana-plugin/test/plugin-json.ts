/**
 * The rules of Grafana's plugin.json schema that apply to a panel plugin, written out for our own check
 * (required fields, the id pattern, allowed keys, types). Not a copy of the schema file.
 */
export const ID_PATTERN = /^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource|secretsmanager|transformer)$/;
const PLUGIN_TYPES = ['app', 'datasource', 'panel', 'renderer', 'secretsmanager'];
const TOP_LEVEL = [
  '$schema', 'id', 'type', 'name', 'info', 'dependencies', 'includes', 'routes', 'skipDataQuery', 'state',
  'alerting', 'annotations', 'autoEnabled', 'backend', 'builtIn', 'category', 'enterpriseFeatures', 'executable',
  'hideFromList', 'logs', 'metrics', 'preload', 'queryOptions', 'sort', 'streaming', 'tables', 'tracing', 'explore',
  'iam', 'roles', 'buildMode', 'extensions', 'languages',
];
const INFO = ['author', 'build', 'description', 'keywords', 'links', 'logos', 'screenshots', 'updated', 'version'];
const AUTHOR = ['name', 'email', 'url'];
const LOGOS = ['small', 'large'];
const DEPENDENCIES = ['grafanaDependency', 'grafanaVersion', 'plugins', 'extensions'];
/** A semver range as Grafana reads grafanaDependency: comparators, optionally joined by spaces or ||. */
const RANGE = /^\s*(?:(?:>=|<=|>|<|=|~|\^)?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?\s*)+(?:\|\|\s*(?:(?:>=|<=|>|<|=|~|\^)?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?\s*)+)*$/;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function extraKeys(obj: Json, allowed: string[], where: string, errors: string[]): void {
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) errors.push(`${where}: unknown property "${k}"`);
}

function requireKeys(obj: Json, keys: string[], where: string, errors: string[]): void {
  for (const k of keys) if (!(k in obj)) errors.push(`${where}: missing required property "${k}"`);
}

function nonEmptyString(v: unknown): boolean {
  return typeof v === 'string' && v.trim() !== '';
}

/** Problems found in a plugin.json object; empty when it follows the rules. */
export function validatePluginJson(manifest: unknown): string[] {
  const errors: string[] = [];
  if (!isObject(manifest)) return ['plugin.json: not an object'];
  requireKeys(manifest, ['type', 'name', 'id', 'info', 'dependencies'], 'plugin.json', errors);
  extraKeys(manifest, TOP_LEVEL, 'plugin.json', errors);
  if (typeof manifest.type !== 'string' || !PLUGIN_TYPES.includes(manifest.type)) errors.push(`type: "${String(manifest.type)}" is not a plugin type`);
  if (typeof manifest.id !== 'string' || !ID_PATTERN.test(manifest.id)) errors.push(`id: "${String(manifest.id)}" does not match ${ID_PATTERN}`);
  if (typeof manifest.id === 'string' && typeof manifest.type === 'string' && ID_PATTERN.test(manifest.id) && !manifest.id.endsWith(`-${manifest.type}`)) {
    errors.push(`id: "${manifest.id}" must end in -${manifest.type}`);
  }
  if (!nonEmptyString(manifest.name)) errors.push('name: must be a non-empty string');
  if (manifest.buildMode !== undefined && typeof manifest.buildMode !== 'string') errors.push('buildMode: must be a string');

  const info = manifest.info;
  if (isObject(info)) {
    requireKeys(info, ['logos', 'version', 'updated', 'keywords'], 'info', errors);
    extraKeys(info, INFO, 'info', errors);
    if (!Array.isArray(info.keywords) || info.keywords.length < 1 || !info.keywords.every(nonEmptyString)) {
      errors.push('info.keywords: needs at least one keyword');
    }
    if (!nonEmptyString(info.version)) errors.push('info.version: must be a non-empty string');
    if (!nonEmptyString(info.updated)) errors.push('info.updated: must be a non-empty string');
    if (info.description !== undefined && typeof info.description !== 'string') errors.push('info.description: must be a string');
    if (isObject(info.logos)) {
      requireKeys(info.logos, LOGOS, 'info.logos', errors);
      extraKeys(info.logos, LOGOS, 'info.logos', errors);
      for (const k of LOGOS) if (k in info.logos && !nonEmptyString(info.logos[k])) errors.push(`info.logos.${k}: must be a path`);
    } else if ('logos' in info) errors.push('info.logos: must be an object');
    if (info.author !== undefined) {
      if (!isObject(info.author)) errors.push('info.author: must be an object');
      else extraKeys(info.author, AUTHOR, 'info.author', errors);
    }
    for (const [list, keys] of [['links', ['name', 'url']], ['screenshots', ['name', 'path']]] as const) {
      const items = info[list];
      if (items === undefined) continue;
      if (!Array.isArray(items)) {
        errors.push(`info.${list}: must be an array`);
        continue;
      }
      items.forEach((item, i) => {
        if (!isObject(item)) errors.push(`info.${list}[${i}]: must be an object`);
        else {
          extraKeys(item, [...keys], `info.${list}[${i}]`, errors);
          for (const k of keys) if (!nonEmptyString(item[k])) errors.push(`info.${list}[${i}].${k}: must be a non-empty string`);
        }
      });
    }
  } else if ('info' in manifest) errors.push('info: must be an object');

  const deps = manifest.dependencies;
  if (isObject(deps)) {
    requireKeys(deps, ['grafanaDependency'], 'dependencies', errors);
    extraKeys(deps, DEPENDENCIES, 'dependencies', errors);
    if ('grafanaDependency' in deps && (typeof deps.grafanaDependency !== 'string' || !RANGE.test(deps.grafanaDependency))) {
      errors.push(`dependencies.grafanaDependency: "${String(deps.grafanaDependency)}" is not a version range`);
    }
    if (deps.plugins !== undefined && !Array.isArray(deps.plugins)) errors.push('dependencies.plugins: must be an array');
  } else if ('dependencies' in manifest) errors.push('dependencies: must be an object');
  return errors;
}
