import Foundation
import PavilionCore

/// The PSI figures of `pavilion bench privacy`: our PSI over two sets of
/// `count` elements through the real binary on loopback (a `pavilion psi
/// serve` child and a `pavilion psi query` child), beside OpenMined PSI
/// (the `openmined-psi` PyPI package from `.build/bench-venv`, which
/// `script/bench` installs) on the same two files in the same run.
///
/// Sets: the client has `user-<i>@example.org` for `i < count`, the server
/// for `count/2 ≤ i < 3·count/2`, so half of each set is shared.
/// `psi_1m_seconds` is cold: the server's preprocessing (from its start to
/// its ready line) plus the whole query; `psi_1m_online_seconds` is the query
/// alone against the cached set. Peak RSS is each child's `VmHWM`
/// (server and client), the larger of the two reported.
enum PSIBenchmark {
    struct Figures {
        var seconds: Double
        var onlineSeconds: Double
        var serverPeakMB: Double
        var clientPeakMB: Double
        var openMinedSeconds: Double?
        var openMinedOnlineSeconds: Double?
        var openMinedVersion: String?
    }

    static func run(count: Int) throws -> Figures {
        let directory = try makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (clientSet, serverSet, expected) = try writeSets(count: count, directory: directory)
        let children = ChildProcesses()
        defer { children.stopAll() }
        let executable = ChildProcesses.currentExecutable

        Output.err("bench privacy: PSI \(count) x \(count), pavilion psi serve + query on loopback (cold cache)")
        let cold = try coldRun(children, executable, clientSet: clientSet, serverSet: serverSet, expected: expected, directory: directory)

        // Warm: the server reuses its cached set; the query alone.
        Output.err("bench privacy: PSI again against the cached preprocessed set")
        let clock = ContinuousClock()
        let (warmServer, warmURL) = try startServer(children, executable, set: serverSet, directory: directory)
        let start = clock.now
        let (warmFound, _) = try query(children, executable, url: warmURL, set: clientSet, directory: directory)
        let online = clock.now - start
        guard warmFound == expected else { throw CommandError("bench psi: warm run found \(warmFound), expected \(expected)") }
        _ = stopAndMeasure(children, warmServer)

        var figures = Figures(seconds: cold.seconds, onlineSeconds: online.inSeconds,
                              serverPeakMB: cold.serverPeakMB, clientPeakMB: cold.clientPeakMB)
        Output.err("bench privacy: OpenMined PSI (openmined-psi from .build/bench-venv) on the same files")
        if let reference = try openMined(clientSet: clientSet, serverSet: serverSet, expected: expected, directory: directory) {
            figures.openMinedSeconds = reference.seconds
            figures.openMinedOnlineSeconds = reference.online
            figures.openMinedVersion = reference.version
        } else {
            Output.err("bench privacy: .build/bench-venv has no openmined-psi (script/bench installs it); openmined_psi_1m_seconds is null")
        }
        return figures
    }

    /// The figures of one cold run: preprocessing plus query, and each child's peak.
    struct ColdFigures {
        var seconds: Double
        var preprocessingSeconds: Double
        var querySeconds: Double
        var serverPeakMB: Double
        var clientPeakMB: Double
    }

    /// One cold run (`--psi-10m`): the server preprocesses `count` elements
    /// into an empty cache, then the streaming client queries `count`
    /// elements, at most `chunk` digests in memory (nil: the client's
    /// default); no warm run, no OpenMined.
    static func runLarge(count: Int, chunk: Int?) throws -> ColdFigures {
        let directory = try makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        Output.err("bench privacy: writing two sets of \(count) elements")
        let (clientSet, serverSet, expected) = try writeSets(count: count, directory: directory)
        let children = ChildProcesses()
        defer { children.stopAll() }
        Output.err("bench privacy: PSI \(count) x \(count), streaming client, cold cache")
        return try coldRun(children, ChildProcesses.currentExecutable, clientSet: clientSet, serverSet: serverSet, expected: expected,
                           directory: directory, chunk: chunk)
    }

