import { ensureIndexes } from '../../../src/registry';
import { ensureRoutingIndexes } from '../../../src/routing';
import { openTestDb } from '../../support/mongo';

describe('index creation at start-up', () => {
  it('can run at every start on a database that already has every index', async () => {
    const mongo = await openTestDb('indexes');
    try {
      for (let start = 0; start < 3; start++) {
        await ensureIndexes(mongo.db);
        await ensureRoutingIndexes(mongo.db);
      }
      const names = async (c: string) => (await mongo.db.collection(c).listIndexes().toArray()).map((i) => i.name).sort();
      expect(await names('artifacts.files')).toEqual(['_id_', 'content_address', 'filename_1_uploadDate_1']);
      expect(await names('audit_events')).toEqual(['_id_', 'chain_seq', 'global_seq']);
      expect(await names('route_history')).toEqual(['_id_', 'change_key', 'model_at', 'model_generation']);
    } finally {
      await mongo.close();
    }
  });
});
