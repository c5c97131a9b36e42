// Loads the project's own example project (examples/) into a fresh local stack: a project, its
// codebook, and the example interviews uploaded to S3 so they go through the pipeline like any upload.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './package-root.js';
import { parseCodebook } from '../codebook/index.js';
import { uploadKey } from '../coding/upload-key.js';
import type { LocalStack } from './stack.js';

export const EXAMPLE_PROJECT = 'example';
export const LOCAL_USER = 'local';
export const examplesDir = path.join(packageRoot(), 'examples');

/** Creates the example project unless it exists; returns the file names uploaded (none when it existed). */
export async function loadExampleProject(stack: Pick<LocalStack, 'store' | 'blobs'>, dir = examplesDir): Promise<string[]> {
  if (await stack.store.getProject(EXAMPLE_PROJECT)) return [];
  await stack.store.createProject({
    id: EXAMPLE_PROJECT,
    name: 'Example: hybrid working (qualtag example project)',
    members: [LOCAL_USER],
    createdBy: LOCAL_USER,
  });
  const codebookText = readFileSync(path.join(dir, 'codebook.yaml'), 'utf8');
  const codebook = parseCodebook(codebookText, 'codebook.yaml');
  await stack.store.putCodebookVersion({
    projectId: EXAMPLE_PROJECT,
    version: codebook.version,
    codebook,
    sourceText: codebookText,
    fileName: 'codebook.yaml',
    createdBy: LOCAL_USER,
  });
  const files = readdirSync(dir)
    .filter((f) => f.startsWith('interview-'))
    .sort();
  for (const f of files) await stack.blobs.putObject(uploadKey(EXAMPLE_PROJECT, f), readFileSync(path.join(dir, f)));
  return files;
}
