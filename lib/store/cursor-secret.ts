// The api function's page-cursor key on AWS: a secret the stack generates in Secrets Manager (never in
// the template or the function's environment), read once at cold start with the function's own grant.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { useCursorSecret } from './dynamo/cursor.js';

/** What this module needs of the SDK client (tests pass a stand-in). */
export interface SecretReader {
  send(command: GetSecretValueCommand): Promise<{ SecretString?: string | undefined }>;
}

/** Reads the secret named by `arn` and signs cursors with it from now on. */
export async function loadCursorSecret(arn: string, client: SecretReader = new SecretsManagerClient({})): Promise<void> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  if (!out.SecretString) throw new Error(`the page-cursor secret ${arn} has no string value`);
  useCursorSecret(out.SecretString);
}
