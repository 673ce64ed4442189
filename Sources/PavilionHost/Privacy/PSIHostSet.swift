import Foundation
import PavilionCore
import PavilionPrivacy
import Synchronization

/// One `privacy.psi_sets` entry, preprocessed at start and served under
/// `/v1/privacy/psi/{name}`: the ``PSIServer`` (the same one
/// `pavilion psi serve` runs), the tenants allowed to query it, and which
/// tenant opened each cardinality session, so a session is only ever
/// continued by its owner and one tenant's open sessions (at most
/// ``sessionsPerTenant``) cannot use up another's. A session unused for
/// ten minutes is dropped by the server and frees its owner's place.
final class PSIHostSet: Sendable {
    /// The set's name (a token).
    let name: String
    /// The server answering the protocol.
    let server: PSIServer
    /// Tenants allowed to query the set.
    let tenants: Set<String>
    private let sessionOwners = Mutex<[String: String]>([:])
    /// The most cardinality sessions one tenant has open on the set.
    static let sessionsPerTenant = 16

    /// Preprocess (or reuse the cache of) the set file.
    /// - Parameters:
    ///   - name: the set's name.
    ///   - configuration: its `privacy.psi_sets.NAME` entry.
    ///   - dataDirectory: the cache goes to `<dataDirectory>/psi/<name>` (the OPRF key and the digests or points).
    ///   - log: progress lines.
    /// - Throws: ``HostServiceError`` `.configuration` naming `privacy.psi_sets.NAME.file`.
    init(name: String, configuration: PrivacyConfiguration.PSISet, dataDirectory: String,
         log: (String) -> Void = { _ in }) throws(HostServiceError) {
        self.name = name
        tenants = Set(configuration.tenants)
        let cache = dataDirectory + "/psi/" + name
        do {
            try FileManager.default.createDirectory(atPath: dataDirectory + "/psi", withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw HostServiceError(.configuration, "privacy.psi_sets.\(name): cannot create \(dataDirectory)/psi: \(error.localizedDescription)")
        }
        do {
            let set = try PSIServerSet.prepare(setPath: configuration.file, cacheDirectory: cache,
                                               mode: configuration.cardinalityOnly ? .cardinality : .intersection, log: log)
            server = PSIServer(set: set, maxSessions: Self.sessionsPerTenant * max(1, tenants.count))
        } catch {
            throw HostServiceError(.configuration, "privacy.psi_sets.\(name).file: \(error.description)")
        }
    }

    /// Whether `tenant` may query the set.
    func allows(_ tenant: String) -> Bool { tenants.contains(tenant) }

    /// Open a cardinality session owned by `tenant`.
    func openSession(tenant: String) throws(PSIError) -> String {
        try sessionOwners.withLock { owners throws(PSIError) -> String in
            // Sessions the server dropped as idle free their owner's place. Read
            // under this lock: a snapshot taken before it could miss a session
            // another tenant opened meanwhile and drop its owner.
            let open = server.openSessions
            owners = owners.filter { open.contains($0.key) }
            guard owners.values.count(where: { $0 == tenant }) < Self.sessionsPerTenant else {
                throw PSIError(.refused, "\(Self.sessionsPerTenant) cardinality sessions are open; finish one first")
            }
            let id = try server.openSession()
            owners[id] = tenant
            return id
        }
    }

    /// Whether session `id` was opened by `tenant`.
    func owns(_ tenant: String, session id: String) -> Bool { sessionOwners.withLock { $0[id] == tenant } }

    /// Finish session `id` (the caller checked ``owns(_:session:)``).
    func finishSession(_ id: String) throws(PSIError) -> [UInt8] {
        defer { sessionOwners.withLock { _ = $0.removeValue(forKey: id) } }
        return try server.finishSession(id)
    }
}
