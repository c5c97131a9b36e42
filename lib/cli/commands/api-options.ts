// Options every API command shares: where the API is and which project.
import type { Command } from 'commander';
import { type ApiClient, apiClient, resolveConnection, type Connection } from '../../api/client.js';
import { DATA_DIR_HELP } from '../../local/locate.js';

export interface ApiOptions {
  api?: string;
  token?: string;
  dataDir?: string;
  project?: string;
}

/** `--data-dir` and `--api`/`--token`: where the API is (shared with `ingest`). */
export function withConnectionOptions(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--api <url>', 'a deployed API instead of the local stack (or QUALTAG_API)')
    .option('--token <token>', 'bearer token for --api (or QUALTAG_TOKEN)');
}

export function withApiOptions(cmd: Command): Command {
  return withConnectionOptions(cmd).option('-p, --project <id>', 'project id (default: your only project)');
}

export function connection(opts: ApiOptions): Promise<Connection> {
  return resolveConnection({ ...(opts.api ? { api: opts.api } : {}), ...(opts.token ? { token: opts.token } : {}), ...(opts.dataDir ? { stateDir: opts.dataDir } : {}) });
}

export async function connect(opts: ApiOptions): Promise<{ client: ApiClient; projectId: string }> {
  const client = apiClient(await connection(opts));
  return { client, projectId: await client.chooseProject(opts.project) };
}
