// The extraction worker: a child process that extracts the files its pool sends it, one at a time.
// It holds no limits of its own beyond extractFile's: the pool kills it when it runs over time or memory.
import { isQualtagError } from '../errors.js';
import { extractFile } from './index.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

function reply(msg: WorkerReply): void {
  process.send?.(msg);
}

process.on('message', (msg: WorkerRequest) => {
  void (async () => {
    try {
      const doc = await extractFile(msg.bytes, msg.fileName, msg.options);
      reply({ id: msg.id, ok: true, doc });
    } catch (e) {
      if (isQualtagError(e)) {
        const prefix = e.where ? `${e.where}: ` : '';
        const message = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
        reply({ id: msg.id, ok: false, error: { kind: e.kind, message, hint: e.hint, ...(e.where !== undefined ? { where: e.where } : {}) } });
      } else {
        reply({ id: msg.id, ok: false, error: { message: e instanceof Error ? e.message : String(e) } });
      }
    }
  })();
});
// The pool's process went away: nothing is left to do.
process.on('disconnect', () => process.exit(0));
// Ready to take work (the pool counts start-up apart from the file's time budget).
reply({ id: 0, ok: true, ready: true });
