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
        let group = try psiCrypto { () throws(CryptoError) in try ECGroup.named(.p256) }
        guard let keyBytes = Hex.decode(info.publicKey) else { throw PSIError(.malformedMessage, "the server's public key is not hex") }
        let table: ECFixedBaseTable
        do {
            let publicKey = try ECPoint(sec1: keyBytes, in: group)
            table = try ECFixedBaseTable(base: publicKey)
        } catch { throw PSIError(.malformedMessage, "the server's public key is not a P-256 point: \(error.reason)") }

        var mine: [Indexed] = []
        mine.reserveCapacity(elements.count)
        let batchSize = min(info.maxBatch, PSIProtocol.maxBatch)
        // Pipelined: batch i+1 is blinded while the server evaluates batch i,
        // and batch i is unblinded while the server evaluates batch i+1.
        var inFlight: InFlight?
        defer { inFlight?.response.cancel() }
        for start in stride(from: 0, to: elements.count, by: batchSize) {
            let batch = Array(elements[start ..< min(start + batchSize, elements.count)])
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
            if let previous = inFlight { mine += try await previous.finish(table: table, workers: workers) }
            inFlight = next
        }
        if let last = inFlight {
            inFlight = nil
            mine += try await last.finish(table: table, workers: workers)
        }
        mine.sort()

        // Merge with the server's sorted digests, a page at a time.
        var matched: [Int] = []
        var cursor = 0
        var offset = 0
        var previous: PSIDigest?
        let pageSize = min(info.maxPage, PSIProtocol.maxPage)
        while offset < info.setSize, cursor < mine.count {
            let page = try PSIDigest.decodeAll(try await transport.page(offset: offset, count: pageSize))
            guard !page.isEmpty, page.count <= pageSize else { throw PSIError(.malformedMessage, "the server sent a page of \(page.count) digests") }
            for digest in page {
                if let previous, digest <= previous { throw PSIError(.malformedMessage, "the server's digests are not sorted and distinct") }
                previous = digest
                while cursor < mine.count, mine[cursor].digest < digest { cursor += 1 }
                var first = true
                while cursor < mine.count, mine[cursor].digest == digest {
                    if first { matched.append(mine[cursor].index) }
                    first = false
                    cursor += 1
                }
            }
            offset += page.count
        }
        return matched.sorted()
    }

    /// How many distinct elements of `elements` are in the server's set.
    /// - Parameters: as ``intersection(elements:transport:workers:)``.
    /// - Throws: ``PSIError`` as ``intersection(elements:transport:workers:)``.
    public static func cardinality(elements: [[UInt8]], transport: some PSITransport,
                                   workers: Int = PSIProtocol.defaultWorkers) async throws(PSIError) -> Int {
        let info = try await checkedInfo(transport, mode: .cardinality)
        let group = try psiCrypto { () throws(CryptoError) in try ECGroup.named(.p256) }
        let a = try psiCrypto { () throws(CryptoError) in try ECScalar.random(in: group) }
        let batchSize = min(info.maxBatch, PSIProtocol.maxBatch)
        let session = try await transport.openSession()
        for start in stride(from: 0, to: elements.count, by: batchSize) {
            let batch = Array(elements[start ..< min(start + batchSize, elements.count)])
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
        let theirs = try PSIDigest.decodeAll(try await transport.finishSession(session))
        guard theirs.count == elements.count else {
            throw PSIError(.malformedMessage, "the server returned \(theirs.count) digests for \(elements.count) elements")
        }
        for i in theirs.indices.dropFirst() where theirs[i] < theirs[i - 1] {
            throw PSIError(.malformedMessage, "the server's session digests are not sorted")
        }
        var count = 0
        var offset = 0
        let pageSize = min(info.maxPage, PSIProtocol.maxPage)
        while offset < info.setSize, !theirs.isEmpty {
            let page = try await transport.page(offset: offset, count: pageSize)
            let n = try PSIWorker.pointCount(page, limit: pageSize, what: "the server's page")
            let hits = try PSIParallel.map(count: n, workers: workers) { worker, range throws(PSIError) in
                var hits = 0
                for i in range {
                    let q = try worker.decodePoint(page, index: i)
                    let digest = try worker.cardinalityDigest(try psiCrypto { () throws(CryptoError) in try q.multiplied(by: a) })
                    if contains(theirs, digest) { hits += 1 }
                }
                return [hits]
            }
            count += hits.reduce(0, +)
            offset += n
        }
        return count
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

    private struct Indexed: Comparable {
        var digest: PSIDigest
        var index: Int
        static func < (lhs: Indexed, rhs: Indexed) -> Bool {
            lhs.digest != rhs.digest ? lhs.digest < rhs.digest : lhs.index < rhs.index
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

    private static func checkedInfo(_ transport: some PSITransport, mode: PSIMode) async throws(PSIError) -> PSIServerInfo {
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
