import PavilionCrypto

/// The relying party's side of PSI (`docs/psi.md`).
///
/// Intersection: for each element `x` the client sends `B = H(x) + r·G`
/// (additive blinding: `B` is uniform, whatever `x` is), gets `k·B`, removes
/// `r·(k·G)` with a precomputed table for the server's public key, and keeps
/// the 12-byte prefix of RFC 9497 `Finalize(x, k·H(x))`; then it streams the
/// server's sorted digests and merges. Cardinality: one scalar `a` blinds
/// every element, `a·H(x)`; the server returns only the sorted digests of
/// `k·a·H(x)`; the client raises each server point `k·H(y)` to `a` and counts
/// digests that match.
///
/// These functions take the client's set in memory; for a set file of any
/// size, ``intersection(setPath:transport:options:workers:emit:)`` and
/// ``cardinality(setPath:transport:options:workers:)`` keep memory bounded
/// by spilling sorted runs to a private temporary directory.
public enum PSIClient {
    /// The indices (ascending) of `elements` that are in the server's set.
    /// - Parameters:
    ///   - elements: the client's elements (duplicates are reported once, at their first index).
    ///   - transport: the way to the server.
    ///   - workers: threads for the client's hashing and multiplications.
    /// - Throws: ``PSIError``: `.protocolMismatch` for a server of another
    ///   protocol or mode, `.malformedMessage` for a bad response, `.transport`.
    public static func intersection(elements: [[UInt8]], transport: some PSITransport,
                                    workers: Int = PSIProtocol.defaultWorkers) async throws(PSIError) -> [Int] {
        let info = try await checkedInfo(transport, mode: .intersection)
        var mine: [Indexed] = []
        mine.reserveCapacity(elements.count)
        var next = 0
        _ = try await evaluate(info: info, transport: transport, workers: workers, nextBatch: { limit throws(PSIError) in
            let batch = Array(elements[next ..< min(next + limit, elements.count)])
            next += batch.count
            return batch
        }, sink: { (evaluated: [Indexed]) throws(PSIError) in mine += evaluated })
        mine.sort()
        var matched: [Int] = []
        var source = SortedArray(records: mine)
        try await merge(&source, info: info, transport: transport) { matched.append($0) }
        return matched.sorted()
    }

    /// How many distinct elements of `elements` are in the server's set.
    /// - Parameters: as ``intersection(elements:transport:workers:)``.
    /// - Throws: ``PSIError`` as ``intersection(elements:transport:workers:)``.
    public static func cardinality(elements: [[UInt8]], transport: some PSITransport,
                                   workers: Int = PSIProtocol.defaultWorkers) async throws(PSIError) -> Int {
        let info = try await checkedInfo(transport, mode: .cardinality)
        var next = 0
        let (a, answer) = try await sendToSession(info: info, transport: transport, workers: workers) { limit throws(PSIError) in
            let batch = Array(elements[next ..< min(next + limit, elements.count)])
            next += batch.count
            return batch
        }
        let theirs = try checkedSessionDigests(answer, sent: next)
        var count = 0
        try await pageDigests(info: info, transport: transport, a: a, workers: workers, stopEarly: theirs.isEmpty) { digests throws(PSIError) in
            for digest in digests where contains(theirs, digest) { count += 1 }
        }
        return count
    }

    // MARK: Shared steps of the in-memory and the streaming client

    /// A client digest tagged with its element's index (its line number
    /// minus one, for a set file); ordered by digest, then index, so the
    /// first of equal digests is the element's first occurrence.
    struct Indexed: Comparable {
        var digest: PSIDigest
        var index: Int
        static func < (lhs: Indexed, rhs: Indexed) -> Bool {
            lhs.digest != rhs.digest ? lhs.digest < rhs.digest : lhs.index < rhs.index
        }
    }

    /// Client digests in ascending order, one at a time.
    protocol SortedDigests {
        /// The next record; nil at the end.
        mutating func next() throws(PSIError) -> Indexed?
    }

    /// An in-memory sorted array as ``SortedDigests``.
    struct SortedArray: SortedDigests {
        let records: [Indexed]
        var position = 0
        mutating func next() throws(PSIError) -> Indexed? {
            guard position < records.count else { return nil }
            defer { position += 1 }
            return records[position]
        }
    }

