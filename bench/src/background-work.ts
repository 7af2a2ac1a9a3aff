import { createScratchDatabase, findBenchServer } from './postgres/bench-server.js';
import { expirySweep, SWEEP_TOTAL } from './postgres/expiry-sweep.js';
import { workThroughput } from './postgres/work-throughput.js';
import { skippedRow, timedPart, type Scenario } from './report/scenario.js';

export const backgroundWork: Scenario = {
  id: '8',
  title: 'sweep and background work on PostgreSQL (issue 09)',
  async run(options) {
    const server = await findBenchServer();
    if (!server.ok) {
      options.log(`skipped: ${server.reason}`);
      return [
        skippedRow('8', `sweep of ${SWEEP_TOTAL.toLocaleString('en')} expired bindings`, server.reason),
        skippedRow('8', 'work items/s with 1 and 2 workers', server.reason),
      ];
    }
    const database = await createScratchDatabase(server.adminUrl);
    try {
      return [
        ...(await timedPart(options, 'sweep', () => expirySweep(options, database))),
        ...(await timedPart(options, 'work items', () => workThroughput(options, database))),
      ];
    } finally {
      await database.drop();
    }
  },
};
