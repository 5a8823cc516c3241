import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from 'mongodb';
import { createIdentityActivities } from '../../../activities/identity';
import { createAuditLog } from '../../../src/audit';
import { addPerson, grantsOf } from '../../../src/identity/admin';
import { generateKeyPair, readPrivateKey } from '../../../src/identity/keys';
import { signAction } from '../../../src/identity/signed-fields';
import { createRegistry } from '../../../src/registry';

/**
 * What answering an approval Update costs the worker: the signed decision checked against the people registry and
 * its nonce spent (the `verifyIdentity` activity), then the decision appended to the audit log. Enrols a new
 * approver each run, signed by the bench's admin, whose key is kept in `folder` beside the database it was enrolled in.
 */
export async function approvalAnswer(db: Db, folder: string, model: string, version: string): Promise<() => Promise<unknown>> {
  const auditLog = createAuditLog(db);
  const adminFile = join(folder, 'bench-admin.pem');
  if (!(await db.collection('people').findOne({ _id: 'bench-admin' as never })) || !existsSync(adminFile)) {
    const admin = generateKeyPair();
    await db.collection('people').deleteOne({ _id: 'bench-admin' as never });
    await addPerson(db, auditLog, { name: 'bench-admin', publicKey: admin.publicKey, grants: grantsOf(['admin'], []), admin: null });
    writeFileSync(adminFile, admin.privateKeyPem, { mode: 0o600 });
  }
  const adminKey = readPrivateKey(readFileSync(adminFile, 'utf8'));
  const bob = generateKeyPair();
  const approver = `bob-${Date.now()}`;
  await addPerson(db, auditLog, { name: approver, publicKey: bob.publicKey, grants: grantsOf(['approver'], []), admin: { name: 'bench-admin', key: adminKey } });
  const key = readPrivateKey(bob.privateKeyPem);
  const sha = (await createRegistry(db).getVersion(model, version))!.artifact.sha256;
  const { verifyIdentity } = createIdentityActivities(db, createRegistry(db));
  const pipelineId = `deploy-${model}-${version}`;
  let n = 0;
  return async () => {
    const comment = `approval-by-${approver}-${n++}`;
    const signature = signAction({ model, version, action: 'approve', comment, signer: approver, pipelineId, artifactSha256: sha }, key);
    const verdict = await verifyIdentity({ pipelineId, model, version, action: 'approve', comment, claimed: approver, signature, useKey: `${pipelineId}:${comment}` });
    if (!verdict.verified) throw new Error(`bench approval refused: ${JSON.stringify(verdict)}`);
    await auditLog.append({ eventId: `${pipelineId}:${comment}`, type: 'approval.granted', actor: `user:${approver}`, subject: { model, version }, pipelineId, outcome: 'success', evidence: { comment }, source: 'bench/aged' });
  };
}
