import Foundation
import Testing

/// Runs the real `commune-agent` and `district-hub` built next to this test bundle.
enum Binaries {
    /// The build products folder: where the test runner itself lives.
    static let directory: URL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()

    static let agent = directory.appendingPathComponent("commune-agent").path
    static let hub = directory.appendingPathComponent("district-hub").path

    /// The repository's `config/` folder.
    static let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("config")
}

struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// A scratch folder for one end-to-end test, removed afterwards.
final class Workspace: Sendable {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// Runs a binary to completion; output goes through files so a chatty child never blocks.
    /// `standardError` names another file for its stderr (`/dev/full`: every write fails).
    @discardableResult
    func run(_ binary: String, _ arguments: [String], environment: [String: String] = [:],
             standardError: String? = nil) throws -> RunResult {
        let id = UUID().uuidString
        let out = path("\(id).out"), err = path("\(id).err")
        FileManager.default.createFile(atPath: out, contents: nil)
        FileManager.default.createFile(atPath: err, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: standardError ?? err))
        try process.run()
        process.waitUntilExit()
        return RunResult(status: process.terminationStatus,
                         stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                         stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    /// Runs a command that must succeed, and returns its standard output.
    @discardableResult
    func succeed(_ binary: String, _ arguments: [String], environment: [String: String] = [:],
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try run(binary, arguments, environment: environment)
        #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout
    }

    /// Decodes a command's JSON output.
    func json(_ binary: String, _ arguments: [String]) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(try succeed(binary, arguments).utf8))
    }
}

/// A long-running child (a daemon), stopped with SIGTERM when the test is done with it.
class DaemonProcess {
    let process = Process()
    let stdoutPath: String
    let stderrPath: String

    init(workspace: Workspace, binary: String, arguments: [String], environment: [String: String] = [:]) throws {
        let id = UUID().uuidString
        stdoutPath = workspace.path("\(id).out")
        stderrPath = workspace.path("\(id).err")
        FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
    }

    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// SIGTERM, then wait: returns the exit status and how long the exit took.
    @discardableResult
    func stop() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { stop() }
    }
}

/// A `district-hub serve` process on loopback.
final class HubProcess: DaemonProcess {
    private(set) var port = 0

    /// Starts the hub on `port` (0: a free one) and waits until it says it listens; with
    /// `ignoringFileSizeSignal`, through `sh` so a write past a file size limit fails instead
    /// of killing it (see `StorageFaultTests`).
    init(workspace: Workspace, db: String, port: Int = 0, environment: [String: String] = [:], ignoringFileSizeSignal: Bool = false) throws {
        let arguments = ["serve", "--db", db, "--listen", "127.0.0.1:\(port)"]
        try super.init(workspace: workspace, binary: ignoringFileSizeSignal ? "/bin/sh" : Binaries.hub,
                       arguments: ignoringFileSizeSignal ? shellIgnoringFileSizeSignal(Binaries.hub, arguments) : arguments,
                       environment: environment)
        let deadline = Date().addingTimeInterval(30)
        while true {
            let text = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.contains("listening on") }),
                let bound = Int(line.split(separator: ":").last ?? "")
            {
                self.port = bound
                return
            }
            guard process.isRunning, Date() < deadline else {
                process.terminate()
                throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the hub did not start: \(stderr)"])
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    var url: String { "http://127.0.0.1:\(port)" }
}
