#!/usr/bin/env node
/**
 * `node scripts/run.js <app> [args]`: what the npm scripts run. Builds first only when a source is
 * newer than lib/ (scripts/ensure-built.js), then runs lib/apps/<app>.js in this same process, so
 * a CLI whose lib/ is current costs one node start-up, not two.
 */
'use strict';
const path = require('path');
const { ensureBuilt } = require('./ensure-built');

const [app] = process.argv.splice(2, 1);
if (!app || !/^[a-z0-9-]+$/.test(app)) {
  process.stderr.write('usage: node scripts/run.js <app> [args]\n');
  process.exit(2);
}
if (!ensureBuilt()) process.exit(1);
require(path.join(__dirname, '..', 'lib', 'apps', `${app}.js`));
