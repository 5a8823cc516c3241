import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { InteractionsBuilder, type Interactions } from './interactions';

export const MOVIELENS_HEADER = 'userId,movieId,rating,timestamp';

/** A row the loader refused, located precisely enough to fix the file by hand. */
export class DatasetFormatError extends Error {
  constructor(
    readonly line: number,
    readonly field: string,
    readonly value: string,
    detail: string,
  ) {
    super(`line ${line}, field ${field}: ${detail} (got ${JSON.stringify(value)})`);
    this.name = 'DatasetFormatError';
  }
}

export interface ReadMovieLensOptions {
  /** 'throw' (default) stops at the first bad row; 'skip' drops bad rows and reports them. */
  invalidRows?: 'throw' | 'skip';
  /** Inclusive bounds on ratings; MovieLens uses half stars from 0.5 to 5. */
  ratingRange?: [number, number];
}

export interface ReadMovieLensResult {
  interactions: Interactions;
  /** Bad rows, in file order; empty unless invalidRows is 'skip'. */
  rejected: DatasetFormatError[];
}

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Streams a MovieLens-format ratings CSV (a file path, or the bytes of one as stored in the registry) into
 *  columnar arrays, validating every field. */
export async function readMovieLensCsv(source: string | Buffer, options: ReadMovieLensOptions = {}): Promise<ReadMovieLensResult> {
  const [minRating, maxRating] = options.ratingRange ?? [0.5, 5];
  const builder = new InteractionsBuilder();
  const rejected: DatasetFormatError[] = [];
  const input = typeof source === 'string' ? createReadStream(source, { encoding: 'utf8' }) : Readable.from([source.toString('utf8')]);
  const lines = createInterface({ input, crlfDelay: Infinity });

  let lineNo = 0;
  for await (const raw of lines) {
    lineNo++;
    if (lineNo === 1) {
      const header = raw.replace(/^\uFEFF/, '').trim();
      if (header !== MOVIELENS_HEADER) {
        lines.close();
        throw new DatasetFormatError(1, 'header', header, `expected "${MOVIELENS_HEADER}"`);
      }
      continue;
    }
    if (raw.trim() === '') continue;
    try {
      const [user, item, rating, timestamp] = parseRow(raw, lineNo, minRating, maxRating);
      builder.push(user, item, rating, timestamp);
    } catch (err) {
      if (!(err instanceof DatasetFormatError) || options.invalidRows !== 'skip') {
        lines.close();
        throw err;
      }
      rejected.push(err);
    }
  }
  if (lineNo === 0) throw new DatasetFormatError(1, 'header', '', 'file is empty');
  return { interactions: builder.build(), rejected };
}

function parseRow(raw: string, line: number, minRating: number, maxRating: number): [number, number, number, number] {
  const fields = raw.split(',');
  if (fields.length !== 4) throw new DatasetFormatError(line, 'row', raw, `expected 4 fields, found ${fields.length}`);
  const user = parseId(fields[0].trim(), line, 'userId');
  const item = parseId(fields[1].trim(), line, 'movieId');

  const ratingText = fields[2].trim();
  const rating = Number(ratingText);
  if (!DECIMAL.test(ratingText)) throw new DatasetFormatError(line, 'rating', ratingText, 'not a decimal number');
  if (rating < minRating || rating > maxRating) {
    throw new DatasetFormatError(line, 'rating', ratingText, `outside [${minRating}, ${maxRating}]`);
  }

  const timeText = fields[3].trim();
  const timestamp = Number(timeText);
  if (!INTEGER.test(timeText) || timestamp < 0 || !Number.isSafeInteger(timestamp)) {
    throw new DatasetFormatError(line, 'timestamp', timeText, 'not a non-negative integer number of seconds');
  }
  return [user, item, rating, timestamp];
}

function parseId(text: string, line: number, field: string): number {
  const value = Number(text);
  if (!INTEGER.test(text) || value < INT32_MIN || value > INT32_MAX) {
    throw new DatasetFormatError(line, field, text, 'not a 32-bit integer id');
  }
  return value;
}