    private static func makeDirectory() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pavilion-psi-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    /// The client has `count` elements, the server `count` of which half are the client's.
    private static func writeSets(count: Int, directory: String) throws -> (client: String, server: String, expected: Int) {
        let clientSet = directory + "/client.txt", serverSet = directory + "/server.txt"
        try writeSet(clientSet, 0 ..< count)
        try writeSet(serverSet, count / 2 ..< count / 2 + count)
        return (clientSet, serverSet, count - count / 2)
    }

    /// Preprocessing (server start → ready) plus the query, with both children's peaks.
    private static func coldRun(_ children: ChildProcesses, _ executable: String, clientSet: String, serverSet: String, expected: Int,
                                directory: String, chunk: Int? = nil) throws -> ColdFigures {
        let clock = ContinuousClock()
        var start = clock.now
        let (server, url) = try startServer(children, executable, set: serverSet, directory: directory)
        let preprocessing = clock.now - start
        start = clock.now
        let (found, clientPeak) = try query(children, executable, url: url, set: clientSet, directory: directory, chunk: chunk)
        let queryTime = clock.now - start
        guard found == expected else { throw CommandError("bench psi: found \(found) common elements, expected \(expected)") }
        let serverPeak = stopAndMeasure(children, server)
        return ColdFigures(seconds: (preprocessing + queryTime).inSeconds, preprocessingSeconds: preprocessing.inSeconds,
                           querySeconds: queryTime.inSeconds, serverPeakMB: serverPeak, clientPeakMB: clientPeak)
    }

