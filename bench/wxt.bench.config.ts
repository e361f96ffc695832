// The project's WXT config with its output moved aside, so timing a build never replaces the .output/ that
// e2e tests may be running against at that moment.
import { defineConfig } from 'wxt';
import config from '../wxt.config.ts';

export default defineConfig({ ...config, outDir: '.tmp/bench-build' });
