import Foundation
import PavilionCore
import PavilionCrypto

/// A bounded pool of read-only sessions on one logged-in token, shared by
/// every thread that signs.
///
/// A PKCS #11 session may be used by one thread at a time, and the login
/// state belongs to the token, not the session: it lasts while any session
/// of the application is open. The pool therefore keeps one *anchor* session
/// open for its whole life, logs in on it once (so the PIN is needed only
/// then and can be wiped at once), and lends further sessions, at most
/// `capacity` at a time, to callers of ``withSession(_:)``. A caller that
/// finds all of them busy waits for one until the checkout deadline.
/// Key creation gets its own short-lived read-write session
/// (``withReadWriteSession(_:)``), outside the bound.
///
/// A session whose operation failed is closed rather than returned, so a
/// half-finished operation (`CKR_OPERATION_ACTIVE`) or a dead handle never
/// reaches the next caller.
final class SessionPool: @unchecked Sendable {
    // @unchecked: `idle`, `open`, `peak` are guarded by `condition`; the rest
    // is immutable.
    let module: PKCS11Module
    let slotID: UInt
    let capacity: Int
    let checkoutTimeout: Duration
    private let anchor: UInt
    private let condition = NSCondition()
    private var idle: [UInt] = []
    private var open = 0
    private var peak = 0

    /// Open the anchor session on `slotID` and log the user in with `pin`,
    /// which is wiped before this returns, whatever happens.
    init(module: PKCS11Module, slotID: UInt, pin: inout [UInt8], capacity: Int,
         checkoutTimeout: Duration) throws(PKCS11Error) {
        defer { ConstantTime.wipePIN(&pin) }
        self.module = module
        self.slotID = slotID
        self.capacity = max(1, capacity)
        self.checkoutTimeout = checkoutTimeout
        let cryptoki = module.loaded.cryptoki
        anchor = try cryptoki.openSession(slot: slotID, readWrite: false).get()
        let rv = cryptoki.login(anchor, pin: pin)
        // Another pool of this process may already have logged in to the
        // token; the login is shared (PKCS #11 §5.6), so that is success.
        guard rv.isOK || rv.name == "CKR_USER_ALREADY_LOGGED_IN" else {
            _ = cryptoki.closeSession(anchor)
            throw .call("C_Login", rv, "token in slot \(slotID)")
        }
    }

    deinit {
        let cryptoki = module.loaded.cryptoki
        for session in idle { _ = cryptoki.closeSession(session) }
        // No C_Logout: login state belongs to the application, so it would
        // also log out another pool on the same token. The token logs out by
        // itself when the application's last session on it closes.
        _ = cryptoki.closeSession(anchor)
    }

    /// Run `body` with a session of its own, borrowed from the pool.
    /// - Throws: ``PKCS11Error/Code/sessionPoolExhausted`` when no session
    ///   frees up before the checkout deadline, `C_OpenSession`'s error, or
    ///   whatever `body` throws.
    func withSession<T>(_ body: (UInt) throws(PKCS11Error) -> T) throws(PKCS11Error) -> T {
        let session = try checkOut()
        do {
            let result = try body(session)
            checkIn(session, healthy: true)
            return result
        } catch {
            checkIn(session, healthy: false)
            throw error
        }
    }

    /// Run `body` with a fresh read-write session, closed afterwards. Used
    /// to create token objects, which read-only sessions may not.
    func withReadWriteSession<T>(_ body: (UInt) throws(PKCS11Error) -> T) throws(PKCS11Error) -> T {
        let cryptoki = module.loaded.cryptoki
        let session = try cryptoki.openSession(slot: slotID, readWrite: true).get()
        defer { _ = cryptoki.closeSession(session) }
        return try body(session)
    }

    /// How many pooled sessions are open now and were at most, for tests.
    var statistics: (open: Int, peak: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (open, peak)
    }

    private func checkOut() throws(PKCS11Error) -> UInt {
        let deadline = Date().addingTimeInterval(checkoutTimeout.inSeconds)
        condition.lock()
        while idle.isEmpty && open >= capacity {
            if !condition.wait(until: deadline) && idle.isEmpty && open >= capacity {
                condition.unlock()
                throw PKCS11Error(.sessionPoolExhausted,
                                  reason: "all \(capacity) sessions stayed busy for \(checkoutTimeout)")
            }
        }
        if let session = idle.popLast() {
            condition.unlock()
            return session
        }
        open += 1
        peak = max(peak, open)
        condition.unlock()
        // Open outside the lock: C_OpenSession may take a while.
        switch module.loaded.cryptoki.openSession(slot: slotID, readWrite: false) {
        case .success(let session):
            return session
        case .failure(let error):
            condition.lock()
            open -= 1
            condition.signal()
            condition.unlock()
            throw error
        }
    }

    private func checkIn(_ session: UInt, healthy: Bool) {
        if !healthy { _ = module.loaded.cryptoki.closeSession(session) }
        condition.lock()
        if healthy { idle.append(session) } else { open -= 1 }
        condition.signal()
        condition.unlock()
    }
}