    /// Write `user-<i>@example.org` lines, 1 MiB at a time.
    private static func writeSet(_ path: String, _ range: Range<Int>) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let out = FileHandle(forWritingAtPath: path) else {
            throw CommandError("bench psi: cannot create \(path)")
        }
        defer { try? out.close() }
        var text: [UInt8] = []
        text.reserveCapacity((1 << 20) + 64)
        for i in range {
            text += "user-\(i)@example.org\n".utf8
            if text.count >= 1 << 20 {
                try out.write(contentsOf: text)
                text.removeAll(keepingCapacity: true)
            }
        }
        try out.write(contentsOf: text)
    }

    /// Start `pavilion psi serve` and wait for its ready line.
    private static func startServer(_ children: ChildProcesses, _ executable: String, set: String,
                                    directory: String) throws -> (pid_t, String) {
        let out = directory + "/serve.out"
        let pid = try children.spawn("psi serve", executable, ["psi", "serve", "--set", set, "--cache", directory + "/cache"],
                                     stdout: out, stderr: directory + "/serve.err")
        while true {
            if let data = FileManager.default.contents(atPath: out), let line = String(data: data, encoding: .utf8),
               line.hasSuffix("\n"), let json = try? JSONParser().parse(bytes: Array(line.utf8)), case .string(let url)? = json["url"] {
                return (pid, url)
            }
            guard children.isRunning(pid) else {
                let err = FileManager.default.contents(atPath: directory + "/serve.err").map { String(decoding: $0, as: UTF8.self) } ?? ""
                throw CommandError("bench psi: pavilion psi serve exited: \(err)")
            }
            usleep(20_000)
        }
    }

    /// Run `pavilion psi query`; the intersection size and the child's peak RSS in MB.
    private static func query(_ children: ChildProcesses, _ executable: String, url: String, set: String,
                              directory: String, chunk: Int? = nil) throws -> (Int, Double) {
        let out = directory + "/query.out"
        let pid = try children.spawn("psi query", executable,
                                     ["psi", "query", "--server", url, "--set", set] + (chunk.map { ["--chunk", String($0)] } ?? []),
                                     stdout: out, stderr: directory + "/query.err")
        let (status, peak) = waitWatchingPeak(children, pid)
        // The answer of a large run is far over the parser's default 16 MiB; it is our own child's output.
        guard status == 0, let data = FileManager.default.contents(atPath: out),
              let json = try? JSONParser(limits: .init(maxBytes: max(16 << 20, data.count))).parse(bytes: Array(data)),
              case .array(let found)? = json["intersection"] else {
            let err = FileManager.default.contents(atPath: directory + "/query.err").map { String(decoding: $0, as: UTF8.self) } ?? ""
            throw CommandError("bench psi: pavilion psi query failed (\(status)): \(err)")
        }
        return (found.count, peak)
    }

    /// The server's peak RSS in MB (`VmHWM`), then SIGTERM and wait.
    private static func stopAndMeasure(_ children: ChildProcesses, _ pid: pid_t) -> Double {
        let peak = highWaterMark(pid) ?? 0
        children.stop(pid)
        return peak
    }

    /// Wait for `pid` to exit, reading its `VmHWM` every 20 ms until then;
    /// the exit status and the last `VmHWM` in MB. Not `ru_maxrss`: a child
    /// started with `posix_spawn` (vfork) inherits this process's peak in it.
    private static func waitWatchingPeak(_ children: ChildProcesses, _ pid: pid_t) -> (Int32, Double) {
        var peak = 0.0
        while true {
            if let now = highWaterMark(pid) { peak = max(peak, now) }
            guard children.isRunning(pid) else { break }
            usleep(20_000)
        }
        return (children.lastExitStatus(pid) ?? 1, peak)
    }

    /// `VmHWM` of `/proc/PID/status` in MB; nil once the process is gone.
    private static func highWaterMark(_ pid: pid_t) -> Double? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/status") else { return nil }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Double($0) }
            return kilobytes.map { $0 / 1024 }
        }
        return nil
    }

    /// OpenMined PSI on the same files: server setup (GCS, fpr 1e-9) plus
    /// client request, server response and client intersection, in one
    /// python process, timed inside it (file reading excluded); `online`
    /// leaves out the setup, as our warm run leaves out the preprocessing.
    private static func openMined(clientSet: String, serverSet: String, expected: Int,
                                  directory: String) throws -> (seconds: Double, online: Double, version: String)? {
        let python = FileManager.default.currentDirectoryPath + "/.build/bench-venv/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else { return nil }
        let script = """
            import sys, time, json
            import private_set_intersection.python as psi
            from importlib.metadata import version
            client_items = open(sys.argv[1]).read().splitlines()
            server_items = open(sys.argv[2]).read().splitlines()
            start = time.perf_counter()
            server = psi.server.CreateWithNewKey(True)
            setup = server.CreateSetupMessage(1e-9, len(client_items), server_items, psi.DataStructure.GCS)
            online = time.perf_counter()
            client = psi.client.CreateWithNewKey(True)
            request = client.CreateRequest(client_items)
            response = server.ProcessRequest(request)
            found = client.GetIntersection(setup, response)
            end = time.perf_counter()
            print(json.dumps({"seconds": end - start, "online_seconds": end - online, "found": len(found),
                              "version": version("openmined-psi")}))
            """
        let scriptPath = directory + "/openmined.py"
        try Data(script.utf8).write(to: URL(fileURLWithPath: scriptPath))
        let children = ChildProcesses()
        defer { children.stopAll() }
        let out = directory + "/openmined.out"
        let status = try children.run("openmined", python, [scriptPath, clientSet, serverSet], stdout: out, stderr: directory + "/openmined.err")
        guard status == 0, let data = FileManager.default.contents(atPath: out), let json = try? JSONParser().parse(bytes: Array(data)),
              case .double(let time)? = json["seconds"], case .double(let online)? = json["online_seconds"] else {
            let err = FileManager.default.contents(atPath: directory + "/openmined.err").map { String(decoding: $0, as: UTF8.self) } ?? ""
            if err.contains("No module named") { return nil }
            throw CommandError("bench psi: OpenMined PSI failed (\(status)): \(err.suffix(500))")
        }
        var version = "unknown"
        if case .string(let v)? = json["version"] { version = v }
        if case .int(let found)? = json["found"], found != expected {
            Output.err("bench privacy: OpenMined PSI found \(found) common elements, expected \(expected) (its false positives)")
        }
        return (time, online, version)
    }
}
