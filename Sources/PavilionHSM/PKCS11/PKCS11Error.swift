/// A failure talking to a PKCS #11 module: loading it, finding its token or
/// key, logging in, or a Cryptoki call that returned something but `CKR_OK`.
///
/// Equal by ``code``; ``call`` and ``returnValue`` say which C function failed
/// and with which `CK_RV` (e.g. `C_Login` → `CKR_PIN_INCORRECT`).
public struct PKCS11Error: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case moduleNotFound, moduleLoadFailed, notAPKCS11Module, tokenNotFound, pinIncorrect, pinLocked,
                 pinUnavailable, keyNotFound, keyExists, keyPolicyViolated, unsupportedMechanism,
                 invalidKeyMaterial, sessionPoolExhausted, callFailed
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The module path names no file.
        public static let moduleNotFound = Code(.moduleNotFound)
        /// `dlopen` refused the file (not a shared library, wrong architecture, missing dependency).
        public static let moduleLoadFailed = Code(.moduleLoadFailed)
        /// The library loaded but is not a PKCS #11 module (no `C_GetFunctionList`,
        /// or it returned no usable function list).
        public static let notAPKCS11Module = Code(.notAPKCS11Module)
        /// No slot holds a token with the configured label.
        public static let tokenNotFound = Code(.tokenNotFound)
        /// `C_Login` said the PIN is wrong (`CKR_PIN_INCORRECT`).
        public static let pinIncorrect = Code(.pinIncorrect)
        /// The token has locked the user PIN (`CKR_PIN_LOCKED`).
        public static let pinLocked = Code(.pinLocked)
        /// The configured PIN source (file or environment variable) gave no PIN.
        public static let pinUnavailable = Code(.pinUnavailable)
        /// No key pair with that label is on the token.
        public static let keyNotFound = Code(.keyNotFound)
        /// A key with that label already exists, so none was created.
        public static let keyExists = Code(.keyExists)
        /// The key's attributes break Pavilion's policy (e.g. it was once extractable).
        public static let keyPolicyViolated = Code(.keyPolicyViolated)
        /// The token lacks a mechanism Pavilion needs (e.g. `CKM_EDDSA`).
        public static let unsupportedMechanism = Code(.unsupportedMechanism)
        /// The token returned key material Pavilion cannot decode (e.g. an EC point).
        public static let invalidKeyMaterial = Code(.invalidKeyMaterial)
        /// Every pooled session stayed busy until the checkout deadline.
        public static let sessionPoolExhausted = Code(.sessionPoolExhausted)
        /// Any other Cryptoki call that did not return `CKR_OK`; see ``PKCS11Error/returnValue``.
        public static let callFailed = Code(.callFailed)

        public var description: String { value.rawValue }
    }

    /// What kind of failure this is.
    public let code: Code
    /// The C function that failed, e.g. `C_Login` or `dlopen`, if one did.
    public let call: String?
    /// The `CK_RV` it returned, if it was a Cryptoki call.
    public let returnValue: PKCS11ReturnValue?
    /// A sentence for operators.
    public let reason: String
    /// Where the error was raised.
    public let file: String
    /// The line where the error was raised.
    public let line: Int

    /// An error.
    /// - Parameters:
    ///   - code: the kind.
    ///   - call: the failing C function, if any.
    ///   - returnValue: its `CK_RV`, if any.
    ///   - reason: a sentence for operators.
    public init(_ code: Code, call: String? = nil, returnValue: PKCS11ReturnValue? = nil, reason: String,
                file: String = #fileID, line: Int = #line) {
        self.code = code
        self.call = call
        self.returnValue = returnValue
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// The error for a Cryptoki call that returned `rv`, with a code picked
    /// from the return value where one fits.
    static func call(_ call: String, _ rv: PKCS11ReturnValue, _ context: String = "",
                     file: String = #fileID, line: Int = #line) -> PKCS11Error {
        let code: Code
        switch rv.name {
        case "CKR_PIN_INCORRECT": code = .pinIncorrect
        case "CKR_PIN_LOCKED": code = .pinLocked
        case "CKR_MECHANISM_INVALID", "CKR_CURVE_NOT_SUPPORTED", "CKR_DOMAIN_PARAMS_INVALID": code = .unsupportedMechanism
        default: code = .callFailed
        }
        let suffix = context.isEmpty ? "" : " (\(context))"
        return PKCS11Error(code, call: call, returnValue: rv, reason: "\(call) returned \(rv.name)\(suffix)",
                           file: file, line: line)
    }

    public static func == (lhs: PKCS11Error, rhs: PKCS11Error) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String { "PKCS11Error.\(code): \(reason)" }
}
