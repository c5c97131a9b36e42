// The use-case suite on the DynamoDB adapter against DynamoDB Local (the same suite runs on the
// in-memory store in tests/unit/coding/use-cases.test.ts).
import { describeUseCases } from '../../helpers/use-cases.js';
import { testStore } from '../helpers/services.js';

describeUseCases('DynamoStore on DynamoDB Local', async () => (await testStore('store')).store);
