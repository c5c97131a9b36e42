// Options every API command shares: where the API is and which project.
import type { Command } from 'commander';
import { type ApiClient, apiClient, type Connection } from '../../api/client.js';
import { readLocalConnection } from '../../api/connection.js';
import { QualtagError } from '../../errors.js';
import { DATA_DIR_HELP, locateDataDir, notRunningHint } from '../../local/locate.js';

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

/** `--api` + `--token` (or QUALTAG_API / QUALTAG_TOKEN), else the running local stack (`--data-dir`, QUALTAG_DATA_DIR, see lib/local/locate.ts). */
export async function resolveConnection(opts: { api?: string; token?: string; stateDir?: string }): Promise<Connection> {
  const api = opts.api ?? process.env.QUALTAG_API;
  const token = opts.token ?? process.env.QUALTAG_TOKEN;
  if (api) {
    if (!token)
      throw new QualtagError(
        'BAD_REQUEST',
        `--api ${api} needs a token`,
        'Pass --token (or set QUALTAG_TOKEN): a Cognito ID token on AWS, the .qualtag/token locally',
        '--token',
      );
    return { url: api.replace(/\/$/, ''), token };
  }
  const located = locateDataDir(opts.stateDir);
  const stateDir = located.dataDir;
  const local = await readLocalConnection(stateDir);
  if (!local) throw new QualtagError('NOT_FOUND', `no running local qualtag stack found in ${stateDir}`, notRunningHint(located), stateDir);
  return { url: local.url, token: token ?? local.token };
}

export function connection(opts: ApiOptions): Promise<Connection> {
  return resolveConnection({
    ...(opts.api ? { api: opts.api } : {}),
    ...(opts.token ? { token: opts.token } : {}),
    ...(opts.dataDir ? { stateDir: opts.dataDir } : {}),
  });
}

export async function connect(opts: ApiOptions): Promise<{ client: ApiClient; projectId: string }> {
  const client = apiClient(await connection(opts));
  return { client, projectId: await client.chooseProject(opts.project) };
}
