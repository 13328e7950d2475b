import { configure } from '@testing-library/react';

// findBy*/waitFor give up after 1 s by default. Lazy chunks transform their modules on first load,
// which takes seconds on a loaded CI machine: wait up to 10 s (they return as soon as they match).
configure({ asyncUtilTimeout: 10_000 });
