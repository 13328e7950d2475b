import { defineSeedSuite } from './seed-suite.js';

defineSeedSuite('deterministic simulation, seeds 151-300', 151, 150, { steps: 30 });
