import { auditWriteConcern } from '../../../src/audit/mongo';
import { isDuplicateKeyError } from '../../../src/db/duplicate-key';

describe('server-specific write behaviour', () => {
  it('asks MongoDB for majority and journal, and FerretDB for nothing it would ignore', () => {
    expect(auditWriteConcern('mongodb')).toEqual({ w: 'majority', j: true });
    expect(auditWriteConcern('ferretdb')).toBeUndefined();
  });

  it('recognises duplicate-key errors by code only', () => {
    expect(isDuplicateKeyError({ code: 11000, message: 'E11000 duplicate key error collection: x' })).toBe(true);
    expect(isDuplicateKeyError({ code: 2, message: 'E11000 lookalike' })).toBe(false);
    expect(isDuplicateKeyError(null)).toBe(false);
    expect(isDuplicateKeyError(new Error('boom'))).toBe(false);
  });
});
