// The S3 adapter of BlobStore: the upload bucket (raw uploads and extracted text).
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { BlobStore } from '../coding/index.js';

export class S3BlobStore implements BlobStore {
  constructor(
    private readonly s3: S3Client,
    readonly bucketName: string,
  ) {}

  async getBytes(key: string, versionId?: string): Promise<Uint8Array> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucketName, Key: key, VersionId: versionId }));
    if (!out.Body) return new Uint8Array();
    return out.Body.transformToByteArray();
  }

  async putObject(key: string, body: Uint8Array | string, contentType?: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucketName, Key: key, Body: body, ContentType: contentType }));
  }

  async getText(key: string): Promise<string> {
    return new TextDecoder('utf-8').decode(await this.getBytes(key));
  }

  async getTextIfExists(key: string): Promise<string | null> {
    try {
      return await this.getText(key);
    } catch (e) {
      if (e instanceof NoSuchKey || (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
      throw e;
    }
  }

  async presignUpload(key: string, contentType: string, expiresInSeconds = 900): Promise<string> {
    return getSignedUrl(this.s3, new PutObjectCommand({ Bucket: this.bucketName, Key: key, ContentType: contentType }), {
      expiresIn: expiresInSeconds,
    });
  }

  async presignDownload(key: string, expiresInSeconds = 900): Promise<string> {
    return getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucketName, Key: key }), { expiresIn: expiresInSeconds });
  }
}
