import Foundation
import Testing

/// The hub's own HTTPS and the agent's certificate checks, with certificates made for the test.
@Suite("TLS", .serialized)
struct TLSTests {
    /// A throwaway CA and a certificate for 127.0.0.1 that it signed; returns the pin of the
    /// server's public key as libcurl takes it.
    func makeCertificates(_ workspace: Workspace) throws -> (ca: String, certificate: String, key: String, pin: String) {
        let ca = workspace.path("ca.pem"), caKey = workspace.path("ca.key")
        let certificate = workspace.path("hub.pem"), key = workspace.path("hub.key"), request = workspace.path("hub.csr")
        let extensions = workspace.path("san.ext")
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: extensions, atomically: true, encoding: .utf8)
        let openssl = "/usr/bin/openssl"
        try workspace.succeed(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", ca,
                                        "-days", "2", "-subj", "/CN=Test district CA"])
        try workspace.succeed(openssl, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", request, "-subj", "/CN=127.0.0.1"])
        try workspace.succeed(openssl, ["x509", "-req", "-in", request, "-CA", ca, "-CAkey", caKey, "-CAcreateserial",
                                        "-out", certificate, "-days", "2", "-extfile", extensions])
        let publicKey = workspace.path("hub.pub.der")
        try workspace.succeed(openssl, ["x509", "-in", certificate, "-pubkey", "-noout", "-out", workspace.path("hub.pub.pem")])
        try workspace.succeed(openssl, ["pkey", "-pubin", "-in", workspace.path("hub.pub.pem"), "-outform", "der", "-out", publicKey])
        try workspace.succeed(openssl, ["dgst", "-sha256", "-binary", "-out", workspace.path("hub.pin"), publicKey])
        let pin = try Data(contentsOf: URL(fileURLWithPath: workspace.path("hub.pin"))).base64EncodedString()
        return (ca, certificate, key, "sha256//" + pin)
    }

    @Test("the hub serves HTTPS; the agent verifies it, accepts a CA file and pins, and refuses plain HTTP elsewhere")
    func https() throws {
        let setup = try DaemonTests.Setup()
        let tls = try makeCertificates(setup.workspace)
        let hub = try HubProcess(workspace: setup.workspace, db: setup.hubDB, environment: [
            "HUB_TLS_CERTIFICATE": tls.certificate, "HUB_TLS_KEY": tls.key,
        ])
        let url = "https://127.0.0.1:\(hub.port)"
        try setup.workspace.succeed(Binaries.agent, ["init", "--db", setup.agentDB, "--hub", url, "--commune", "long-dong",
                                                     "--token-file", setup.tokenFile])
        let sync = ["sync", "--db", setup.agentDB]

        let unknownAuthority = try setup.workspace.run(Binaries.agent, sync)
        #expect(unknownAuthority.status == 76)
        #expect(unknownAuthority.stderr.contains("Không xác minh được máy chủ huyện"))
        #expect(unknownAuthority.stderr.contains("hub_identity"))
        #expect(unknownAuthority.stderr.lowercased().contains("certificate"))

        try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB], environment: ["AGENT_TLS_CA_FILE": tls.ca])
        let tasks = try #require(try setup.workspace.json(Binaries.agent, ["tasks", "--db", setup.agentDB, "--json"]) as? [Any])
        #expect(tasks.count == 5)

        let otherPin = "sha256//" + Data(repeating: 7, count: 32).base64EncodedString()
        let wrongPin = try setup.workspace.run(Binaries.agent, sync, environment: ["AGENT_TLS_CA_FILE": tls.ca, "AGENT_TLS_PINNED_KEYS": otherPin])
        #expect(wrongPin.status == 76)
        #expect(wrongPin.stderr.contains("hub_identity"))
        // Two pins, for rotation: the current key's among them.
        try setup.workspace.succeed(Binaries.agent, ["sync", "--db", setup.agentDB],
                                    environment: ["AGENT_TLS_CA_FILE": tls.ca, "AGENT_TLS_PINNED_KEYS": "\(otherPin);\(tls.pin)"])
        #expect(hub.stop() == 0)

        // Plain HTTP to a hub elsewhere is refused before anything is sent (the name does not even resolve).
        let remote = setup.workspace.path("remote.sqlite")
        try setup.workspace.succeed(Binaries.agent, ["init", "--db", remote, "--hub", "http://hub.invalid:8080", "--commune", "long-dong",
                                                     "--token-file", setup.tokenFile])
        let insecure = try setup.workspace.run(Binaries.agent, ["sync", "--db", remote])
        #expect(insecure.status == 65)
        #expect(insecure.stderr.contains("https://"))
        let allowed = try setup.workspace.run(Binaries.agent, ["sync", "--db", remote], environment: ["AGENT_HUB_ALLOW_INSECURE_HTTP": "true"])
        #expect(allowed.status == 69)  // allowed, then unreachable: the name does not resolve
    }
}
