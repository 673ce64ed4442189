import Foundation
import PavilionCrypto
import Synchronization

/// The data provider's side of PSI, independent of the transport: it
/// evaluates the client's blinded points with the set's key and pages out
/// the preprocessed set. The command line serves it over HTTP
/// (`pavilion psi serve`); tests call it in-process.
///
/// In ``PSIMode/intersection`` mode it answers ``evaluate(_:)`` with
/// `k·B` for each blinded point `B` (RFC 9497 `BlindEvaluate`, in order) and
/// pages out the sorted digests. In ``PSIMode/cardinality`` mode it refuses
/// ``evaluate(_:)``: the client's points go into a session, and only when the
/// session finishes does it return the digests of `k·P` for all of them,
/// sorted, so the client cannot tell which digest belongs to which element;
/// it pages out the points `k·H(y)`.
///
/// Limits: at most ``PSIProtocol/maxBatch`` points per request, at most
/// `maxEvaluations` points evaluated over the server's life (a malicious
/// client learns at most that many membership bits), at most `maxSessions`
/// open cardinality sessions. A session not used for `sessionIdleTimeout`
/// is dropped (its points with it), so an abandoned one frees its place.
public final class PSIServer: Sendable {
    /// The preprocessed set.
    public let set: PSIServerSet
    /// Threads per request.
    public let workers: Int
    /// The most points evaluated over the server's life; nil for no limit.
    public let maxEvaluations: Int?
    /// The most cardinality sessions open at once.
    public let maxSessions: Int
    /// How long an unused cardinality session stays open.
    public let sessionIdleTimeout: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let evaluated = Mutex<Int>(0)
    private let sessions = Mutex<[String: Session]>([:])

    private struct Session {
        var digests: [PSIDigest] = []
        var lastUsed: ContinuousClock.Instant
    }

    /// - Parameters:
    ///   - set: the preprocessed set.
    ///   - workers: threads per request.
    ///   - maxEvaluations: the evaluation budget; nil for none.
    ///   - maxSessions: open cardinality sessions at once.
    ///   - sessionIdleTimeout: how long an unused session stays open.
    ///   - now: the clock sessions age by (tests pass their own).
    public init(set: PSIServerSet, workers: Int = PSIProtocol.defaultWorkers, maxEvaluations: Int? = nil, maxSessions: Int = 16,
                sessionIdleTimeout: Duration = .seconds(600),
                now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.set = set
        self.workers = workers
        self.maxEvaluations = maxEvaluations
        self.maxSessions = maxSessions
        self.sessionIdleTimeout = sessionIdleTimeout
        self.now = now
    }

    /// What the server announces.
    public var info: PSIServerInfo {
        PSIServerInfo(protocol: PSIProtocol.name, suite: PSIProtocol.suite.identifier, mode: set.mode, setSize: set.count,
                      digestLength: PSIProtocol.digestLength, maxBatch: PSIProtocol.maxBatch, maxPage: PSIProtocol.maxPage,
                      publicKey: Hex.encode(set.publicKey))
    }

    /// `k·B` for each blinded point (intersection mode only).
    /// - Parameter body: 1 to ``PSIProtocol/maxBatch`` uncompressed points.
    /// - Returns: as many uncompressed points, in order.
    /// - Throws: ``PSIError`` `.refused` in cardinality mode or past the budget,
    ///   `.malformedMessage` for a bad body.
    public func evaluate(_ body: [UInt8]) throws(PSIError) -> [UInt8] {
        guard set.mode == .intersection else {
            throw PSIError(.refused, "this server answers cardinality only: blinded points go into a session")
        }
        let count = try PSIWorker.pointCount(body, limit: PSIProtocol.maxBatch, what: "the request")
        try spend(count)
        let scalar = set.key.scalar
        let chunks = try PSIParallel.map(count: count, workers: workers) { worker, range throws(PSIError) in
            var out: [UInt8] = []
            out.reserveCapacity(range.count * PSIProtocol.pointLength)
            for i in range {
                let blinded = try worker.decodePoint(body, index: i)
                try worker.encodePoint(try psiCrypto { () throws(CryptoError) in try blinded.multiplied(by: scalar) }, to: &out)
            }
            return [out]
        }
        return chunks.flatMap { $0 }
    }

