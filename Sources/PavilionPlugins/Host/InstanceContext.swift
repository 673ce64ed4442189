import PavilionCrypto
import Synchronization

/// What the host knows about one connector instance; the plugin sees it as
/// the opaque `pv_host_ctx_t *` passed to `create` and to every service.
///
/// It outlives the plugin instance: ``ConnectorInstance`` keeps it until
/// `destroy` has returned.
final class InstanceContext: Sendable {
    /// Most bytes of a plugin log message the host reads at all.
    static let maxLogInputBytes = 64 << 10

    private static let nextID = Atomic<UInt64>(1)

    let connector: String
    let instanceID: UInt64
    let declaredSecrets: Set<String>
    let services: PluginServices
    /// Secret values handed out to this instance, to redact from its logs.
    private let handedOut = Mutex<[[UInt8]]>([])

    init(connector: String, declaredSecrets: Set<String>, services: PluginServices) {
        self.connector = connector
        self.declaredSecrets = declaredSecrets
        self.services = services
        self.instanceID = Self.nextID.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    deinit {
        handedOut.withLock { values in
            for index in values.indices { ConstantTime.wipe(&values[index]) }
            values.removeAll()
        }
    }

    /// Remember `value` so that later log lines of this instance redact it.
    func rememberSecret(_ value: [UInt8]) {
        guard !value.isEmpty else { return }
        handedOut.withLock { values in
            if !values.contains(value) { values.append(value) }
        }
    }

    /// The `log` service: redact, bound, sanitise, stamp, deliver.
    func log(level: UInt32, message: [UInt8], droppedBytes: Int) {
        let redacted = handedOut.withLock { values in LogText.redact(message, secrets: values) }
        let text = LogText.bounded(redacted, droppedBytes: droppedBytes, limit: PluginLogRecord.maxMessageBytes)
        services.logSink.write(PluginLogRecord(connector: connector, instanceID: instanceID,
                                               level: .init(raw: level), message: text))
    }
}

/// What the host knows about one exchange; the plugin sees it as the opaque
/// `pv_host_exchange_t *` and passes it back to the `secret` service.
final class ExchangeContext: Sendable {
    /// Outcome of a secret lookup.
    enum SecretLookup {
        case undeclared
        case notFound
        case value([UInt8])
    }

    let instance: InstanceContext
    let tenant: String
    let requestID: String
    /// Values handed out during the current plugin call.
    let leases = SecretLeases()

    init(instance: InstanceContext, tenant: String, requestID: String) {
        self.instance = instance
        self.tenant = tenant
        self.requestID = requestID
    }

    /// The `secret` service, minus the pointers.
    func secret(named name: String) -> SecretLookup {
        guard instance.declaredSecrets.contains(name) else { return .undeclared }
        guard let value = instance.services.secrets.secret(tenant: tenant, connector: instance.connector, name: name)
        else { return .notFound }
        instance.rememberSecret(value)
        return .value(value)
    }
}

/// Text hygiene for plugin-supplied messages.
enum LogText {
    /// Replace every occurrence of each non-empty secret in `bytes` with
    /// `[REDACTED]`.
    static func redact(_ bytes: [UInt8], secrets: [[UInt8]]) -> [UInt8] {
        var current = bytes
        let marker = Array("[REDACTED]".utf8)
        for secret in secrets where !secret.isEmpty && secret.count <= current.count {
            var out: [UInt8] = []
            out.reserveCapacity(current.count)
            var index = 0
            while index < current.count {
                if index + secret.count <= current.count, current[index..<index + secret.count].elementsEqual(secret) {
                    out.append(contentsOf: marker)
                    index += secret.count
                } else {
                    out.append(current[index])
                    index += 1
                }
            }
            current = out
        }
        return current
    }

    /// Valid UTF-8 (invalid sequences become U+FFFD), control characters
    /// other than tab become U+FFFD, at most `limit` bytes at a character
    /// boundary, with a note saying how much was cut.
    static func bounded(_ bytes: [UInt8], droppedBytes: Int = 0, limit: Int) -> String {
        let decoded = String(decoding: bytes, as: UTF8.self)
        var out = ""
        var used = 0
        var cut = droppedBytes
        for scalar in decoded.unicodeScalars {
            let clean: Unicode.Scalar =
                (scalar.value < 0x20 && scalar != "\t") || (0x7F...0x9F).contains(scalar.value) ? "\u{FFFD}" : scalar
            let width = UTF8.width(clean)
            if used + width > limit {
                cut += bytes.count - used
                break
            }
            out.unicodeScalars.append(clean)
            used += width
        }
        if cut > 0 { out += " …[truncated \(max(cut, 1)) bytes]" }
        return out
    }
}
