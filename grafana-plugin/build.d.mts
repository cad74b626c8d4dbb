// Types of build.mjs for the TypeScript tests that import it.
export declare const PLUGIN_DIR: string;
export declare const SHARED_PACKAGES: string[];
export declare function pluginId(): string;
export declare function pluginVersion(): string;
export declare function zipPath(version?: string): string;
export declare function writeZip(file: string, entries: Array<{ name: string; data?: Uint8Array }>, when?: Date): void;
export declare function build(options?: { outDir?: string; zip?: boolean; quiet?: boolean }): Promise<{
  outDir: string;
  zip: string | undefined;
  version: string;
}>;
