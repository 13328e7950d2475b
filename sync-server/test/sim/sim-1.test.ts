import { defineSeedSuite } from './seed-suite.js';

defineSeedSuite('deterministic simulation, seeds 1-150', 1, 150, { steps: 30 });
