import PavilionCrypto

/// A PKCS #11 module (a vendor's `.so`, SoftHSM2's `libsofthsm2.so` in tests)
/// loaded with `dlopen` and initialised for use from many threads.
///
/// Loading finds `C_GetFunctionList` and calls `C_Initialize` with
/// `CKF_OS_LOCKING_OK`; the last `PKCS11Module` for a file to go away calls
/// `C_Finalize` and `dlclose`. Several instances for one file share the
/// module, as Cryptoki requires (it is initialised once per process).
public final class PKCS11Module: Sendable {
    /// The path given to ``init(path:)``.
    public let path: String
    let loaded: LoadedModule

    /// Load and initialise the module at `path`.
    /// - Parameter path: the module's file, e.g. `/usr/lib/softhsm/libsofthsm2.so`.
    /// - Throws: ``PKCS11Error`` with ``PKCS11Error/Code/moduleNotFound`` when no
    ///   file is there, ``PKCS11Error/Code/moduleLoadFailed`` when `dlopen`
    ///   refuses it, ``PKCS11Error/Code/notAPKCS11Module`` when it has no
    ///   usable `C_GetFunctionList`, or the `C_Initialize` failure.
    public init(path: String) throws(PKCS11Error) {
        self.path = path
        loaded = try ModuleRegistry.shared.acquire(path: path)
    }

    deinit { ModuleRegistry.shared.release(loaded) }

    /// What `C_GetInfo` says about the module.
    /// - Throws: ``PKCS11Error`` naming `C_GetInfo`.
    public func info() throws(PKCS11Error) -> PKCS11ModuleInfo {
        let info = try loaded.cryptoki.info().get()
        return PKCS11ModuleInfo(manufacturer: info.manufacturer, libraryDescription: info.description,
                                cryptokiVersion: info.cryptoki)
    }

    /// The tokens present in the module's slots (`C_GetSlotList(CK_TRUE)`, `C_GetTokenInfo`).
    /// - Throws: ``PKCS11Error`` naming the failing call.
    public func tokens() throws(PKCS11Error) -> [PKCS11TokenDescription] {
        var tokens: [PKCS11TokenDescription] = []
        for slot in try loaded.cryptoki.slotList(tokenPresent: true).get() {
            let info = try loaded.cryptoki.tokenInfo(slot: slot).get()
            tokens.append(PKCS11TokenDescription(slotID: slot, label: info.label, manufacturer: info.manufacturer,
                                                 model: info.model, serialNumber: info.serialNumber))
        }
        return tokens
    }

    /// The token whose label is `label`.
    /// - Throws: ``PKCS11Error/Code/tokenNotFound`` naming the labels that do exist.
    public func token(labeled label: String) throws(PKCS11Error) -> PKCS11TokenDescription {
        let all = try tokens()
        guard let token = all.first(where: { $0.label == label }) else {
            let known = all.map { "\"\($0.label)\"" }.joined(separator: ", ")
            throw PKCS11Error(.tokenNotFound, reason: "no token labelled \"\(label)\" in \(path)"
                + (known.isEmpty ? " (no tokens at all)" : "; tokens: \(known)"))
        }
        return token
    }

    /// Log in to the token labelled `label` and open its session pool.
    /// - Parameters:
    ///   - label: the token's label.
    ///   - pin: the user PIN; wiped before this returns, whether it succeeds or not.
    ///   - sessions: the most sessions the pool opens for signing (besides the one holding the login).
    ///   - checkoutTimeout: how long a signer waits for a free session.
    /// - Returns: the logged-in token.
    /// - Throws: ``PKCS11Error/Code/tokenNotFound``, ``PKCS11Error/Code/pinIncorrect``,
    ///   ``PKCS11Error/Code/pinLocked`` or another failure of `C_OpenSession`/`C_Login`.
    public func openToken(labeled label: String, pin: inout [UInt8], sessions: Int = 4,
                          checkoutTimeout: Duration = .seconds(10)) throws(PKCS11Error) -> PKCS11Token {
        let description: PKCS11TokenDescription
        do {
            description = try token(labeled: label)
        } catch {
            ConstantTime.wipePIN(&pin)
            throw error
        }
        let mechanisms = Set((try? loaded.cryptoki.mechanisms(slot: description.slotID).get()) ?? [])
        let pool = try SessionPool(module: self, slotID: description.slotID, pin: &pin, capacity: sessions,
                                   checkoutTimeout: checkoutTimeout)
        return PKCS11Token(description: description, pool: pool, mechanisms: mechanisms)
    }
}

/// What `C_GetInfo` says about a module.
public struct PKCS11ModuleInfo: Sendable, Hashable {
    /// `manufacturerID`, e.g. `SoftHSM`.
    public var manufacturer: String
    /// `libraryDescription`, e.g. `Implementation of PKCS11`.
    public var libraryDescription: String
    /// The Cryptoki version the module implements, e.g. `2.40`.
    public var cryptokiVersion: String
}

/// A token present in a slot.
public struct PKCS11TokenDescription: Sendable, Hashable {
    /// The slot holding it.
    public var slotID: UInt
    /// Its label, blanks trimmed.
    public var label: String
    /// `manufacturerID`.
    public var manufacturer: String
    /// `model`.
    public var model: String
    /// `serialNumber`.
    public var serialNumber: String
}

extension ConstantTime {
    /// Wipe a PIN buffer (``ConstantTime/wipe(_:)``) and leave it empty.
    static func wipePIN(_ pin: inout [UInt8]) {
        wipe(&pin)
        pin.removeAll()
    }
}
