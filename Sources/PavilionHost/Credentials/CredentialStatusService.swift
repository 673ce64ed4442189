import Foundation
import PavilionCore
import PavilionCredentials
import PavilionHSM
import PavilionStore
import Synchronization

/// The status lists of this host's credentials: allocates each credential
/// an entry at a random index, writes the references into credentials, and
/// builds the signed lists served at `/v1/status-lists/{id}` (IETF Token
/// Status List, 2 bits per entry) and `/v1/status-lists/{id}/revocation`
/// and `/suspension` (W3C Bitstring Status List credentials, 1 bit).
///
/// A list belongs to a region and is signed with that region's active
/// ES256 key, like the credentials it covers.
public final class CredentialStatusService: Sendable {
    /// How full a list gets before a new one is started: half, so a random
    /// index is found in a few draws and a list's use says little.
    public static let fillDivisor = 2
    /// The validity of a served list (`exp` / `validUntil` after its `iat`).
    public static let listValiditySeconds = 86_400

    /// Where allocations and statuses are kept.
    public let store: any CredentialStore
    /// Entries per list.
    public let capacity: Int
    /// The `ttl` of served lists, in seconds.
    public let timeToLiveSeconds: Int
    private let baseURL: Mutex<String?>

    /// - Parameters:
    ///   - store: the credential store.
    ///   - capacity: entries per list (at least 131,072).
    ///   - timeToLiveSeconds: the lists' `ttl`.
    ///   - baseURL: the URL the lists are reached at (`…/v1/status-lists/{id}` is appended); settable later.
    public init(store: any CredentialStore, capacity: Int = 131_072, timeToLiveSeconds: Int = 300, baseURL: String? = nil) {
        self.store = store
        self.capacity = capacity
        self.timeToLiveSeconds = timeToLiveSeconds
        self.baseURL = Mutex(baseURL)
    }

    /// Set the base URL when it was not configured (the host's own URL, once it listens).
    public func setBaseURLIfUnset(_ url: String) {
        baseURL.withLock { if $0 == nil { $0 = url } }
    }

    /// The base URL in use.
    public var currentBaseURL: String? { baseURL.withLock { $0 } }

    // MARK: Allocation

    /// Allocate the credential's entry at a random free index.
    /// - Throws: ``APIProblem`` 500 `credential_issuance_failed` when the store or the random source fails.
    public func allocate(verification: String, tenant: TenantID, region: String) async throws(APIProblem) -> CredentialStatusEntry {
        guard let id = try? VerificationID(verification) else {
            throw APIProblem(500, "credential_issuance_failed", "no valid verification id for the status entry")
        }
        for _ in 0..<16 {
            var draw: StatusIndexAllocator
            var candidates: [Int] = []
            do {
                draw = try StatusIndexAllocator(capacity: capacity)
                for _ in 0..<8 { candidates.append(try draw.allocate()) }
            } catch {
                throw APIProblem(500, "credential_issuance_failed", "cannot draw a status index: \(error)")
            }
            do {
                if let entry = try await store.allocateCredentialStatus(verification: id, tenant: tenant, region: region,
                                                                        capacity: capacity, fillLimit: capacity / Self.fillDivisor,
                                                                        candidates: candidates) {
                    return entry
                }
            } catch {
                throw APIProblem(500, "credential_issuance_failed", "cannot allocate a status entry: \(error)")
            }
        }
        throw APIProblem(500, "credential_issuance_failed", "no free status index after 128 random draws")
    }

    // MARK: References

    /// The Token Status List URI of list `id`.
    public func tokenURI(list id: Int64) -> String { "\(currentBaseURL ?? "")/v1/status-lists/\(id)" }

    /// The Bitstring Status List credential URL of list `id` for `purpose`.
    public func bitstringURI(list id: Int64, purpose: StatusPurpose) -> String { tokenURI(list: id) + "/" + purpose.rawValue }

    /// The `status` claim of a JWT or SD-JWT credential.
    public func statusClaim(_ entry: CredentialStatusEntry) -> JSONValue {
        StatusListReference(index: entry.index, uri: tokenURI(list: entry.listID)).statusClaim
    }

    /// The `credentialStatus` entries of a VC: one for revocation, one for suspension.
    public func bitstringEntries(_ entry: CredentialStatusEntry) -> [BitstringStatusListEntry] {
        [StatusPurpose.revocation, .suspension].map { purpose in
            BitstringStatusListEntry(id: bitstringURI(list: entry.listID, purpose: purpose) + "#\(entry.index)",
                                     statusPurpose: purpose, statusListIndex: entry.index,
                                     statusListCredential: bitstringURI(list: entry.listID, purpose: purpose))
        }
    }

