// The HTTP shapes the router speaks: API Gateway HTTP API (payload 2.0) events and structured results.
// The local server converts Node requests into the same event, so both run the same code.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** An HTTP API v2 event, with the JWT authorizer's claims when API Gateway verified a token. */
export type ApiEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { jwt?: { claims?: Record<string, string | number | boolean | string[]>; scopes?: string[] | null } };
  };
};

export type ApiResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; headers: Record<string, string> };

const baseHeaders = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, headers: { 'content-type': 'application/json; charset=utf-8', ...baseHeaders, ...headers }, body: JSON.stringify(body) };
}

/** A file download (always base64, as API Gateway wants binary bodies). */
export function download(bytes: Uint8Array | string, contentType: string, fileName: string): ApiResult {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = fileName.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120) || 'export';
  return {
    statusCode: 200,
    headers: {
      'content-type': contentType,
      'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      ...baseHeaders,
    },
    body: buf.toString('base64'),
    isBase64Encoded: true,
  };
}

/** Header lookup ignoring case (API Gateway lower-cases them; hand-made events may not). */
export function header(event: ApiEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === wanted) return v;
  return undefined;
}
