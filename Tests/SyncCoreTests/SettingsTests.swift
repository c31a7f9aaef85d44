import Foundation
import SyncCore
import Testing

@Suite("Settings")
struct SettingsTests {
    @Test("an unset key takes its default; a set one of the wrong type or out of range names its key and variable")
    func typedValues() async throws {
        let scratch = Scratch()
        let file = scratch.path("agent.json")
        try #"{"sync": {"afterWrite": "soon", "interval": 30}, "log": {"level": "debug"}}"#.write(toFile: file, atomically: true, encoding: .utf8)
        let settings = try await Settings.load(file: file, defaultFile: "/nonexistent", environmentPrefix: "agent",
                                               environment: ["AGENT_BACKOFF_MAX": "never", "AGENT_HTTP_TIMEOUT": "7200"])
        #expect(try settings.seconds("backoff.initial", default: 5, range: 0.1...60) == .seconds(5))
        #expect(try settings.seconds("sync.interval", default: 60, range: 1...3600) == .seconds(30))
        #expect(try settings.logLevel("log.level", default: .info) == .debug)
        #expect(try settings.string("hub.url") == nil)
        for (key, variable) in [("sync.afterWrite", "AGENT_SYNC_AFTER_WRITE"), ("backoff.max", "AGENT_BACKOFF_MAX")] {
            do {
                _ = try settings.seconds(key, default: 1, range: 0...86_400)
                Issue.record("\(key) was accepted")
            } catch let error as SettingsError {
                #expect(error.key == "\(key) (\(variable))")
            }
        }
        #expect(throws: SettingsError.self) { try settings.seconds("http.timeout", default: 120, range: 5...3600) }
    }

    @Test("HOST:PORT: the port after the last colon, IPv6 hosts bare or in brackets")
    func hostAndPort() {
        #expect(HostAndPort("127.0.0.1:8080") == HostAndPort("127.0.0.1:8080"))
        #expect(HostAndPort("127.0.0.1:8080")?.host == "127.0.0.1")
        #expect(HostAndPort("[::1]:0")?.host == "::1")
        #expect(HostAndPort("[::1]:0")?.port == 0)
        #expect(HostAndPort("0.0.0.0:65535")?.port == 65535)
        for bad in ["everywhere", ":8080", "host:", "host:65536", "host:-1", "host:http"] {
            #expect(HostAndPort(bad) == nil, "\(bad)")
        }
    }
}
