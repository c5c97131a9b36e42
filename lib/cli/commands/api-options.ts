// Options every API command shares: where the API is and which project.
import type { Command } from 'commander';
import { ApiClient, resolveConnection } from '../../api/client.js';

export interface ApiOptions {
  api?: string;
  token?: string;
  project?: string;
}

export function withApiOptions(cmd: Command): Command {
  return cmd
    .option('--api <url>', 'API base URL (default: the running local stack, from .qualtag/)')
    .option('--token <token>', 'bearer token for --api (or QUALTAG_TOKEN)')
    .option('-p, --project <id>', 'project id (default: your only project)');
}

export async function connect(opts: ApiOptions): Promise<{ client: ApiClient; projectId: string }> {
  const client = new ApiClient(await resolveConnection({ ...(opts.api ? { api: opts.api } : {}), ...(opts.token ? { token: opts.token } : {}) }));
  return { client, projectId: await client.chooseProject(opts.project) };
}
