import Foundation

/// Checks credential statuses against Token Status Lists and Bitstring
/// Status Lists, fetching through a ``StatusListFetcher`` and caching each
/// verified list until its `ttl` runs out.
///
/// Freshness (draft-ietf-oauth-status-list §8.3 4.d and §13.7; Bitstring
/// `ttl` in milliseconds): a cached list is used until `fetchedAt + ttl`
/// (or ``defaultTimeToLive`` when the list has none), and never after its
/// `exp` / `validUntil` or beyond ``maximumAge`` since its `iat`. Past
/// that it is fetched again; if the new copy cannot be fetched or
/// verified, the answer is ``StatusCheckResult/undetermined(_:)``
/// (`stale`, or the new copy's reason) — never the old copy's statuses.
///
/// An actor: one cache shared by concurrent verifications.
public actor StatusListChecker {
    /// Verifies a fetched Bitstring Status List credential at a time.
    public typealias CredentialVerifier = @Sendable (FetchedStatusList, Date) throws(StatusListError) -> BitstringStatusListCredential

    private enum Verified {
        case token(StatusListToken)
        case credential(BitstringStatusListCredential)
    }

    private struct Entry {
        var list: Verified
        var fetchedAt: Date
        var refreshAt: Date
    }

    private let fetcher: any StatusListFetcher
    private let keys: [JWK]
    private let allowedAlgorithms: Set<JWSAlgorithm>
    private let credentialVerifier: CredentialVerifier?
    private let now: @Sendable () -> Date
    /// The cache lifetime for a list without `ttl`.
    public let defaultTimeToLive: TimeInterval
    /// The oldest `iat` accepted, if the verifier has such a policy.
    public let maximumAge: TimeInterval?
    /// The Bitstring Status List herd-privacy floor.
    public let minimumBitstringEntries: Int
    private var cache: [String: Entry] = [:]
    /// How many fetches the checker has made (for tests and metrics).
    public private(set) var fetchCount = 0

    /// - Parameters:
    ///   - fetcher: the HTTP seam.
    ///   - keys: the Status Issuers' trusted keys (JWS).
    ///   - allowedAlgorithms: the JWS algorithms accepted for lists.
    ///   - credentialVerifier: how to verify a Bitstring Status List
    ///     credential; by default as `vc+jwt` under `keys`.
    ///   - defaultTimeToLive: cache lifetime without `ttl`, in seconds (5 minutes).
    ///   - maximumAge: reject lists whose `iat` is older than this, in seconds.
    ///   - minimumBitstringEntries: 131,072 unless an ecosystem says otherwise.
    ///   - now: the clock.
    public init(fetcher: any StatusListFetcher, keys: [JWK], allowedAlgorithms: Set<JWSAlgorithm>,
                credentialVerifier: CredentialVerifier? = nil, defaultTimeToLive: TimeInterval = 300,
                maximumAge: TimeInterval? = nil, minimumBitstringEntries: Int = BitstringStatusList.minimumEntries,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.fetcher = fetcher
        self.keys = keys
        self.allowedAlgorithms = allowedAlgorithms
        self.credentialVerifier = credentialVerifier
        self.defaultTimeToLive = defaultTimeToLive
        self.maximumAge = maximumAge
        self.minimumBitstringEntries = minimumBitstringEntries
        self.now = now
    }

    // MARK: Token Status List

    /// The status of a Referenced Token.
    /// - Parameter reference: its `status.status_list`.
    /// - Returns: valid, revoked (INVALID), suspended, another value, or undetermined with the reason.
    public func check(_ reference: StatusListReference) async -> StatusCheckResult {
        let list: Verified
        switch await verifiedList(reference.uri, expectToken: true) {
        case .failure(let reason): return .undetermined(reason)
        case .success(let verified): list = verified
        }
        guard case .token(let token) = list else { return .undetermined(UndeterminedReason(.unparsable, "not a Status List Token")) }
        do {
            switch try token.statusList.status(at: reference.index) {
            case .valid: return .valid
            case .invalid: return .revoked
            case .suspended: return .suspended
            case let other: return .other(value: Int(other.rawValue), message: nil)
            }
        } catch {
            return .undetermined(UndeterminedReason(error))
        }
    }

    // MARK: Bitstring Status List

    /// The status of a credential with a `BitstringStatusListEntry`.
    /// - Parameter entry: its `credentialStatus`.
    /// - Returns: for `revocation` valid or revoked, for `suspension` valid or
    ///   suspended, for `message` / `refresh` / others the value and its
    ///   message (0 is valid for `refresh`); or undetermined with the reason.
    public func check(_ entry: BitstringStatusListEntry) async -> StatusCheckResult {
        let list: Verified
        switch await verifiedList(entry.statusListCredential, expectToken: false) {
        case .failure(let reason): return .undetermined(reason)
        case .success(let verified): list = verified
        }
        guard case .credential(let credential) = list else {
            return .undetermined(UndeterminedReason(.unparsable, "not a BitstringStatusListCredential"))
        }
        guard credential.id == entry.statusListCredential else {
            return .undetermined(UndeterminedReason(.mismatch, "the list credential's id \(credential.id) is not \(entry.statusListCredential)"))
        }
        guard credential.statusPurposes.contains(entry.statusPurpose) else {
            return .undetermined(UndeterminedReason(.mismatch, "the list is for \(credential.statusPurposes), not \(entry.statusPurpose)"))
        }
        let value: Int
        do {
            value = try credential.list(statusSize: entry.statusSize, minimumEntries: minimumBitstringEntries)
                .status(at: entry.statusListIndex)
        } catch {
            return .undetermined(UndeterminedReason(error))
        }
        switch entry.statusPurpose {
        case .revocation: return value == 0 ? .valid : .revoked
        case .suspension: return value == 0 ? .valid : .suspended
        case .refresh where value == 0: return .valid
        default: return .other(value: value, message: entry.message(for: value))
        }
    }

    // MARK: Fetching and caching

    private func verifiedList(_ uri: String, expectToken: Bool) async -> Result<Verified, UndeterminedReason> {
        let time = now()
        if let entry = cache[uri], time < entry.refreshAt, isUsable(entry, at: time) {
            return .success(entry.list)
        }
        let fetched: FetchedStatusList
        do {
            fetchCount += 1
            fetched = try await fetcher.fetch(uri)
        } catch {
            if cache[uri] != nil {
                return .failure(UndeterminedReason(.stale, "the cached list is past its ttl and refetching failed: \(error)"))
            }
            return .failure(UndeterminedReason(.unreachable, "\(uri): \(error)"))
        }
        let fetchedAt = now()
        do {
            let list = try verify(fetched, uri: uri, expectToken: expectToken, at: fetchedAt)
            let entry = Entry(list: list, fetchedAt: fetchedAt, refreshAt: refreshTime(list, fetchedAt: fetchedAt))
            guard isUsable(entry, at: fetchedAt) else {
                return .failure(UndeterminedReason(.stale, "the served list was issued more than \(maximumAge ?? 0) s ago"))
            }
            cache[uri] = entry
            return .success(list)
        } catch {
            return .failure(UndeterminedReason(error))
        }
    }

    private func verify(_ fetched: FetchedStatusList, uri: String, expectToken: Bool,
                        at time: Date) throws(StatusListError) -> Verified {
        if expectToken {
            let text = String(decoding: fetched.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return .token(try StatusListToken.verify(text, keys: keys, allowedAlgorithms: allowedAlgorithms,
                                                     expectedURI: uri, now: time))
        }
        if let credentialVerifier { return .credential(try credentialVerifier(fetched, time)) }
        let text = String(decoding: fetched.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return .credential(try BitstringStatusListCredential.verify(jwt: text, keys: keys,
                                                                    allowedAlgorithms: allowedAlgorithms, now: time))
    }

    /// When to fetch again: `fetchedAt + ttl` (default when absent), never after `exp`.
    private func refreshTime(_ list: Verified, fetchedAt: Date) -> Date {
        switch list {
        case .token(let token):
            let ttl = token.timeToLive.map(TimeInterval.init) ?? defaultTimeToLive
            let byTTL = fetchedAt.addingTimeInterval(ttl)
            return token.expiresAt.map { min($0, byTTL) } ?? byTTL
        case .credential(let credential):
            let ttl = credential.timeToLiveMilliseconds.map { TimeInterval($0) / 1000 } ?? defaultTimeToLive
            let byTTL = fetchedAt.addingTimeInterval(ttl)
            return credential.validUntil.map { min($0, byTTL) } ?? byTTL
        }
    }

    /// Within `exp` / `validUntil` and the maximum age.
    private func isUsable(_ entry: Entry, at time: Date) -> Bool {
        switch entry.list {
        case .token(let token):
            if let exp = token.expiresAt, time >= exp { return false }
            if let maximumAge, time.timeIntervalSince(token.issuedAt) > maximumAge { return false }
        case .credential(let credential):
            if let until = credential.validUntil, time >= until { return false }
            if let maximumAge, let from = credential.validFrom, time.timeIntervalSince(from) > maximumAge { return false }
        }
        return true
    }
}
