// Types of build.mjs for the TypeScript tests that import it.
export declare const DASHBOARDS_DIR: string;
export declare const DASHBOARDS: Readonly<Record<string, Record<string, unknown>>>;
export declare function render(dashboard: Record<string, unknown>): string;
export declare function renderAll(): Record<string, string>;
export declare function outdated(dir?: string): string[];
