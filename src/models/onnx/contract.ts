/**
 * What a recommendation model in ONNX must look like to be deployed (docs/model-format.md, "ONNX models"). The graph
 * ranks the whole catalogue for a batch of known users; ids, the answer for unknown users and where the model came
 * from travel in the model's metadata_props.
 */
export const ONNX_INPUTS = {
  /** int64 [batch]: each user's position in `modelship.user_ids`. */
  user: 'user_index',
  /** float32 [batch, items]: 0 for an item that may be shown, -Infinity for one to leave out. */
  mask: 'mask',
  /** int64 [1]: how many items to return per user. */
  k: 'k',
} as const;

export const ONNX_OUTPUTS = {
  /** float32 [batch, k]: scores, best first. */
  scores: 'top_scores',
  /** int64 [batch, k]: item positions in `modelship.item_ids`, best first; the lower position first among equal scores. */
  items: 'top_items',
} as const;

export const ONNX_METADATA = {
  /** JSON array of the catalogue's external item ids, finite and unique, in the order of the graph's items. */
  itemIds: 'modelship.item_ids',
  /** JSON array of the known users' external ids, finite and unique, in the order `user_index` addresses. */
  userIds: 'modelship.user_ids',
  /** Optional JSON array of one finite score per item, for users the model does not know (else catalogue order). */
  fallbackScores: 'modelship.fallback_scores',
  trainingDataVersion: 'modelship.training_data_version',
  codeVersion: 'modelship.code_version',
} as const;
