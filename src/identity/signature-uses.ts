import type { Db } from 'mongodb';
import type { ProvenIdentity } from '../contracts/identity';
import { isDuplicateKeyError } from '../db/duplicate-key';

export const SIGNATURE_USES = 'signature_uses';

/** A nonce spent: by whom, for which use, and the verdict it earned, so a retried check returns the same verdict. */
export interface SignatureUse {
  /** The nonce: each signature counts once, wherever it is sent. */
  _id: string;
  useKey: string;
  signer: string;
  at: Date;
  identity: ProvenIdentity;
}

export interface SignatureUses {
  find(nonce: string): Promise<SignatureUse | null>;
  /** Spends the nonce; if it was spent meanwhile, returns that earlier use instead. */
  claim(use: SignatureUse): Promise<SignatureUse>;
}

export function createSignatureUses(db: Db): SignatureUses {
  const uses = db.collection<SignatureUse>(SIGNATURE_USES);
  return {
    find: (nonce) => uses.findOne({ _id: nonce }),
    async claim(use) {
      try {
        await uses.insertOne(use);
        return use;
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        return (await uses.findOne({ _id: use._id }))!;
      }
    },
  };
}
