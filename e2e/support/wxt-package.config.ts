// The project's WXT config with its output moved to PACKAGE_OUT_DIR, so the store-package test can zip the
// extension without replacing the .output/ that other e2e suites (or a developer) may be using at that moment.
import { defineConfig } from 'wxt';
import config from '../../wxt.config.ts';

const outDir = process.env.PACKAGE_OUT_DIR;
if (!outDir) throw new Error('PACKAGE_OUT_DIR must name the folder to write the packages to');

export default defineConfig({ ...config, outDir });
