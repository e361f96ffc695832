// Types for the part of Mozilla's addons-linter Node API the store-package test uses (the package ships none).
declare module 'addons-linter' {
  export interface LinterMessage {
    code: string;
    message: string;
    description: string | string[];
    file?: string;
    line?: number;
    column?: number;
  }

  export interface LinterResult {
    count: number;
    summary: { errors: number; warnings: number; notices: number };
    errors: LinterMessage[];
    warnings: LinterMessage[];
    notices: LinterMessage[];
  }

  export interface LinterConfig {
    /** The add-on to lint: an .xpi/.zip file or a directory. */
    _: string[];
    logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
    stack: boolean;
    pretty: boolean;
    warningsAsErrors: boolean;
    metadata: boolean;
    output: 'json' | 'text' | 'none';
    boring: boolean;
    selfHosted: boolean;
  }

  const linter: {
    createInstance(options: { config: LinterConfig; runAsBinary: boolean }): { run(): Promise<LinterResult> };
  };
  export default linter;
}
