// The contract's value types are the model's (one truth): each schema parses exactly the model's shape.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as z from 'zod';
import type * as coding from '../../../lib/coding/model.js';
import type { Page } from '../../../lib/api/contract.js';
import type * as model from '../../../lib/model.js';
import * as contract from '../../../lib/api/contract.js';
import type {
  Codebook,
  CodingAnchor,
  CodingOrigin,
  CodingStatus,
  DecisionAction,
  DocumentStatus,
  Evidence,
  ExportFormat,
  SourceFormat,
  Span,
} from '../../../lib/api/contract.js';
import type { ExportJobFormat } from '../../../lib/coding/records.js';
import type * as paging from '../../../lib/paging.js';

describe('contract value types', () => {
  it('are the model types, and the schemas produce them exactly', () => {
    expectTypeOf<z.output<typeof CodingStatus>>().toEqualTypeOf<model.CodingStatus>();
    expectTypeOf<z.output<typeof CodingOrigin>>().toEqualTypeOf<model.CodingOrigin>();
    expectTypeOf<z.output<typeof DocumentStatus>>().toEqualTypeOf<model.DocumentStatus>();
    expectTypeOf<z.output<typeof SourceFormat>>().toEqualTypeOf<model.SourceFormat>();
    expectTypeOf<z.output<typeof DecisionAction>>().toEqualTypeOf<coding.DecisionAction>();
    expectTypeOf<Required<z.output<typeof Evidence>>>().toEqualTypeOf<Required<model.Evidence>>();
    expectTypeOf<z.output<typeof Span>>().toEqualTypeOf<coding.Span>();
    // lostSpan is `Span & { text }` in the model: equal as structures, so checked both ways.
    expectTypeOf<Required<z.output<typeof CodingAnchor>>>().toExtend<Required<coding.CodingAnchor>>();
    expectTypeOf<Required<coding.CodingAnchor>>().toExtend<Required<z.output<typeof CodingAnchor>>>();
    expectTypeOf<z.output<typeof ExportFormat>>().toEqualTypeOf<ExportJobFormat>();
    expectTypeOf<z.output<typeof Codebook>>().toExtend<model.Codebook>();
    expectTypeOf<model.Codebook>().toExtend<z.output<typeof Codebook>>();
    expectTypeOf<Page<number>>().toEqualTypeOf<paging.Page<number>>();
  });
});

describe('contract names', () => {
  it('leave the model its names: a wire shape that differs from the model type of that name is a …View (…Params for a query)', () => {
    const renamed = {
      Coding: 'CodingView',
      AuditEvent: 'AuditEventView',
      Project: 'ProjectView',
      CodebookVersion: 'CodebookVersionView',
      DecisionResult: 'DecisionResultView',
      BulkUndoResult: 'BulkUndoResultView',
      AuditQuery: 'AuditQueryParams',
    };
    for (const [modelName, wireName] of Object.entries(renamed)) {
      expect(contract, modelName).not.toHaveProperty(modelName);
      expect(contract, wireName).toHaveProperty(wireName);
    }
  });
});
