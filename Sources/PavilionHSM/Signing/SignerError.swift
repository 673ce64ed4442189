/// A failure to sign, or to set up a signer: the key store or HSM failed,
/// the key is missing or breaks policy, or the input is wrong.
///
/// Equal by ``code``. HSM failures keep the ``PKCS11Error`` (with its C call
/// and `CK_RV` name) in ``underlying``.
public struct SignerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let value: String
        private init(_ value: String) { self.value = value }

        /// The HSM refused or failed; see ``SignerError/underlying``.
        public static let hsm = Code("hsm")
        /// OpenSSL failed inside the software key store.
        public static let crypto = Code("crypto")
        /// No key with that label (or key ID) exists.
        public static let keyNotFound = Code("keyNotFound")
        /// A key with that label already exists.
        public static let keyExists = Code("keyExists")
        /// The key breaks policy (e.g. extractable, or not a signing key).
        public static let keyPolicyViolated = Code("keyPolicyViolated")
        /// The algorithm is not one this signer or key supports.
        public static let unsupportedAlgorithm = Code("unsupportedAlgorithm")
        /// A stored key file is corrupt, tampered with, or sealed under another master key.
        public static let keyStoreCorrupt = Code("keyStoreCorrupt")
        /// A key file was sealed under a different master key.
        public static let wrongMasterKey = Code("wrongMasterKey")
        /// The master key is missing or malformed.
        public static let masterKeyUnavailable = Code("masterKeyUnavailable")
        /// Reading or writing a key file failed.
        public static let io = Code("io")
        /// Bytes that should encode a key or a signature do not.
        public static let malformedInput = Code("malformedInput")

        public var description: String { value }
    }

    /// What kind of failure this is.
    public let code: Code
    /// A sentence for operators.
    public let reason: String
    /// The HSM error behind an ``Code/hsm`` failure.
    public let underlying: PKCS11Error?
    /// Where the error was raised.
    public let file: String
    /// The line where the error was raised.
    public let line: Int

    /// An error.
    /// - Parameters:
    ///   - code: the kind.
    ///   - reason: a sentence for operators.
    ///   - underlying: the HSM error behind it, if any.
    public init(_ code: Code, reason: String, underlying: PKCS11Error? = nil,
                file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    /// The signer error for an HSM failure, keeping its code where one matches.
    /// - Parameter error: the PKCS #11 failure.
    public init(_ error: PKCS11Error, file: String = #fileID, line: Int = #line) {
        let code: Code = switch error.code {
        case .keyNotFound: .keyNotFound
        case .keyExists: .keyExists
        case .keyPolicyViolated: .keyPolicyViolated
        case .unsupportedMechanism: .unsupportedAlgorithm
        default: .hsm
        }
        self.init(code, reason: error.reason, underlying: error, file: file, line: line)
    }

    public static func == (lhs: SignerError, rhs: SignerError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String { "SignerError.\(code): \(reason)" }
}
