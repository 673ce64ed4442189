import PavilionCore
import PavilionCrypto

/// One entry of the published update log: a batch of additions or of
/// deletions and the accumulator value after it. Holders apply the entries
/// after their witness's epoch, in order, to keep their witness current
/// without any secret.
public struct AccumulatorUpdate: Sendable, Equatable {
    /// What the batch did.
    public enum Kind: String, Sendable {
        /// Elements were added: `A' = A^(x1·x2·…)`.
        case addition
        /// Elements were deleted: `A' = A^(1/(y1·y2·…))`.
        case deletion
    }

    /// The epoch this update produces (the previous value has `epoch - 1`).
    public let epoch: Int
    /// Addition or deletion.
    public let kind: Kind
    /// The primes added or deleted.
    public let elements: [BigNumber]
    /// The accumulator value after the update.
    public let value: BigNumber

    /// - Parameters:
    ///   - epoch: the new epoch.
    ///   - kind: addition or deletion.
    ///   - elements: the primes.
    ///   - value: the new value.
    public init(epoch: Int, kind: Kind, elements: [BigNumber], value: BigNumber) {
        self.epoch = epoch
        self.kind = kind
        self.elements = elements
        self.value = value
    }

    /// The product of the batch's primes.
    func product() throws(AccumulatorError) -> BigNumber {
        try crypto { () throws(CryptoError) in
            var product = try BigNumber(1)
            for element in elements { product = try product.multiplied(by: element) }
            return product
        }
    }

    /// `{"epoch", "kind", "elements": [base64url…], "value": base64url}`.
    public var jsonValue: JSONValue {
        ["epoch": .int(Int64(epoch)), "kind": .string(kind.rawValue),
         "elements": .array(elements.map { .string(Base64URL.encode($0.bigEndianBytes)) }),
         "value": .string(Base64URL.encode(value.bigEndianBytes))]
    }
}
