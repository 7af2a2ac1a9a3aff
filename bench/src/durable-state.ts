import { bindingThroughput } from './postgres/binding-throughput.js';
import { bytesPerBinding } from './postgres/bytes-per-binding.js';
import { casContention, CONTENDERS } from './postgres/cas-contention.js';
import { createScratchDatabase, findBenchServer, type ScratchDatabase } from './postgres/bench-server.js';
import { skippedRow, timedPart, type ResultRow, type Scenario } from './report/scenario.js';

export const durableState: Scenario = {
  id: '7',
  title: 'durable state on PostgreSQL (issue 08)',
  async run(options) {
    const server = await findBenchServer();
    if (!server.ok) options.log(`PostgreSQL rows skipped: ${server.reason}`);
    const database: ScratchDatabase | undefined = server.ok
      ? await createScratchDatabase(server.adminUrl)
      : undefined;
    const skipReason = server.ok ? '' : server.reason;
    try {
      const rows: ResultRow[] = [];
      rows.push(
        ...(await timedPart(options, 'bindings', () => bindingThroughput(options, database, skipReason))),
      );
      if (database) {
        rows.push(
          ...(await timedPart(options, 'CAS', () => casContention(options, database))),
          ...(await timedPart(options, 'bytes', () => bytesPerBinding(options, database))),
        );
      } else {
        rows.push(
          skippedRow('7', `CAS, ${CONTENDERS} concurrent updates of one version`, skipReason),
          skippedRow('7', 'bytes per binding on PostgreSQL', skipReason),
        );
      }
      return rows;
    } finally {
      await database?.drop();
    }
  },
};
