import Foundation

/// Where the HSM is and how to log in: the module to load, the token, and
/// where the PIN comes from (never the configuration file itself).
public struct HSMConfiguration: Sendable, Hashable {
    /// Where the user PIN is read from, at login only.
    public enum PINSource: Sendable, Hashable {
        /// The environment variable with this name, e.g. `PAVILION_HSM_PIN`.
        case environment(String)
        /// The first line of this file (keep it 0600, owned by the service user).
        case file(String)
    }

    /// The PKCS #11 module's path, e.g. `/usr/lib/softhsm/libsofthsm2.so`.
    public var modulePath: String
    /// The token's label.
    public var tokenLabel: String
    /// Where the PIN comes from.
    public var pin: PINSource
    /// The most sessions opened for signing at once.
    public var sessions: Int
    /// How long a signer waits for a free session.
    public var checkoutTimeout: Duration

    /// A configuration.
    /// - Parameters:
    ///   - modulePath: the module's path.
    ///   - tokenLabel: the token's label.
    ///   - pin: where the PIN comes from.
    ///   - sessions: the most sessions opened for signing (4 unless given).
    ///   - checkoutTimeout: how long a signer waits for a session (10 s unless given).
    public init(modulePath: String, tokenLabel: String, pin: PINSource, sessions: Int = 4,
                checkoutTimeout: Duration = .seconds(10)) {
        self.modulePath = modulePath
        self.tokenLabel = tokenLabel
        self.pin = pin
        self.sessions = sessions
        self.checkoutTimeout = checkoutTimeout
    }

    /// Load the module, read the PIN, log in, and wipe the PIN.
    /// - Parameter module: an already loaded module to reuse; loaded from
    ///   ``modulePath`` when `nil`.
    /// - Returns: the logged-in token with its session pool.
    /// - Throws: ``PKCS11Error``: the module's, the token's or the login's failure,
    ///   or ``PKCS11Error/Code/pinUnavailable`` when the PIN source is empty or unreadable.
    public func openToken(module: PKCS11Module? = nil) throws(PKCS11Error) -> PKCS11Token {
        let loaded: PKCS11Module
        if let module { loaded = module } else { loaded = try PKCS11Module(path: modulePath) }
        var pinBytes = try pin.read()
        return try loaded.openToken(labeled: tokenLabel, pin: &pinBytes, sessions: sessions, checkoutTimeout: checkoutTimeout)
    }
}

extension HSMConfiguration.PINSource {
    /// The PIN's bytes, without a trailing newline. The caller wipes them.
    func read() throws(PKCS11Error) -> [UInt8] {
        var bytes: [UInt8]
        switch self {
        case .environment(let name):
            guard let value = ProcessInfo.processInfo.environment[name] else {
                throw PKCS11Error(.pinUnavailable, reason: "the PIN variable \(name) is not set")
            }
            bytes = Array(value.utf8)
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw PKCS11Error(.pinUnavailable, reason: "cannot read the PIN file \(path)")
            }
            bytes = Array(data)
            if let newline = bytes.firstIndex(of: 0x0a) {
                for index in newline..<bytes.count { bytes[index] = 0 }
                bytes.removeSubrange(newline...)
            }
        }
        if bytes.last == 0x0d { bytes.removeLast() }
        guard !bytes.isEmpty else { throw PKCS11Error(.pinUnavailable, reason: "the PIN source \(self) is empty") }
        return bytes
    }
}
