import Foundation
import PavilionCore
import PavilionManifest
import PavilionPlugins
import Synchronization

/// Connector secrets from the `secrets_file`: YAML `tenant → connector →
/// name → value`. The file must be readable by its owner only (mode 0600 or
/// 0400); anything wider is refused, as `ssh` refuses a readable key.
///
/// It is the host's ``SecretProvider``: ``replace(with:)`` swaps the table
/// atomically on SIGHUP, so running exchanges see either the old or the new
/// values, never a mix.
public final class SecretsFile: SecretProvider {
    /// tenant → connector → name → value.
    public typealias Table = [String: [String: [String: [UInt8]]]]

    private let table: Mutex<Table>

    /// - Parameter table: the secrets; empty unless given.
    public init(table: Table = [:]) { self.table = Mutex(table) }

    /// Replace every secret at once.
    public func replace(with newTable: Table) {
        table.withLock { $0 = newTable }
    }

    /// The value of `name` for `tenant` and `connector`, or `nil`.
    public func secret(tenant: String, connector: String, name: String) -> [UInt8]? {
        table.withLock { $0[tenant]?[connector]?[name] }
    }

    /// Read and check a secrets file.
    /// - Parameter path: the file.
    /// - Returns: its table.
    /// - Throws: ``HostConfigurationError`` when the file is group- or
    ///   world-accessible, unreadable, or not `tenant → connector → name → string`.
    public static func load(path: String) throws(HostConfigurationError) -> Table {
        let start = SourceLocation(file: path, line: 1, column: 1)
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
            throw HostConfigurationError(start, "cannot read the secrets file: \(error.localizedDescription)")
        }
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
        guard mode & 0o077 == 0 else {
            throw HostConfigurationError(start, "the secrets file is accessible by group or others (mode \(String(mode, radix: 8))); chmod 600 it")
        }
        let document: YAMLDocument
        do { document = try YAMLDocument.load(path: path) } catch {
            throw HostConfigurationError(diagnostics: error.diagnostics)
        }
        var problems: [Diagnostic] = []
        var out: Table = [:]
        if document.value == .null { return [:] }
        guard case .object(let tenants) = document.value else {
            throw HostConfigurationError(document.location(of: ""), "the secrets file must map tenants to connectors")
        }
        for (tenant, connectors) in tenants {
            guard case .object(let byConnector) = connectors else {
                problems.append(Diagnostic(document.location(of: tenant), "'\(tenant)' must map connector names to secrets"))
                continue
            }
            for (connector, secrets) in byConnector {
                guard case .object(let byName) = secrets else {
                    problems.append(Diagnostic(document.location(of: "\(tenant).\(connector)"),
                                               "'\(tenant).\(connector)' must map secret names to values"))
                    continue
                }
                for (name, value) in byName {
                    guard case .string(let text) = value else {
                        problems.append(Diagnostic(document.location(of: "\(tenant).\(connector).\(name)"),
                                                   "secret '\(tenant).\(connector).\(name)' must be a string, not \(value.typeName)"))
                        continue
                    }
                    out[tenant, default: [:]][connector, default: [:]][name] = Array(text.utf8)
                }
            }
        }
        guard problems.isEmpty else { throw HostConfigurationError(diagnostics: problems) }
        return out
    }
}
