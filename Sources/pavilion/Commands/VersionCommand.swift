

/// `pavilion version`.
enum VersionCommand {
    static let version = "0.1.0"

    static func run() -> Int32 {
        Output.out("pavilion \(version) (connector ABI 1)")
        return 0
    }
}
