import Foundation
import XCTest

/// A Linux network namespace owned by a test, deleted (with every process
/// started in it) by ``delete()`` or at the latest in `deinit`.
///
/// Addresses are restricted to the benchmarking range 198.18.0.0/15 and no
/// namespace ever gets a default route, so a link taken down or a wrong
/// address can never send a packet anywhere but the test's own namespaces.
///
/// ```swift
/// try NetworkNamespace.skipUnlessAvailable()
/// let dp = try NetworkNamespace(label: "dp")
/// let host = try NetworkNamespace(label: "host")
/// defer { dp.delete(); host.delete() }
/// let link = try NetworkNamespace.connect(host, "198.18.0.2", dp, "198.18.0.1")
/// try link.setUp(false)  // unreachable from now on
/// ```
public final class NetworkNamespace {
    /// A failed `ip` command.
    public struct CommandError: Error, CustomStringConvertible {
        /// The command line.
        public var command: [String]
        /// Its exit status.
        public var status: Int32
        /// Its standard error.
        public var stderr: String

        public var description: String { "\(command.joined(separator: " ")) exited \(status): \(stderr)" }
    }

    /// One end of a veth pair: the namespace, interface name and address.
    public struct Endpoint {
        /// The namespace holding the interface.
        public let namespace: NetworkNamespace
        /// The interface name inside it.
        public let interface: String
        /// Its IPv4 address (198.18.0.0/15).
        public let address: String
    }

    /// A veth pair joining two namespaces.
    public struct Link {
        /// The first end.
        public let a: Endpoint
        /// The second end.
        public let b: Endpoint

        /// Take both ends up or down.
        /// - Parameter up: `true` for up.
        public func setUp(_ up: Bool) throws {
            try a.namespace.setLink(a.interface, up: up)
            try b.namespace.setLink(b.interface, up: up)
        }
    }

    /// The `ip` program.
    public static let ip = URL(fileURLWithPath: "/usr/sbin/ip")

    /// The namespace's name (`pv-<label>-<random>`), unique per test run.
    public let name: String
    private var processes: [Spawn.Child] = []
    private var deleted = false

    /// Why namespaces cannot be made here (not root, no `ip`), or `nil`.
    public static var unavailableReason: String? {
        guard getuid() == 0 else { return "network namespaces need root" }
        guard FileManager.default.isExecutableFile(atPath: ip.path) else { return "`ip` (iproute2) is not installed" }
        return nil
    }

    /// Throw `XCTSkip` when namespaces cannot be made here.
    public static func skipUnlessAvailable() throws {
        if let reason = unavailableReason { throw XCTSkip(reason) }
    }

    /// Create a namespace with its loopback up and no other route.
    /// - Parameter label: a short word naming its role (`dp`, `host`).
    /// - Throws: ``CommandError`` when `ip netns add` fails.
    public init(label: String) throws {
        let suffix = UUID().uuidString.prefix(6).lowercased()
        name = "pv-\(label.prefix(12))-\(suffix)"
        try Self.ip(["netns", "add", name])
        do {
            try Self.ip(["-n", name, "link", "set", "lo", "up"])
        } catch {
            delete()
            throw error
        }
    }

    deinit {
        delete()
    }

    /// Whether `198.18.0.0/15` holds `address` (an IPv4 dotted quad).
    public static func isBenchmarkingAddress(_ address: String) -> Bool {
        let parts = address.split(separator: ".").compactMap { UInt8($0) }
        return parts.count == 4 && parts[0] == 198 && (parts[1] == 18 || parts[1] == 19)
    }

    /// Join two namespaces with a veth pair, address both ends (/24) and bring them up.
    /// - Parameters:
    ///   - a: the first namespace; `addressA` its address.
    ///   - b: the second namespace; `addressB` its address, in the same /24.
    /// - Returns: the link, to take down and up.
    /// - Throws: ``CommandError``; an address outside 198.18.0.0/15 is refused before anything is made.
    public static func connect(_ a: NetworkNamespace, _ addressA: String,
                               _ b: NetworkNamespace, _ addressB: String) throws -> Link {
        guard isBenchmarkingAddress(addressA), isBenchmarkingAddress(addressB) else {
            throw CommandError(command: ["connect", addressA, addressB], status: -1,
                               stderr: "addresses must be in 198.18.0.0/15")
        }
        let tag = UUID().uuidString.prefix(6).lowercased()
        let ifA = "pv\(tag)a", ifB = "pv\(tag)b"
        // Create the pair directly inside the namespaces: nothing ever sits in the root namespace.
        try ip(["-n", a.name, "link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", b.name])
        try ip(["-n", a.name, "addr", "add", "\(addressA)/24", "dev", ifA])
        try ip(["-n", b.name, "addr", "add", "\(addressB)/24", "dev", ifB])
        let link = Link(a: Endpoint(namespace: a, interface: ifA, address: addressA),
                        b: Endpoint(namespace: b, interface: ifB, address: addressB))
        try link.setUp(true)
        return link
    }

    /// Set an interface of this namespace up or down.
    public func setLink(_ interface: String, up: Bool) throws {
        try Self.ip(["-n", name, "link", "set", interface, up ? "up" : "down"])
    }

    /// The namespace's default routes (`ip route show default`), which must stay empty.
    public func defaultRoutes() throws -> String {
        try Self.ip(["-n", name, "route", "show", "default"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Run a program inside the namespace to completion (`ip netns exec`).
    /// - Returns: its exit status and output.
    public func run(_ executable: String, _ arguments: [String]) throws -> TestEnvironment.ProcessResult {
        try TestEnvironment.run(Self.ip, ["netns", "exec", name, executable] + arguments)
    }

    /// Start a long-running program inside the namespace; it is terminated
    /// when the namespace is deleted.
    /// - Returns: the child, its standard output a pipe, its standard error discarded.
    public func spawn(_ executable: String, _ arguments: [String]) throws -> Spawn.Child {
        let child = try Spawn.start(Self.ip.path, ["netns", "exec", name, executable] + arguments,
                                    stdout: .pipe, stderr: .discard)
        child.closeInput()
        processes.append(child)
        return child
    }

    /// Terminate the processes started here and delete the namespace (and so
    /// its interfaces and their veth peers). Safe to call more than once.
    public func delete() {
        guard !deleted else { return }
        deleted = true
        for process in processes {
            process.signal(SIGTERM)
            if process.wait(seconds: 10) == nil {
                process.signal(SIGKILL)
                process.wait()
            }
        }
        processes.removeAll()
        _ = try? Self.ip(["netns", "del", name])
    }

    /// Whether a namespace called `name` exists.
    public static func exists(_ name: String) throws -> Bool {
        try ip(["netns", "list"]).split(separator: "\n").contains { $0.split(separator: " ").first.map(String.init) == name }
    }

    @discardableResult
    private static func ip(_ arguments: [String]) throws -> String {
        let result = try TestEnvironment.run(ip, arguments)
        guard result.status == 0 else {
            throw CommandError(command: ["ip"] + arguments, status: result.status, stderr: result.stderr)
        }
        return result.stdout
    }
}
