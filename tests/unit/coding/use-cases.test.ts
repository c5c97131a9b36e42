// The use-case suite on the in-memory store (the same suite runs on DynamoDB Local in
// tests/integration/store/use-cases.test.ts).
import { memoryStore } from '../../helpers/memory-store.js';
import { describeUseCases } from '../../helpers/use-cases.js';

describeUseCases('the in-memory store', memoryStore);
