/// One check `pavilion privacy receipt verify` makes, in the order made.
public enum ReceiptCheck: String, Sendable, Hashable, CaseIterable {
    /// The bundle is well-formed JSON of the bundle format.
    case bundleFormat = "bundle_format"
    /// The receipt has known fields only and no personal-data-looking content.
    case receiptContent = "receipt_content"
    /// The bundle's log key is the pinned key (when one is pinned).
    case logKey = "log_key"
    /// The tree head's signature verifies under the log key.
    case treeHeadSignature = "tree_head_signature"
    /// A version-1 entry's own receipt signature verifies under the log key
    /// (version-2 receipts have none: the tree head's signature covers them).
    case receiptSignature = "receipt_signature"
    /// The receipt's leaf is in the tree the signed tree head commits to.
    case inclusionProof = "inclusion_proof"
}