    /// Blind, evaluate and unblind every element `nextBatch` yields (it
    /// returns at most `limit` elements, empty at the end), handing each
    /// batch's digests, indexed in the order of the elements, to `sink`.
    /// Pipelined: batch i+1 is blinded while the server evaluates batch i,
    /// and batch i is unblinded while the server evaluates batch i+1.
    /// - Returns: how many elements were evaluated.
    static func evaluate(info: PSIServerInfo, transport: some PSITransport, workers: Int,
                         nextBatch: (_ limit: Int) throws(PSIError) -> [[UInt8]],
                         sink: ([Indexed]) throws(PSIError) -> Void) async throws(PSIError) -> Int {
        let group = try psiCrypto { () throws(CryptoError) in try ECGroup.named(.p256) }
        guard let keyBytes = Hex.decode(info.publicKey) else { throw PSIError(.malformedMessage, "the server's public key is not hex") }
        let table: ECFixedBaseTable
        do {
            let publicKey = try ECPoint(sec1: keyBytes, in: group)
            table = try ECFixedBaseTable(base: publicKey)
        } catch { throw PSIError(.malformedMessage, "the server's public key is not a P-256 point: \(error.reason)") }

        let batchSize = min(info.maxBatch, PSIProtocol.maxBatch)
        var inFlight: InFlight?
        defer { inFlight?.response.cancel() }
        var start = 0
        while true {
            let batch = try nextBatch(batchSize)
            if batch.isEmpty { break }
            let blinded = try PSIParallel.map(count: batch.count, workers: workers) { worker, range throws(PSIError) in
                var out: [(bytes: [UInt8], unblind: ECScalar)] = []
                out.reserveCapacity(range.count)
                for i in range {
                    let h = try worker.hashToGroup(batch[i])
                    let (b, s) = try psiCrypto { () throws(CryptoError) in
                        let r = try ECScalar.random(in: group)
                        return (try h.adding(try group.generatorMultiplied(by: r)), try r.negated())
                    }
                    guard !b.isIdentity else { throw PSIError(.cryptoFailure, "a blinded element is the identity") }
                    var bytes: [UInt8] = []
                    try worker.encodePoint(b, to: &bytes)
                    out.append((bytes, s))
                }
                return out
            }
            let body = blinded.flatMap(\.bytes)
            let next = InFlight(start: start, batch: batch, unblind: blinded.map(\.unblind),
                                response: Task { try await transport.evaluate(body) })
            start += batch.count
            if let previous = inFlight { try sink(try await previous.finish(table: table, workers: workers)) }
            inFlight = next
        }
        if let last = inFlight {
            inFlight = nil
            try sink(try await last.finish(table: table, workers: workers))
        }
        return start
    }

    /// Merge the client's sorted digests with the server's, streamed a page
    /// at a time; `matched` gets the index of the first client record of
    /// each digest the server also has, in digest order. Pages that are not
    /// strictly increasing are refused.
    static func merge(_ mine: inout some SortedDigests, info: PSIServerInfo, transport: some PSITransport,
                      matched: (Int) throws(PSIError) -> Void) async throws(PSIError) {
        var current = try mine.next()
        var offset = 0
        var previous: PSIDigest?
        let pageSize = min(info.maxPage, PSIProtocol.maxPage)
        while offset < info.setSize, current != nil {
            let page = try PSIDigest.decodeAll(try await transport.page(offset: offset, count: pageSize))
            guard !page.isEmpty, page.count <= pageSize else { throw PSIError(.malformedMessage, "the server sent a page of \(page.count) digests") }
            for digest in page {
                if let previous, digest <= previous { throw PSIError(.malformedMessage, "the server's digests are not sorted and distinct") }
                previous = digest
                while let record = current, record.digest < digest { current = try mine.next() }
                var first = true
                while let record = current, record.digest == digest {
                    if first { try matched(record.index) }
                    first = false
                    current = try mine.next()
                }
            }
            offset += page.count
        }
    }

    /// Open a cardinality session, send `a·H(x)` for every element
    /// `nextBatch` yields, and finish it.
    /// - Returns: the scalar `a` and the server's answer (sorted digests, unchecked).
    static func sendToSession(info: PSIServerInfo, transport: some PSITransport, workers: Int,
                              nextBatch: (_ limit: Int) throws(PSIError) -> [[UInt8]]) async throws(PSIError) -> (ECScalar, [UInt8]) {
        let group = try psiCrypto { () throws(CryptoError) in try ECGroup.named(.p256) }
        let a = try psiCrypto { () throws(CryptoError) in try ECScalar.random(in: group) }
        let batchSize = min(info.maxBatch, PSIProtocol.maxBatch)
        let session = try await transport.openSession()
        while true {
            let batch = try nextBatch(batchSize)
            if batch.isEmpty { break }
            let blinded = try PSIParallel.map(count: batch.count, workers: workers) { worker, range throws(PSIError) in
                var out: [UInt8] = []
                out.reserveCapacity(range.count * PSIProtocol.pointLength)
                for i in range {
                    let h = try worker.hashToGroup(batch[i])
                    try worker.encodePoint(try psiCrypto { () throws(CryptoError) in try h.multiplied(by: a) }, to: &out)
                }
                return [out]
            }
            try await transport.addToSession(session, blinded.flatMap { $0 })
        }
        return (a, try await transport.finishSession(session))
    }