    /// Entries of the preprocessed set: digests (intersection) or points (cardinality).
    /// - Throws: ``PSIError`` `.malformedMessage` for a range outside the set.
    public func page(offset: Int, count: Int) throws(PSIError) -> [UInt8] {
        try set.page(offset: offset, count: count)
    }

    /// Open a cardinality session.
    /// - Returns: its identifier (32 hex digits).
    /// - Throws: ``PSIError`` `.refused` in intersection mode or when too many are open.
    public func openSession() throws(PSIError) -> String {
        guard set.mode == .cardinality else { throw PSIError(.refused, "this server answers intersections, not cardinality sessions") }
        let id = Hex.encode(try psiCrypto { () throws(CryptoError) in try SecureRandom.bytes(16) })
        let time = now()
        let opened = sessions.withLock { open -> Bool in
            open = open.filter { time - $0.value.lastUsed < sessionIdleTimeout }
            guard open.count < maxSessions else { return false }
            open[id] = Session(lastUsed: time)
            return true
        }
        guard opened else { throw PSIError(.refused, "\(maxSessions) cardinality sessions are open; finish one first") }
        return id
    }

    /// Evaluate a batch of the client's points into session `id`; nothing is returned until ``finishSession(_:)``.
    /// - Throws: ``PSIError`` `.malformedMessage` for an unknown session or a bad body, `.refused` past the budget.
    public func addToSession(_ id: String, _ body: [UInt8]) throws(PSIError) {
        guard takeLive(id, remove: false) != nil else { throw PSIError(.malformedMessage, "no open cardinality session \(id)") }
        let count = try PSIWorker.pointCount(body, limit: PSIProtocol.maxBatch, what: "the request")
        try spend(count)
        let scalar = set.key.scalar
        let digests = try PSIParallel.map(count: count, workers: workers) { worker, range throws(PSIError) in
            var out: [PSIDigest] = []
            out.reserveCapacity(range.count)
            for i in range {
                let point = try worker.decodePoint(body, index: i)
                out.append(try worker.cardinalityDigest(try psiCrypto { () throws(CryptoError) in try point.multiplied(by: scalar) }))
            }
            return out
        }
        let time = now()
        let added = sessions.withLock { open -> Bool in
            guard open[id] != nil else { return false }
            open[id]?.digests.append(contentsOf: digests)
            open[id]?.lastUsed = time
            return true
        }
        guard added else { throw PSIError(.malformedMessage, "no open cardinality session \(id)") }
    }

    /// Close session `id` and return the digests of all its points, sorted.
    /// - Throws: ``PSIError`` `.malformedMessage` for an unknown session.
    public func finishSession(_ id: String) throws(PSIError) -> [UInt8] {
        guard var digests = takeLive(id, remove: true)?.digests else {
            throw PSIError(.malformedMessage, "no open cardinality session \(id)")
        }
        digests.sort()
        return PSIDigest.encodeAll(digests)
    }

    /// The identifiers of the sessions open now (idle ones past the timeout excluded).
    public var openSessions: Set<String> {
        let time = now()
        return sessions.withLock { Set($0.filter { time - $0.value.lastUsed < sessionIdleTimeout }.keys) }
    }

    /// Session `id` if it is open and not idle past the timeout (an idle
    /// one is dropped here); removed from the table when `remove` is set.
    private func takeLive(_ id: String, remove: Bool) -> Session? {
        let time = now()
        return sessions.withLock { open -> Session? in
            guard let session = open[id] else { return nil }
            guard time - session.lastUsed < sessionIdleTimeout else {
                open.removeValue(forKey: id)
                return nil
            }
            if remove { open.removeValue(forKey: id) } else { open[id]?.lastUsed = time }
            return session
        }
    }

    private func spend(_ count: Int) throws(PSIError) {
        guard let limit = maxEvaluations else { return }
        let allowed = evaluated.withLock { used -> Bool in
            guard used + count <= limit else { return false }
            used += count
            return true
        }
        guard allowed else { throw PSIError(.refused, "the server's evaluation budget of \(limit) elements is spent") }
    }
}
