// Who is calling, and may they see this project?
// - AWS: API Gateway's JWT authorizer (Cognito) has verified the token; the user is its `sub` claim.
// - Local: `Authorization: Bearer <token>`; tokens map to local users and are compared in constant time.
// Either way, a project is visible only to its members (403 otherwise).
import { createHash, timingSafeEqual } from 'node:crypto';
import { QualtagError } from '../errors.js';
import type { Project, ProjectStore } from '../coding/index.js';
import { UnauthorizedError } from './errors.js';
import { header, type ApiEvent } from './http.js';

/** Resolves the caller's user id, or throws UnauthorizedError. */
export type Authenticator = (event: ApiEvent) => string;

export function jwtAuthenticator(): Authenticator {
  return (event) => {
    const sub = event.requestContext.authorizer?.jwt?.claims?.sub;
    if (typeof sub !== 'string' || !sub) throw new UnauthorizedError('Sign in again: the request carried no verified user');
    return sub;
  };
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Bearer tokens → user ids. Every token is compared (fixed-length digests), so timing reveals nothing. */
export function tokenAuthenticator(tokens: ReadonlyArray<{ token: string; userId: string }>): Authenticator {
  const known = tokens.map((t) => ({ d: digest(t.token), userId: t.userId }));
  return (event) => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header(event, 'authorization') ?? '');
    if (!m) throw new UnauthorizedError('Send `Authorization: Bearer <token>`; `npm start` prints the token (it is stored under .qualtag/)');
    const d = digest(m[1]!);
    let user: string | undefined;
    for (const k of known) if (timingSafeEqual(d, k.d) && user === undefined) user = k.userId;
    if (user === undefined) throw new UnauthorizedError('The token is not valid for this server; use the one `npm start` printed (under .qualtag/)');
    return user;
  };
}

/** The project when the user is a member; 404 when it does not exist, 403 when they are not a member. */
export async function requireMember(store: Pick<ProjectStore, 'getProject'>, projectId: string, userId: string): Promise<Project> {
  const project = await store.getProject(projectId);
  if (!project) throw new QualtagError('NOT_FOUND', `project "${projectId}" does not exist`, 'List your projects with GET /projects', 'projectId');
  if (!project.members.includes(userId)) {
    throw new QualtagError('FORBIDDEN', `you are not a member of project "${projectId}"`, 'Ask a project member to add you', 'projectId');
  }
  return project;
}

/** The project when the user created it (its owner); 403 for the other members. */
export function requireOwner(project: Project, userId: string): Project {
  if (project.createdBy !== userId) {
    throw new QualtagError('FORBIDDEN', `only the owner of project "${project.id}" may do this`, 'Ask the person who created the project', 'projectId');
  }
  return project;
}