    /// The session's answer decoded: one digest per element sent, sorted.
    static func checkedSessionDigests(_ answer: [UInt8], sent: Int) throws(PSIError) -> [PSIDigest] {
        let theirs = try PSIDigest.decodeAll(answer)
        guard theirs.count == sent else {
            throw PSIError(.malformedMessage, "the server returned \(theirs.count) digests for \(sent) elements")
        }
        for i in theirs.indices.dropFirst() where theirs[i] < theirs[i - 1] {
            throw PSIError(.malformedMessage, "the server's session digests are not sorted")
        }
        return theirs
    }

    /// Page through the server's points `k·H(y)` and hand `D(a·k·H(y))` for
    /// each page, in the server's order, to `body`.
    static func pageDigests(info: PSIServerInfo, transport: some PSITransport, a: ECScalar, workers: Int, stopEarly: Bool,
                            _ body: ([PSIDigest]) throws(PSIError) -> Void) async throws(PSIError) {
        var offset = 0
        let pageSize = min(info.maxPage, PSIProtocol.maxPage)
        while offset < info.setSize, !stopEarly {
            let page = try await transport.page(offset: offset, count: pageSize)
            let n = try PSIWorker.pointCount(page, limit: pageSize, what: "the server's page")
            try body(try PSIParallel.map(count: n, workers: workers) { worker, range throws(PSIError) in
                var digests: [PSIDigest] = []
                digests.reserveCapacity(range.count)
                for i in range {
                    let q = try worker.decodePoint(page, index: i)
                    digests.append(try worker.cardinalityDigest(try psiCrypto { () throws(CryptoError) in try q.multiplied(by: a) }))
                }
                return digests
            })
            offset += n
        }
    }

    /// One batch sent for evaluation, with what it takes to unblind the answer.
    private struct InFlight {
        let start: Int
        let batch: [[UInt8]]
        let unblind: [ECScalar]
        let response: Task<[UInt8], any Error>

        /// Await the server's points and turn them into digests tagged with their element's index.
        func finish(table: ECFixedBaseTable, workers: Int) async throws(PSIError) -> [Indexed] {
            let answer: [UInt8]
            do { answer = try await response.value } catch let error as PSIError { throw error } catch {
                throw PSIError(.transport, "the evaluation request was cancelled: \(error)")
            }
            guard answer.count == batch.count * PSIProtocol.pointLength else {
                throw PSIError(.malformedMessage, "the server returned \(answer.count) bytes for \(batch.count) points")
            }
            let (batch, unblind, start) = (batch, unblind, start)
            return try PSIParallel.map(count: batch.count, workers: workers) { worker, range throws(PSIError) in
                var out: [Indexed] = []
                out.reserveCapacity(range.count)
                for i in range {
                    let evaluated = try worker.decodePoint(answer, index: i)
                    let unblinded = try psiCrypto { () throws(CryptoError) in try evaluated.adding(try table.multiply(unblind[i])) }
                    guard !unblinded.isIdentity else { throw PSIError(.malformedMessage, "the server's point \(i) unblinds to the identity") }
                    out.append(Indexed(digest: try worker.finalize(batch[i], unblinded), index: start + i))
                }
                return out
            }
        }
    }

    private static func contains(_ sorted: [PSIDigest], _ digest: PSIDigest) -> Bool {
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < digest { low = mid + 1 } else { high = mid }
        }
        return low < sorted.count && sorted[low] == digest
    }

    static func checkedInfo(_ transport: some PSITransport, mode: PSIMode) async throws(PSIError) -> PSIServerInfo {
        let info = try await transport.info()
        guard info.protocol == PSIProtocol.name, info.suite == PSIProtocol.suite.identifier,
              info.digestLength == PSIProtocol.digestLength else {
            throw PSIError(.protocolMismatch, "the server speaks \(info.protocol) with \(info.suite); this client \(PSIProtocol.name) with \(PSIProtocol.suite.identifier)")
        }
        guard info.mode == mode else {
            throw PSIError(.protocolMismatch, "the server answers \(info.mode.rawValue) queries, not \(mode.rawValue)")
        }
        guard info.setSize >= 0, info.maxBatch > 0, info.maxPage > 0 else {
            throw PSIError(.malformedMessage, "the server announces impossible sizes")
        }
        return info
    }
}
