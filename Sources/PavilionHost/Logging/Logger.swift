import Foundation
import PavilionCore
import Synchronization

/// Where log lines go: one JSON object per line.
public protocol LogSink: Sendable {
    /// Write one complete line (no trailing newline).
    func write(line: String)
    /// Write one complete line given as UTF-8 bytes ending in a newline.
    /// The default hands `write(line:)` the line without its newline.
    func write(lineBytes: [UInt8])
    /// Return once every line written so far is where the sink puts lines
    /// (called before the process exits). The default does nothing.
    func flush()
}

extension LogSink {
    /// Decode the bytes and call `write(line:)`, for sinks that keep strings.
    public func write(lineBytes: [UInt8]) {
        write(line: String(decoding: lineBytes.last == 0x0A ? lineBytes.dropLast() : lineBytes[...], as: UTF8.self))
    }

    /// Nothing waits in a sink that writes at once.
    public func flush() {}
}

/// Writes lines to standard error with one `write(2)` each, so concurrent
/// lines never interleave.
public struct StandardErrorLogSink: LogSink {
    /// A sink on file descriptor 2.
    public init() {}

    /// Write `line` and a newline to stderr.
    public func write(line: String) {
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        write(lineBytes: bytes)
    }

    /// Write `lineBytes` (a line and its newline) to stderr in one call
    /// (`FileHandle.write` loops over partial writes itself).
    public func write(lineBytes bytes: [UInt8]) {
        FileHandle.standardError.write(Data(bytes))
    }
}

/// Keeps lines in memory, for tests.
public final class MemoryLogSink: LogSink {
    private let stored = Mutex<[String]>([])

    /// An empty sink.
    public init() {}

    /// Keep `line`.
    public func write(line: String) { stored.withLock { $0.append(line) } }

    /// Every line written so far.
    public var lines: [String] { stored.withLock { $0 } }
}

/// A structured logger: JSON lines with `ts`, `level`, `msg` and fields.
/// Passed to whatever logs, never global. Callers must not put subject
/// attributes, claim values or secrets in fields.
public struct Logger: Sendable {
    /// Lines below this level are dropped.
    public var level: LogLevel
    /// Where lines go.
    public var sink: any LogSink
    /// Fields added to every line (e.g. `component`).
    public var metadata: [String: JSONValue]

    /// - Parameters:
    ///   - level: the minimum level written.
    ///   - sink: where lines go.
    ///   - metadata: fields on every line.
    public init(level: LogLevel = .info, sink: any LogSink = StandardErrorLogSink(), metadata: [String: JSONValue] = [:]) {
        self.level = level
        self.sink = sink
        self.metadata = metadata
    }

    /// A logger that adds `fields` to every line.
    public func with(_ fields: [String: JSONValue]) -> Logger {
        var copy = self
        copy.metadata.merge(fields) { _, new in new }
        return copy
    }

    /// Write one line if `level` is enabled.
    /// - Parameters:
    ///   - level: severity.
    ///   - message: what happened (no personal data).
    ///   - fields: extra fields; they override metadata of the same name.
    public func log(_ level: LogLevel, _ message: String, _ fields: [String: JSONValue] = [:]) {
        guard level >= self.level else { return }
        var members: [(key: String, value: JSONValue)] = []
        members.reserveCapacity(fields.count + metadata.count + 3)
        for (key, value) in fields where !Self.isStandard(key) { members.append((key, value)) }
        for (key, value) in metadata where fields[key] == nil && !Self.isStandard(key) { members.append((key, value)) }
        write(level, message, &members)
    }

    /// ``log(_:_:_:)`` with the fields as a list, for hot paths (the access
    /// log): no dictionary is built. The line is the same.
    /// - Parameters:
    ///   - level: severity.
    ///   - message: what happened (no personal data).
    ///   - fields: extra fields with unique names; they override metadata of the same name.
    public func log(_ level: LogLevel, _ message: String, fields: [(key: String, value: JSONValue)]) {
        guard level >= self.level else { return }
        var members: [(key: String, value: JSONValue)] = []
        members.reserveCapacity(fields.count + metadata.count + 3)
        for field in fields where !Self.isStandard(field.key) { members.append(field) }
        for (key, value) in metadata where !Self.isStandard(key) && !fields.contains(where: { $0.key == key }) {
            members.append((key, value))
        }
        write(level, message, &members)
    }

    /// `ts`, `level` and `msg`: set by the logger, whatever the fields say.
    private static func isStandard(_ key: String) -> Bool { key == "ts" || key == "level" || key == "msg" }

    /// Add `ts`, `level` and `msg` to `members` (none of which is standard)
    /// and write the line. In place: a copy of the list cost ~1.5k instructions.
    private func write(_ level: LogLevel, _ message: String, _ members: inout [(key: String, value: JSONValue)]) {
        members.append(("ts", .string(Timestamps.rfc3339(Date()))))
        members.append(("level", .string(level.rawValue)))
        members.append(("msg", .string(message)))
        var line: [UInt8] = []
        line.reserveCapacity(256)
        JSONValue.serializeObject(members, into: &line)
        line.append(0x0A)
        sink.write(lineBytes: line)
    }

    /// Wait until every line logged so far has been written (before exiting).
    public func flush() { sink.flush() }

    /// `log(.debug, …)`.
    public func debug(_ message: String, _ fields: [String: JSONValue] = [:]) { log(.debug, message, fields) }
    /// `log(.info, …)`.
    public func info(_ message: String, _ fields: [String: JSONValue] = [:]) { log(.info, message, fields) }
    /// `log(.warn, …)`.
    public func warn(_ message: String, _ fields: [String: JSONValue] = [:]) { log(.warn, message, fields) }
    /// `log(.error, …)`.
    public func error(_ message: String, _ fields: [String: JSONValue] = [:]) { log(.error, message, fields) }
}