    // MARK: Serving

    /// A list ready to serve: its body, media type and validator.
    public struct ServedList: Sendable {
        /// The signed JWT.
        public var body: String
        /// `application/statuslist+jwt` or `application/vc+jwt`.
        public var mediaType: String
        /// A weak ETag that changes whenever an entry changes.
        public var etag: String
    }

    /// The list's ETag: its id and the time of its last change.
    public static func etag(_ record: StatusListRecord) -> String {
        "W/\"\(record.id)-\(Int64((record.updatedAt.timeIntervalSince1970 * 1000).rounded()))\""
    }

    /// The stored list, or 404.
    public func record(_ id: Int64) async throws(APIProblem) -> StatusListRecord {
        let record: StatusListRecord?
        do { record = try await store.statusList(id: id) } catch {
            throw APIProblem(503, "store_unavailable", "the service cannot read status lists right now")
        }
        guard let record else { throw APIProblem(404, "status_list_not_found", "no status list \(id)") }
        return record
    }

    /// The signed list: a Token Status List (`purpose` nil) or a Bitstring Status List credential.
    /// - Throws: ``APIProblem`` 503 `signing_key_unavailable` when the list's region has no active ES256 key, 500 when building fails.
    public func served(_ record: StatusListRecord, purpose: StatusPurpose?, keyring: SigningKeyring,
                       now: Date = Date()) throws(APIProblem) -> ServedList {
        guard let signer = keyring.signer(algorithm: .es256, region: record.region, at: now) else {
            throw APIProblem(503, "signing_key_unavailable", "region '\(record.region)' has no active ES256 key to sign its status list")
        }
        let issuedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let until = issuedAt.addingTimeInterval(TimeInterval(Self.listValiditySeconds))
        do {
            if let purpose {
                var list = try BitstringStatusList(entries: record.capacity, statusSize: 1)
                let marked: CredentialStatusEntry.Status = purpose == .revocation ? .revoked : .suspended
                for (index, status) in record.statuses where status == marked { try list.setStatus(1, at: index) }
                let uri = bitstringURI(list: record.id, purpose: purpose)
                let credential = try BitstringStatusListCredential(id: uri, issuer: keyring.issuer, validFrom: issuedAt, validUntil: until,
                                                                   subjectID: uri + "#list", statusPurposes: [purpose],
                                                                   timeToLiveMilliseconds: timeToLiveSeconds * 1000, list: list)
                return ServedList(body: try credential.signedJWT(by: Self.adapter(signer)), mediaType: "application/vc+jwt",
                                  etag: Self.etag(record))
            }
            var list = try StatusList(size: record.capacity, bits: .two)
            for (index, status) in record.statuses {
                try list.setStatus(status == .revoked ? .invalid : .suspended, at: index)
            }
            let token = StatusListToken(subject: tokenURI(list: record.id), issuer: keyring.issuer, issuedAt: issuedAt,
                                        expiresAt: until, timeToLive: timeToLiveSeconds, statusList: list)
            return ServedList(body: try token.signed(by: Self.adapter(signer)), mediaType: StatusListToken.mediaType,
                              etag: Self.etag(record))
        } catch {
            throw APIProblem(500, "status_list_failed", "status list \(record.id) could not be built: \(error)")
        }
    }

    private static func adapter(_ signer: some Signer) -> any JWSSigner { SignerJWSAdapter(signer) }

    /// Whether `uri` names one of this host's lists; if so its id and purpose (nil for the token form).
    public func ownList(_ uri: String) -> (id: Int64, purpose: StatusPurpose?)? {
        guard let base = currentBaseURL, uri.hasPrefix(base + "/v1/status-lists/") else { return nil }
        return Self.parseListPath(String(uri.dropFirst(base.count + "/v1/status-lists/".count)))
    }

    /// `{id}` or `{id}/revocation` / `{id}/suspension`.
    static func parseListPath(_ rest: String) -> (id: Int64, purpose: StatusPurpose?)? {
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts[0].utf8.count <= 18, parts[0].allSatisfy(\.isASCII),
              let id = Int64(parts[0]), id > 0 else { return nil }
        if parts.count == 1 { return (id, nil) }
        switch parts[1] {
        case "revocation": return (id, .revocation)
        case "suspension": return (id, .suspension)
        default: return nil
        }
    }
}
