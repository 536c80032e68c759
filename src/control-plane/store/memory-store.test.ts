import { runConfigStoreCases } from './config-store-cases.js';
import { createMemoryStore } from './memory-store.js';

runConfigStoreCases('memory store', async (options) => {
  const store = createMemoryStore(options);
  return { store, cleanup: () => store.close() };
});
