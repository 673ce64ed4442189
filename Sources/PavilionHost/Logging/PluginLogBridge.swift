import PavilionCore
import PavilionPlugins

/// Sends plugin log lines to the host's JSON log, stamped with the connector,
/// its instance and the request being served.
///
/// The C ABI's log service is per instance, but a plugin only logs during a
/// call the host makes on the request's task; the request id is read from
/// ``RequestScope`` (a task-local) at that moment.
public struct PluginLogBridge: PluginLogSink {
    /// The host's logger.
    public var logger: Logger

    /// - Parameter logger: where lines go.
    public init(logger: Logger) { self.logger = logger }

    /// Write `record` as a JSON line with `source: plugin`.
    public func write(_ record: PluginLogRecord) {
        let level: LogLevel
        switch record.level {
        case .debug: level = .debug
        case .info: level = .info
        case .warn: level = .warn
        case .error: level = .error
        }
        var fields: [String: JSONValue] = ["source": "plugin", "connector": .string(record.connector),
                                           "instance": .int(Int64(truncatingIfNeeded: record.instanceID))]
        if let requestID = RequestScope.requestID { fields["request_id"] = .string(requestID) }
        logger.log(level, record.message, fields)
    }
}

/// Per-request values visible to synchronous code running on the request's task.
public enum RequestScope {
    /// The request id being served, if any.
    @TaskLocal public static var requestID: String?
}
