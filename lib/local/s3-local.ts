// Runs s3rver in-process on 127.0.0.1 and hands its object events to a listener.
import { mkdirSync } from 'node:fs';
import S3rver from 's3rver';

export interface S3LocalOptions {
  /** Where objects are stored (persisted across restarts when it is not a temp dir). */
  directory: string;
  buckets?: string[];
  /** Default: a free port. */
  port?: number;
}

export interface RunningS3Local {
  endpoint: string;
  port: number;
  /** s3rver's raw events (not the real S3 shape: convert with toS3Event). */
  onEvent(listener: (event: unknown) => void): void;
  stop(): Promise<void>;
}

// The review UI PUTs uploads straight to presigned URLs from its own origin (another port on
// 127.0.0.1), so the local buckets allow cross-origin PUT/GET from loopback pages only.
const LOOPBACK_CORS = `<CORSConfiguration>
  <CORSRule><AllowedOrigin>http://127.0.0.1:*</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds></CORSRule>
  <CORSRule><AllowedOrigin>http://localhost:*</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds></CORSRule>
</CORSConfiguration>`;

export async function startS3Local(opts: S3LocalOptions): Promise<RunningS3Local> {
  mkdirSync(opts.directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: opts.port ?? 0,
    silent: true,
    directory: opts.directory,
    vhostBuckets: false,
    configureBuckets: (opts.buckets ?? []).map((name) => ({ name, configs: [LOOPBACK_CORS] })),
  });
  const addr = await server.run();
  return {
    endpoint: `http://127.0.0.1:${addr.port}`,
    port: addr.port,
    onEvent: (listener) => void server.on('event', listener),
    stop: async () => {
      server.removeAllListeners('event');
      await server.close();
    },
  };
}
